import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

/** A raw request: body as bytes or text, headers as given (the demo key added unless overridden). */
interface Abuse {
  name: string;
  body: string | Uint8Array | (() => string);
  headers?: Record<string, string>;
  status: number;
  /** Every error code the answer must carry (at least one of them first), or a predicate. */
  code: string;
}

const FLOWER = '{ sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }';
const json = (value: unknown) => JSON.stringify(value);
const predictWith = (features: string) => json({ query: `{ predict(model: "iris", instances: [{ features: ${features} }]) { label } }` });

const CORPUS: Abuse[] = [
  { name: 'malformed JSON', body: '{"query": "{ __typename }"', status: 400, code: 'BAD_REQUEST' },
  { name: 'wrong content type', body: '{ __typename }', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'empty body', body: '', status: 400, code: 'BAD_REQUEST' },
  { name: 'a JSON body without a query', body: '{}', status: 400, code: 'BAD_REQUEST' },
  { name: 'a 20 MB body', body: () => json({ query: '{ __typename }', variables: { pad: 'x'.repeat(20 * 1024 * 1024) } }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'depth 50', body: json({ query: `{ model(name: "iris") { ${'inputs { '.repeat(49)}name${' }'.repeat(49)} } }` }), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: '1,000 aliases', body: json({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: model(name: "iris") { name }`).join(' ')} }` }), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: 'a huge list of instances', body: () => json({ query: 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }', variables: { i: Array(5000).fill({ features: {} }) } }), status: 400, code: 'QUERY_TOO_COMPLEX' },
  { name: 'NaN in features (JSON has no NaN)', body: '{"query":"query ($i: [InstanceInput!]!) { predict(model: \\"iris\\", instances: $i) { label } }","variables":{"i":[{"features":{"sepalLength":NaN}}]}}', status: 400, code: 'BAD_REQUEST' },
  { name: 'Infinity in features (JSON has no Infinity)', body: '{"query":"{ __typename }","variables":{"x":Infinity}}', status: 400, code: 'BAD_REQUEST' },
  { name: '1e308 in features', body: predictWith('{ sepalLength: 1e308, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }'), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'a string where a number is expected', body: json({ query: '{ predict(model: "digits", instances: [{ tensor: ["one"] }]) { label } }' }), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a string feature value', body: predictWith('{ sepalLength: "5.1", sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }'), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'an unknown field', body: json({ query: '{ predict(model: "iris", instances: []) { colour } }' }), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'an unknown argument', body: json({ query: `{ predict(model: "iris", temperature: 2, instances: [{ features: ${FLOWER} }]) { label } }` }), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'invalid UTF-8', body: new Uint8Array([...Buffer.from('{"query":"{ classifySentiment(text: \\"'), 0xc3, 0x28, 0xff, ...Buffer.from('\\") { label } }"}')]), status: 400, code: 'BAD_REQUEST' },
  { name: 'a text of 1 MB', body: () => json({ query: 'query ($t: String!) { classifySentiment(text: $t) { label } }', variables: { t: 'nice '.repeat(200_000) } }), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'variables of the wrong type', body: json({ query: 'query ($t: String!) { classifySentiment(text: $t) { label } }', variables: { t: { not: 'a string' } } }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a batched HTTP array over the limit', body: () => json(Array.from({ length: 50 }, () => ({ query: '{ __typename }' }))), status: 400, code: 'BAD_REQUEST' },
  { name: 'not GraphQL at all', body: json({ query: 'SELECT * FROM models' }), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'a prototype-poisoning body', body: '{"query":"{ __typename }","__proto__":{"polluted":true}}', status: 400, code: 'BAD_REQUEST' },
];

describe('a corpus of bad requests over HTTP: each answered with its status and code, and the server keeps serving', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function send(abuse: Abuse): Promise<{ status: number; body: { errors?: { extensions?: { code?: string } }[] } }> {
    const body = typeof abuse.body === 'function' ? abuse.body() : abuse.body;
    const response = await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key', ...abuse.headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as never };
  }

  it.each(CORPUS.map((abuse) => [abuse.name, abuse] as const))('%s', async (_name, abuse) => {
    const { status, body } = await send(abuse);
    expect(status).toBe(abuse.status);
    // A batched array is answered with an array of results (one per operation when refused as a whole).
    const errors = Array.isArray(body) ? (body as (typeof body)[]).flatMap((result) => result.errors ?? []) : body.errors;
    expect(errors?.map((e) => e.extensions?.code)).toContain(abuse.code);
    // and a normal query still works right after
    const normal = await server.gql<{ predict: { label: string }[] }>(`{ predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`);
    expect(normal.status).toBe(200);
    expect(normal.body.data!.predict[0].label).toBe('setosa');
  });

  it('did not leak a polluted prototype', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('introspection in production without admin', () => {
  it('is refused with FORBIDDEN (and UNAUTHENTICATED for the anonymous)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abuse-prod-'));
    const reader = createKeyRecord({ id: 'reader', scopes: ['models:read', 'predict'] });
    await writeKeysFile(join(dir, 'keys.json'), { keys: [reader.record] });
    const server = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: join(dir, 'keys.json') });
    try {
      const query = '{ __type(name: "Prediction") { fields { name } } }';
      const withKey = await server.gql(query, undefined, { 'x-api-key': reader.key });
      expect(withKey.status).toBe(403);
      expect(withKey.body.errors![0].extensions!.code).toBe('FORBIDDEN');
      const anonymous = await server.gql(query, undefined, {});
      expect(anonymous.status).toBe(401);
      expect((await server.gql(`{ predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`, undefined, { 'x-api-key': reader.key })).status).toBe(200);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
