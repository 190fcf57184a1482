/**
 * Refuses documents with more lexer tokens than allowed before Apollo parses them (QUERY_TOO_COMPLEX):
 * parsing a giant document is the expensive part, so the check runs first and costs nothing for
 * documents shorter than the limit.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';
import { createTokenLimit } from '../graphql/token-count.js';

export function registerTokenLimit(app: FastifyInstance, { maxTokens, path }: { maxTokens: number; path: string }): void {
  // Documents already counted (and parsed and cached by Apollo) are not lexed again.
  const tokenLimit = createTokenLimit(maxTokens);
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url !== path) return;
    for (const query of queriesOf(request)) {
      if (tokenLimit.exceeds(query)) throw new GatewayError('QUERY_TOO_COMPLEX', `the document must have at most ${maxTokens} tokens`);
    }
  });
}

// The documents of a request: a POST body (one operation or a batch) or a GET query string.
function queriesOf(request: FastifyRequest): string[] {
  const fromQueryString = (request.query as { query?: unknown } | undefined)?.query;
  const body = request.body;
  const operations = Array.isArray(body) ? body : [body];
  const queries = operations.map((operation) => (operation as { query?: unknown } | null)?.query);
  if (typeof fromQueryString === 'string') queries.push(fromQueryString);
  return queries.filter((query): query is string => typeof query === 'string');
}
