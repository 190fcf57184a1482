/**
 * Every refusal on the Open Inference Protocol routes, rendered by one function as the protocol's
 * error object, `{ "error": "<message>" }`, with the catalogue's HTTP status and the same message
 * text GraphQL gives for the same failure. `code` is added beside `error` (clients that only read
 * `error` are unaffected) so that callers can switch on the stable code, as GraphQL clients do.
 */
import type { FastifyError } from 'fastify';
import { isGatewayError } from '../../errors/gateway-error.js';
import { describeHttpError, RequestRefusal } from '../http-errors.js';

export interface ProtocolError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error: string; readonly code: string };
}

const MASKED = 'Unexpected error; the request id identifies it in the server log';

/** The answer for any error thrown on a v2 route (GatewayError, a Fastify body error, or a bug). */
export function renderProtocolError(error: unknown, bodyLimit: number): ProtocolError {
  if (isGatewayError(error)) {
    const retryAfter = error.code === 'RATE_LIMITED' ? error.details.retryAfter : undefined;
    return {
      status: error.httpStatus,
      headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
      body: { error: error.message, code: error.code },
    };
  }
  if (error instanceof RequestRefusal || isFastifyError(error)) {
    const { status, code, message } = describeHttpError(error, bodyLimit);
    return { status, headers: {}, body: { error: message, code } };
  }
  return { status: 500, headers: {}, body: { error: MASKED, code: 'INTERNAL_SERVER_ERROR' } };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as FastifyError).code === 'string' && (error as FastifyError).code.startsWith('FST_');
}
