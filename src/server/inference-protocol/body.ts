/**
 * Request bodies on the Open Inference Protocol routes: JSON, strict UTF-8, whatever the Content-Type
 * says (clients such as `curl -d` and some v2 clients send none, or a form type). There is no cookie
 * authentication, so reading any type as JSON opens no cross-site request forgery. The binary tensor
 * data extension (`Inference-Header-Content-Length`) is refused with a message saying so, rather
 * than failing later as malformed JSON.
 */
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const BINARY_EXTENSION_HEADER = 'inference-header-content-length';

/** Replaces this (encapsulated) context's body parsers with one strict JSON parser for every type. */
export function acceptJsonBodies(app: FastifyInstance, { bodyLimit }: { bodyLimit: number }): void {
  // Refuses `__proto__` and `constructor.prototype` keys, like the GraphQL route's parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = STRICT_UTF8.decode(body as Buffer);
    } catch {
      return done(new GatewayError('BAD_REQUEST', 'the request body must be valid UTF-8'), undefined);
    }
    if (text.trim() === '')
      return done(new GatewayError('BAD_REQUEST', 'the request body must be a JSON inference request object, but it is empty'), undefined);
    void parseJson(request, text, (error, value) => {
      if (error) return done(new GatewayError('BAD_REQUEST', `the request body must be valid JSON: ${error.message}`), undefined);
      done(null, value);
    });
  });
  app.addHook('preParsing', async (request) => {
    if (request.headers[BINARY_EXTENSION_HEADER] !== undefined) {
      throw new GatewayError(
        'BAD_REQUEST',
        'the request body must be JSON only: the binary tensor data extension (Inference-Header-Content-Length) is not supported',
      );
    }
  });
}
