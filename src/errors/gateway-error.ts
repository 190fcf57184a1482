import { ERROR_CATALOGUE, type ErrorCode } from './catalogue.js';

/**
 * The one error type the gateway's own layers throw. It knows nothing of GraphQL: the API layer maps
 * `code` to `extensions.code` and `details` to further extensions.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  /** Extra machine-readable facts for the client (e.g. `retryAfter`, `path`). Never secrets. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  /** HTTP status for this code when it ends a whole request. */
  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** `BAD_USER_INPUT` for the argument at `path`, in the "must X, but got Y" style. */
export function badInput(path: string, expectation: string, got?: unknown): GatewayError {
  const suffix = got === undefined ? '' : `, but got ${describeValue(got)}`;
  return new GatewayError('BAD_USER_INPUT', `${path}: ${expectation}${suffix}`, { path });
}

/** A short, safe rendering of an offending value for error messages (never the whole of a big input). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
