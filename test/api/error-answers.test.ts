/**
 * Client mistakes answered as client errors, and huge inputs never echoed whole, against a
 * production-mode server over real HTTP (issue 14, items 9 and 10).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProductionGateway, startProductionGateway } from '../support/production-gateway.js';

const MB = 1024 * 1024;

interface Answer {
  status: number;
  text: string;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe('client mistakes get a client status and a catalogue code, and no error-level log (production)', () => {
  let gateway: ProductionGateway;
  beforeAll(async () => {
    gateway = await startProductionGateway({ app: ['predict', 'models:read'] });
  });
  afterAll(() => gateway.close());

  const post = async (body: unknown): Promise<Answer> => {
    const response = await fetch(`${gateway.server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.as('app') },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Answer['body'] };
  };
  const errorLines = () => gateway.logs.parsed().filter((line) => (line.level as number) >= 50);

  it.each<[string, unknown, number, string, string]>([
    // The schema has Query and Mutation (model control) types, and no Subscription type.
    [
      'a subscription',
      { query: 'subscription S { __typename }' },
      400,
      'GRAPHQL_VALIDATION_FAILED',
      'the operation must be a query or mutation, but got a subscription: this schema has no subscription type',
    ],
    [
      'an APQ hash that does not match the query',
      { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } },
      400,
      'BAD_REQUEST',
      'extensions.persistedQuery.sha256Hash must be the SHA-256 hash of the query, but it is not',
    ],
    [
      'APQ version 2',
      { query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'f'.repeat(64) } } },
      400,
      'BAD_REQUEST',
      'extensions.persistedQuery.version must be 1',
    ],
  ])('%s', async (_name, body, status, code, message) => {
    const before = errorLines().length;
    const answer = await post(body);
    expect(answer.status).toBe(status);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors![0]).toMatchObject({ message, extensions: { code } });
    expect(answer.text).not.toMatch(/stacktrace|at processGraphQLRequest|Unexpected error/);
    expect(errorLines().slice(before)).toEqual([]);
  });
});

describe('error messages never echo a huge input whole (production)', () => {
  let gateway: ProductionGateway;
  beforeAll(async () => {
    gateway = await startProductionGateway({ app: ['predict', 'models:read', 'recommend'], nobody: ['models:read'] });
  });
  afterAll(() => gateway.close());

  const post = async (body: unknown, key = 'app'): Promise<Answer> => {
    const response = await fetch(`${gateway.server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.as(key) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Answer['body'] };
  };
  const huge = 'm'.repeat(MB);
  const flower = '{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }';

  it.each<[string, () => unknown, string, string, string?]>([
    [
      'a 1 MB model name',
      () => ({ query: `query ($m: String!) { predict(model: $m, instances: [${flower}]) { label } }`, variables: { m: huge } }),
      'app',
      'MODEL_NOT_FOUND',
      'model a string of 1048576 characters does not exist; the models query lists the available ones',
    ],
    [
      'a 1 MB model name from a caller without the predict scope',
      () => ({ query: `query ($m: String!) { predict(model: $m, instances: [${flower}]) { label } }`, variables: { m: huge } }),
      'nobody',
      'FORBIDDEN',
      'Query.predict needs scope a string of 1048584 characters, which this caller does not have',
    ],
    [
      'a 1 MB feature name',
      () => ({
        query: 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }',
        variables: { i: [{ features: { [huge]: 1 } }] },
      }),
      'app',
      'BAD_USER_INPUT',
    ],
    [
      'a 1 MB string where an Int goes (graphql-js echoes it twice)',
      () => ({ query: 'query ($n: Int) { movies(limit: $n) { id } }', variables: { n: huge } }),
      'app',
      'BAD_USER_INPUT',
    ],
    [
      'a 1 MB operationName that names no operation',
      () => ({ query: '{ __typename }', operationName: huge }),
      'app',
      'OPERATION_RESOLUTION_FAILURE',
    ],
    ['a 1 MB field name', () => ({ query: `{ ${huge} }` }), 'app', 'GRAPHQL_VALIDATION_FAILED'],
    ['a 1 MB genre', () => ({ query: 'query ($g: Genre) { movies(genre: $g) { id } }', variables: { g: huge } }), 'app', 'BAD_USER_INPUT'],
  ])('%s', async (_name, body, key, code, message) => {
    const answer = await post(body(), key);
    expect(answer.body.errors![0].extensions!.code).toBe(code);
    if (message) expect(answer.body.errors![0].message).toBe(message);
    // Not once, let alone twice (message and extensions).
    expect(answer.text.length).toBeLessThan(2_000);
    expect(answer.text).not.toContain('m'.repeat(200));
    expect(answer.text).toMatch(/a string of 10485\d\d characters/);
  });

  it('keeps short values and real model names whole', async () => {
    const answer = await post({ query: `{ predict(model: "nope", instances: [${flower}]) { label } }` });
    expect(answer.body.errors![0]).toMatchObject({
      message: 'model "nope" does not exist; the models query lists the available ones',
      extensions: { code: 'MODEL_NOT_FOUND', model: 'nope' },
    });
    const version = await post({ query: `{ predict(model: "iris", version: 9, instances: [${flower}]) { label } }` });
    expect(version.body.errors![0]).toMatchObject({
      message: 'model "iris" has no version 9; its versions are 1, 2',
      extensions: { model: 'iris', version: 9 },
    });
  });
});
