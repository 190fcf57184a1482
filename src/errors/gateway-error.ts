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

  /** HTTP status for this code when it ends a whole request: the catalogue's, the only source of error statuses. */
  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code].status;
  }

  /** HTTP headers an answer ended by this error carries: `Retry-After` when the error says when to retry. */
  get httpHeaders(): Readonly<Record<string, string>> {
    const { retryAfter } = this.details;
    return typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {};
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

/** The longest caller string an error shows verbatim; longer ones are described by their length. */
export const MAX_ECHOED_CHARACTERS = 40;
/** The same for names a caller gives (models, scopes, operations): real ones may be longer than a value. */
export const MAX_ECHOED_NAME_CHARACTERS = 128;

/**
 * A short, safe rendering of an offending value for error messages (never the whole of a big input).
 * Strings up to `maxCharacters` are shown whole.
 */
export function describeValue(value: unknown, maxCharacters = MAX_ECHOED_CHARACTERS): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') {
    return value.length > maxCharacters ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/**
 * A caller's string as a machine-readable detail (`extensions`): itself when short, else what
 * `describeValue` says of it, so no error carries a big input twice (message and extensions).
 */
export function echoedDetail(value: string, maxCharacters = MAX_ECHOED_CHARACTERS): string {
  return value.length > maxCharacters ? describeValue(value, maxCharacters) : value;
}

/** `.key` for a path in a message, or `[<description>]` when the caller's key is long or not a plain name. */
export function pathSegment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && key.length <= MAX_ECHOED_CHARACTERS ? `.${key}` : `[${describeValue(key)}]`;
}
