/**
 * Batched HTTP requests (a JSON array of operations, as Apollo Client's BatchHttpLink sends): answered
 * in order, one result per operation, and refused as a whole beyond MAX_BATCHED_OPERATIONS (with the
 * error repeated for each operation, as batch clients pair results with operations by position).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY, startTestServer, type TestServer } from '../support/gateway-server.js';

const sentiment = (text: string) => ({
  query: 'query Feel($text: String!) { classifySentiment(text: $text) { label } }',
  variables: { text },
});

describe('batched HTTP requests', () => {
  let server: TestServer;
  let small: TestServer;
  const post = (target: TestServer, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${target.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...DEMO_KEY, ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    [server, small] = await Promise.all([startTestServer(), startTestServer({ MAX_BATCHED_OPERATIONS: '2' })]);
  });
  afterAll(() => Promise.all([server.close(), small.close()]));

  it('answers an array of operations with an array of results, in order', async () => {
    const response = await post(server, [
      sentiment('I loved it'),
      { query: '{ model(name: "iris") { name } }' },
      sentiment('awful, just awful'),
    ]);
    expect(response.status).toBe(200);
    const results = (await response.json()) as { data: unknown }[];
    expect(results.map((result) => result.data)).toEqual([
      { classifySentiment: { label: 'POSITIVE' } },
      { model: { name: 'iris' } },
      { classifySentiment: { label: 'NEGATIVE' } },
    ]);
  });

  it("still answers the other operations when one is invalid (the HTTP status is then the failed one's)", async () => {
    const response = await post(server, [sentiment('I loved it'), { query: '{ nope }' }]);
    // Apollo Server gives a batch one status: that of an operation that failed as a whole.
    expect(response.status).toBe(400);
    const [good, bad] = (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] }[];
    expect(good).toMatchObject({ data: { classifySentiment: { label: 'POSITIVE' } } });
    expect(good?.errors).toBeUndefined();
    expect(bad?.errors?.map((e) => e.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses a batch over the default limit of 10 as a whole, before running any of it, with the error for each operation', async () => {
    const before = server.gateway.registry.counters()['sentiment@1']?.items ?? 0;
    const response = await post(
      server,
      Array.from({ length: 11 }, (_, k) => sentiment(`text ${k}`)),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    // One result per operation, so a batch client (which pairs results with operations by position) shows the reason to each.
    expect(await response.json()).toEqual(
      Array(11).fill({ errors: [{ message: 'must batch at most 10 operations, but got 11', extensions: { code: 'BAD_REQUEST' } }] }),
    );
    expect(server.gateway.registry.counters()['sentiment@1']?.items ?? 0).toBe(before);

    const ten = await post(
      server,
      Array.from({ length: 10 }, (_, k) => sentiment(`text ${k}`)),
    );
    expect(ten.status).toBe(200);
    expect(await ten.json()).toHaveLength(10);
  });

  it('takes its limit from MAX_BATCHED_OPERATIONS, and answers in the media type the client prefers', async () => {
    expect((await post(small, [sentiment('a'), sentiment('b')])).status).toBe(200);
    const refused = await post(small, [sentiment('a'), sentiment('b'), sentiment('c')], {
      accept: 'application/graphql-response+json, application/json;q=0.9',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    const results = (await refused.json()) as { errors: { message: string }[] }[];
    expect(results.map((result) => result.errors[0]?.message)).toEqual(Array(3).fill('must batch at most 2 operations, but got 3'));
  });

  it('answers each operation of a batch refused before any runs for another reason (the token limit)', async () => {
    const tooLong = { query: `{ ${'__typename '.repeat(60_000)} }` };
    const response = await post(small, [sentiment('a'), tooLong]);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(
      Array(2).fill({ errors: [{ message: 'the document must have at most 50000 tokens', extensions: { code: 'QUERY_TOO_COMPLEX' } }] }),
    );
  });

  it('answers a body of thousands of operations with one error, not one per operation', async () => {
    const response = await post(
      small,
      Array.from({ length: 5000 }, () => ({})),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'must batch at most 2 operations, but got 5000', extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});
