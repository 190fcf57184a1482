/**
 * Batched HTTP requests (a JSON array of operations, as Apollo Client's BatchHttpLink sends) are
 * capped: Apollo Server runs every operation of an array, so without a cap one request could carry
 * any number of them past the per-request limits. An array longer than the maximum is refused before
 * any operation runs: HTTP 400, `extensions.code: BAD_REQUEST`.
 */
import type { FastifyRequest } from 'fastify';
import { RequestRefusal } from './http-errors.js';

/** A Fastify `preValidation` hook for the GraphQL route. */
export function limitBatchedOperations(maxOperations: number) {
  return async function batchLimit(request: FastifyRequest): Promise<void> {
    if (!Array.isArray(request.body) || request.body.length <= maxOperations) return;
    throw new RequestRefusal(400, 'BAD_REQUEST', `must batch at most ${maxOperations} operations, but got ${request.body.length}`);
  };
}
