/**
 * Batched HTTP requests (a JSON array of operations, as Apollo Client's BatchHttpLink sends) are
 * capped: Apollo Server runs every operation of an array, so without a cap one request could carry
 * any number of them past the per-request limits. An array longer than the maximum is refused before
 * any operation runs: HTTP 400 with an array of as many results as operations, each carrying the
 * BAD_REQUEST error. A batch client hands result i to operation i and refuses an answer of another
 * length ("expected length of 11"), so a single error object would hide the reason from every caller.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Beyond this many operations the answer is one error object: no batch client sends that many, and
 * one result per operation would let a body of `{}`s buy an answer thirty times its size.
 */
const MAX_RESULTS_IN_REFUSAL = 1_000;

export interface BatchLimitOptions {
  /** Told the code of every refusal (for metrics). */
  readonly onRefused?: (code: 'BAD_REQUEST') => void;
}

/** A Fastify `preValidation` hook for the GraphQL route. */
export function limitBatchedOperations(maxOperations: number, options: BatchLimitOptions = {}) {
  return async function batchLimit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (!Array.isArray(request.body) || request.body.length <= maxOperations) return undefined;
    const { length } = request.body;
    const code = 'BAD_REQUEST';
    const error = { message: `must batch at most ${maxOperations} operations, but got ${length}`, extensions: { code } };
    options.onRefused?.(code);
    request.facts?.errorCodes.push(code);
    // The media type a GraphQL client asked for, as Apollo's own answers do (Apollo Client reads the
    // body of a non-2xx answer only when it is application/graphql-response+json).
    const type = String(request.headers.accept ?? '').includes('application/graphql-response+json')
      ? 'application/graphql-response+json'
      : 'application/json';
    const body = length <= MAX_RESULTS_IN_REFUSAL ? Array.from({ length }, () => ({ errors: [error] })) : { errors: [error] };
    return reply.code(400).type(`${type}; charset=utf-8`).send(body);
  };
}
