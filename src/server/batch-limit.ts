/**
 * Batched HTTP requests (a JSON array of operations, as Apollo Client's BatchHttpLink sends) are
 * capped: Apollo Server runs every operation of an array, so without a cap one request could carry
 * any number of them past the per-request limits. An array longer than the maximum is refused with
 * BAD_REQUEST before any operation runs; the refusal answers each operation of the array (see
 * renderGraphQLRefusal), so that a batch client shows every caller the reason.
 */
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';

/** A Fastify `preValidation` hook for the GraphQL route. */
export function limitBatchedOperations(maxOperations: number) {
  return async function batchLimit(request: FastifyRequest): Promise<void> {
    if (!Array.isArray(request.body) || request.body.length <= maxOperations) return;
    throw new GatewayError('BAD_REQUEST', `must batch at most ${maxOperations} operations, but got ${request.body.length}`);
  };
}
