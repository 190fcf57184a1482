/**
 * Apollo Client's own BatchHttpLink (not our client's error mapping) against the real gateway: a batch
 * over MAX_BATCHED_OPERATIONS must reach every caller as the server's BAD_REQUEST error, not as
 * "server returned results with length 1, expected length of 11"; and the budget's `extensions.cost`
 * reaches each operation of a batch.
 */
import { ApolloClient, CombinedGraphQLErrors, gql, InMemoryCache } from '@apollo/client';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY, startTestServer, type TestServer } from '../support/gateway-server.js';

const SEARCH = gql`
  query Search($limit: Int!) {
    movies(limit: $limit) {
      id
    }
  }
`;

describe('BatchHttpLink against the real gateway', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** A client whose HTTP answers are recorded (Apollo Client does not put `extensions` on query results). */
  const clientWith = (batchMax: number, answers: unknown[] = []) => {
    const http = new BatchHttpLink({
      uri: `${server.origin}/graphql`,
      headers: DEMO_KEY,
      batchMax,
      batchInterval: 20,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        answers.push(await response.clone().json());
        return response;
      },
    });
    return new ApolloClient({ link: http, cache: new InMemoryCache() });
  };

  it('shows every caller of an over-long batch the BAD_REQUEST error with the reason', async () => {
    const client = clientWith(50);
    // Different variables: Apollo Client would merge identical operations in flight into one.
    const results = await Promise.all(
      Array.from({ length: 11 }, (_, k) =>
        client.query({ query: SEARCH, variables: { limit: k + 1 }, errorPolicy: 'all', fetchPolicy: 'network-only' }),
      ),
    );
    for (const result of results) {
      expect(CombinedGraphQLErrors.is(result.error)).toBe(true);
      const errors = (result.error as CombinedGraphQLErrors).errors;
      expect(errors.map((error) => [error.extensions?.code, error.message])).toEqual([
        ['BAD_REQUEST', 'must batch at most 10 operations, but got 11'],
      ]);
    }
  });

  it('delivers each batched operation its own data and cost', async () => {
    const answers: unknown[] = [];
    const client = clientWith(10, answers);
    const results = await Promise.all(
      [1, 2, 3].map((limit) => client.query({ query: SEARCH, variables: { limit }, fetchPolicy: 'network-only' })),
    );
    expect(results.map((result) => (result.data as { movies: unknown[] }).movies.length)).toEqual([1, 2, 3]);
    // One HTTP request, answered with one result per operation, each with its cost.
    expect(answers).toHaveLength(1);
    expect(answers[0]).toEqual(
      Array(3).fill(
        expect.objectContaining({ extensions: { cost: expect.objectContaining({ requested: 0, charged: 0, limit: 600_000 }) } }),
      ),
    );
  });
});
