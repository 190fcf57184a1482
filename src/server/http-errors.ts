/**
 * Requests that never reach GraphQL (unreadable bodies, wrong content types, too large, refused by a
 * guard hook) still get a GraphQL-shaped JSON answer with a stable code and the right HTTP status. JSON bodies are decoded as
 * strict UTF-8: invalid bytes are refused instead of silently becoming U+FFFD.
 * Guard hooks throw a GatewayError from the catalogue (its status, its details as extensions, and
 * `retryAfter` as a Retry-After header) or, in older hooks, a RequestRefusal.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayMetrics } from '../observability/metrics.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** An error that ends a request before GraphQL runs; thrown by hooks, rendered by the error handler. */
export class RequestRefusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function registerHttpErrorHandling(
  app: FastifyInstance,
  { bodyLimit, metrics }: { bodyLimit: number; metrics: GatewayMetrics },
): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // GraphQL over HTTP takes JSON only: other bodies are refused with 415 before they reach Apollo.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    metrics.requestBodyBytes.observe({ principal_kind: request.principal?.kind ?? 'unknown' }, (body as Buffer).length);
    let text: string;
    try {
      text = STRICT_UTF8.decode(body as Buffer);
    } catch {
      return done(new RequestRefusal(400, 'BAD_REQUEST', 'the request body must be valid UTF-8'), undefined);
    }
    if (text.trim() === '')
      return done(
        new RequestRefusal(400, 'BAD_REQUEST', 'the request body must be a JSON object with a query, but it is empty'),
        undefined,
      );
    void parseJson(request, text, (error, value) => {
      if (error) return done(new RequestRefusal(400, 'BAD_REQUEST', `the request body must be valid JSON: ${error.message}`), undefined);
      done(null, value);
    });
  });

  app.setErrorHandler((error: FastifyError | RequestRefusal | GatewayError, request, reply) => {
    const { status, code, message, details = {} } = describeHttpError(error, bodyLimit);
    metrics.errors.inc({ code });
    request.facts?.errorCodes.push(code);
    if (status >= 500) request.log.error({ err: error }, 'request failed before reaching GraphQL');
    if (typeof details.retryAfter === 'number') void reply.header('retry-after', String(details.retryAfter));
    // The media type a GraphQL client asked for, as Apollo's own error answers do.
    const type = String(request.headers.accept ?? '').includes('application/graphql-response+json')
      ? 'application/graphql-response+json'
      : 'application/json';
    return reply
      .code(status)
      .type(`${type}; charset=utf-8`)
      .send({ errors: [{ message, extensions: { ...details, code } }] });
  });
}

/** Status, stable code, message and details of an error that ends a request before it reaches its handler. */
export function describeHttpError(
  error: FastifyError | RequestRefusal | GatewayError,
  bodyLimit: number,
): { status: number; code: string; message: string; details?: Readonly<Record<string, unknown>> } {
  if (error instanceof GatewayError) return { status: error.httpStatus, code: error.code, message: error.message, details: error.details };
  if (error instanceof RequestRefusal) return { status: error.statusCode, code: error.code, message: error.message };
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `the request body must be at most ${bodyLimit} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'the request body must be application/json (GraphQL over HTTP)' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'BAD_REQUEST', message: 'the request body must be a JSON object with a query, but it is empty' };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, code: 'BAD_REQUEST', message: error.message };
  return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error; the request id identifies it in the server log' };
}
