/**
 * Every refusal on the Open Inference Protocol routes, rendered by one function as the protocol's
 * error object, `{ "error": "<message>" }`, with the catalogue's HTTP status and the same message
 * text GraphQL gives for the same failure. `code` is added beside `error` (clients that only read
 * `error` are unaffected) so that callers can switch on the stable code, as GraphQL clients do.
 */
import type { GatewayError } from '../../errors/gateway-error.js';
import type { RenderedRefusal } from '../http-errors.js';

export type ProtocolError = RenderedRefusal<{ readonly error: string; readonly code: string }>;

/** The answer for a refusal on a v2 route (`toGatewayError` makes one of anything thrown there). */
export function renderProtocolError(error: GatewayError): ProtocolError {
  return { status: error.httpStatus, headers: error.httpHeaders, body: { error: error.message, code: error.code } };
}
