/**
 * Compressed request bodies are refused with 415 UNSUPPORTED_CONTENT_ENCODING, from the header,
 * before the body is read. Without this check a gzip body was read as text and refused as "must be
 * valid UTF-8", which sends a client looking in the wrong place.
 *
 * Why refuse rather than decompress: GraphQL requests are small and the clients that send them
 * (Apollo Client, fetch, browsers) do not compress request bodies; decompressing would add zlib work
 * on the main thread and a second size limit to get right against decompression bombs (1 MB of gzip
 * inflates to 1 GB), for no caller that needs it. Responses are unaffected.
 */
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { describeValue, GatewayError } from '../errors/gateway-error.js';

/** An `onRequest` hook: refuses any Content-Encoding but `identity`. */
export const refuseEncodedBodies: onRequestAsyncHookHandler = async function refuseEncodedBodies(request: FastifyRequest): Promise<void> {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding.trim().toLowerCase() === 'identity') return;
  throw new GatewayError(
    'UNSUPPORTED_CONTENT_ENCODING',
    `the request body must not be compressed (Content-Encoding identity or none), but got Content-Encoding ${describeValue(encoding)}`,
  );
};
