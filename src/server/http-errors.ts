/**
 * Requests that never reach GraphQL (unreadable bodies, wrong content types, too large, refused by a
 * guard hook, unknown routes, broken HTTP) still get a GraphQL-shaped JSON answer with a stable code.
 * Every such refusal is a GatewayError from the catalogue, which gives its status: whatever Fastify or
 * Node's HTTP parser raised is translated once (`toGatewayError`, shared with the inference protocol's
 * routes), and rendered by one function (`renderGraphQLRefusal`). JSON bodies are decoded as strict
 * UTF-8: invalid bytes are refused instead of silently becoming U+FFFD.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, isGatewayError } from '../errors/gateway-error.js';
import { formatGatewayError } from '../graphql/errors.js';
import type { GatewayMetrics } from '../observability/metrics.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The message of an unexpected error, whose own message stays in the log. */
export const MASKED_MESSAGE = 'Unexpected error; the request id identifies it in the server log';

/**
 * Beyond this many operations a batched request's refusal is one error object: no batch client sends
 * that many, and one result per operation would let a body of `{}`s buy an answer thirty times its size.
 */
const MAX_RESULTS_IN_REFUSAL = 1_000;

/** An error answer: status and headers from the GatewayError, and the body for its wire format. */
export interface RenderedRefusal<Body> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Body;
}

type GraphQLErrorObject = ReturnType<typeof formatGatewayError>;
type GraphQLRefusalBody = { errors: GraphQLErrorObject[] } | { errors: GraphQLErrorObject[] }[];

/**
 * A refusal as GraphQL over HTTP answers it: `{ errors: [...] }` in the media type the client asked
 * for (Apollo Client reads the body of a non-2xx answer only when it is
 * application/graphql-response+json). A batched request (`operations`, the length of its JSON array)
 * gets one such result per operation: a batch client hands result i to operation i and refuses an
 * answer of another length ("expected length of 11"), so a single object would hide the reason.
 */
export function renderGraphQLRefusal(
  error: GatewayError,
  { accept, operations }: { accept?: string; operations?: number } = {},
): RenderedRefusal<GraphQLRefusalBody> {
  const result = { errors: [formatGatewayError(error)] };
  const type = String(accept ?? '').includes('application/graphql-response+json')
    ? 'application/graphql-response+json'
    : 'application/json';
  return {
    status: error.httpStatus,
    headers: { ...error.httpHeaders, 'content-type': `${type}; charset=utf-8` },
    body: operations !== undefined && operations <= MAX_RESULTS_IN_REFUSAL ? Array.from({ length: operations }, () => result) : result,
  };
}

/**
 * What any error thrown while serving a request means, as a GatewayError: itself, a Fastify body or
 * routing error by its Fastify code, or INTERNAL_SERVER_ERROR (masked) for anything else.
 */
export function toGatewayError(error: unknown, bodyLimit: number): GatewayError {
  if (isGatewayError(error)) return error;
  const fastifyError = error as Partial<FastifyError> | null;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('PAYLOAD_TOO_LARGE', `the request body must be at most ${bodyLimit} bytes`, {}, { cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(
        'UNSUPPORTED_MEDIA_TYPE',
        'the request body must be application/json (GraphQL over HTTP)',
        {},
        { cause: error },
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('BAD_REQUEST', 'the request body must be a JSON object with a query, but it is empty', {}, { cause: error });
  }
  // Fastify's other request errors (an invalid Content-Length, a malformed URL) are the client's.
  const status = fastifyError?.statusCode;
  if (typeof fastifyError?.message === 'string' && typeof status === 'number' && status >= 400 && status < 500)
    return new GatewayError('BAD_REQUEST', fastifyError.message, {}, { cause: error });
  return new GatewayError('INTERNAL_SERVER_ERROR', MASKED_MESSAGE, {}, { cause: error });
}

/**
 * The refusal of a connection whose request Node's HTTP parser could not accept (too slow, headers too
 * large, not HTTP), written to the socket: there is no request or reply object to answer with.
 */
export function toClientError(error: NodeJS.ErrnoException): GatewayError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new GatewayError(
      'REQUEST_TIMEOUT',
      'the request must arrive within the time limits (HEADERS_TIMEOUT_MS for the headers, REQUEST_TIMEOUT_MS for all of it), but it did not',
    );
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return new GatewayError('HEADERS_TOO_LARGE', 'the request headers must be at most 16 KiB, but they are larger');
  return new GatewayError('BAD_REQUEST', 'the request must be valid HTTP/1.1, but it is not');
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
      return done(new GatewayError('BAD_REQUEST', 'the request body must be valid UTF-8'), undefined);
    }
    if (text.trim() === '')
      return done(new GatewayError('BAD_REQUEST', 'the request body must be a JSON object with a query, but it is empty'), undefined);
    void parseJson(request, text, (error, value) => {
      if (error) return done(new GatewayError('BAD_REQUEST', `the request body must be valid JSON: ${error.message}`), undefined);
      done(null, value);
    });
  });

  const refuse = (error: GatewayError, request: FastifyRequest, reply: FastifyReply) => sendGraphQLRefusal(error, request, reply, metrics);
  app.setErrorHandler((thrown: unknown, request, reply) => {
    const error = toGatewayError(thrown, bodyLimit);
    if (error.httpStatus >= 500) request.log.error({ err: thrown }, 'request failed before reaching GraphQL');
    return refuse(error, request, reply);
  });
  // Keeps Fastify's words for it.
  app.setNotFoundHandler((request, reply) =>
    refuse(new GatewayError('NOT_FOUND', `Route ${request.method}:${request.url} not found`), request, reply),
  );
}

/** Sends a refusal as GraphQL over HTTP answers it, counting its code. */
export function sendGraphQLRefusal(
  error: GatewayError,
  request: FastifyRequest,
  reply: FastifyReply,
  metrics: GatewayMetrics,
): FastifyReply {
  metrics.errors.inc({ code: error.code });
  request.facts?.errorCodes.push(error.code);
  // After the body was parsed, a batched request's refusal answers each of its operations.
  const operations = Array.isArray(request.body) ? request.body.length : undefined;
  const { status, headers, body } = renderGraphQLRefusal(error, { accept: request.headers.accept, operations });
  return reply.code(status).headers(headers).send(body);
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode (malformed percent-encoding) is refused
 * with BAD_REQUEST, in Fastify's words, before any route (or its error handler) is known.
 */
export function answerFrameworkErrors(metrics: GatewayMetrics) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    void sendGraphQLRefusal(new GatewayError('BAD_REQUEST', error.message, {}, { cause: error }), request, reply, metrics);
  };
}

/**
 * Fastify's `clientErrorHandler`: answers a request Node's HTTP parser could not accept with its
 * catalogue refusal, then closes the connection (as Node and Fastify do). `onRefused` is told the code.
 */
export function answerClientErrors(onRefused: (code: string) => void): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    // A reset or an already closed connection has no one left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const refusal = toClientError(error);
    onRefused(refusal.code);
    if (socket.writable) socket.write(rawAnswer(renderGraphQLRefusal(refusal)));
    socket.destroy(error);
  };
}

/** An HTTP/1.1 answer as bytes for a raw socket. */
function rawAnswer({ status, headers, body }: RenderedRefusal<unknown>): string {
  const text = JSON.stringify(body);
  const head = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(text)), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${text}`;
}
