import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';
import { type ProductionGateway, startProductionGateway } from '../support/production-gateway.js';

/** A raw request: body as bytes or text, headers as given (the demo key added unless overridden). */
interface Abuse {
  name: string;
  body: string | Uint8Array | (() => string | Uint8Array);
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
  {
    name: 'wrong content type',
    body: '{ __typename }',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { name: 'empty body', body: '', status: 400, code: 'BAD_REQUEST' },
  { name: 'a JSON body without a query', body: '{}', status: 400, code: 'BAD_REQUEST' },
  {
    name: 'a 20 MB body',
    body: () => json({ query: '{ __typename }', variables: { pad: 'x'.repeat(20 * 1024 * 1024) } }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'depth 50',
    body: json({ query: `{ model(name: "iris") { ${'inputs { '.repeat(49)}name${' }'.repeat(49)} } }` }),
    status: 400,
    code: 'QUERY_TOO_COMPLEX',
  },
  {
    name: '1,000 aliases',
    body: json({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: model(name: "iris") { name }`).join(' ')} }` }),
    status: 400,
    code: 'QUERY_TOO_COMPLEX',
  },
  {
    name: 'a huge list of instances',
    body: () =>
      json({
        query: 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }',
        variables: { i: Array(5000).fill({ features: {} }) },
      }),
    status: 400,
    code: 'QUERY_TOO_COMPLEX',
  },
  {
    name: 'NaN in features (JSON has no NaN)',
    body: '{"query":"query ($i: [InstanceInput!]!) { predict(model: \\"iris\\", instances: $i) { label } }","variables":{"i":[{"features":{"sepalLength":NaN}}]}}',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'Infinity in features (JSON has no Infinity)',
    body: '{"query":"{ __typename }","variables":{"x":Infinity}}',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: '1e308 in features',
    body: predictWith('{ sepalLength: 1e308, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }'),
    status: 200,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a string where a number is expected',
    body: json({ query: '{ predict(model: "digits", instances: [{ tensor: { values: ["one"] } }]) { label } }' }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a string feature value',
    body: predictWith('{ sepalLength: "5.1", sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }'),
    status: 200,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'an unknown field',
    body: json({ query: '{ predict(model: "iris", instances: []) { colour } }' }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'an unknown argument',
    body: json({ query: `{ predict(model: "iris", temperature: 2, instances: [{ features: ${FLOWER} }]) { label } }` }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'invalid UTF-8',
    body: new Uint8Array([
      ...Buffer.from('{"query":"{ classifySentiment(text: \\"'),
      0xc3,
      0x28,
      0xff,
      ...Buffer.from('\\") { label } }"}'),
    ]),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a text of 1 MB',
    body: () => json({ query: 'query ($t: String!) { classifySentiment(text: $t) { label } }', variables: { t: 'nice '.repeat(200_000) } }),
    status: 200,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'variables of the wrong type',
    body: json({ query: 'query ($t: String!) { classifySentiment(text: $t) { label } }', variables: { t: { not: 'a string' } } }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a batched HTTP array over the limit',
    body: () => json(Array.from({ length: 50 }, () => ({ query: '{ __typename }' }))),
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'not GraphQL at all', body: json({ query: 'SELECT * FROM models' }), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  {
    name: 'a prototype-poisoning body',
    body: '{"query":"{ __typename }","__proto__":{"polluted":true}}',
    status: 400,
    code: 'BAD_REQUEST',
  },
  // The HTTP edge (issue 14, item 15; production-mode tests in http-edge.test.ts).
  {
    name: 'a gzip body',
    body: () => gzipSync(json({ query: '{ __typename }' })),
    headers: { 'content-encoding': 'gzip' },
    status: 415,
    code: 'UNSUPPORTED_CONTENT_ENCODING',
  },
  {
    name: 'a body in an unknown encoding',
    body: json({ query: '{ __typename }' }),
    headers: { 'content-encoding': 'x-home-made' },
    status: 415,
    code: 'UNSUPPORTED_CONTENT_ENCODING',
  },
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
    const normal = await server.gql<{ predict: { label: string }[] }>(
      `{ predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`,
    );
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
      expect(
        (
          await server.gql(`{ predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`, undefined, {
            'x-api-key': reader.key,
          })
        ).status,
      ).toBe(200);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Issue 14's findings against a production server, as a corpus: each answered with its status and code
 * (no INTERNAL_SERVER_ERROR, no echo of a huge input), each followed by a normal query.
 */
describe('a corpus of hostile requests in production (issue 14: items 3, 5, 9, 10, 12, 13)', () => {
  const SECRET = 'an-abuse-corpus-secret-long-enough-for-hs256';
  const INTROSPECTION = '{ __schema { types { name fields { name } } } }';
  const introspectionHash = createHash('sha256').update(INTROSPECTION).digest('hex');
  const now = () => Math.floor(Date.now() / 1000);
  const jwt = (claims: Record<string, unknown>) =>
    new SignJWT({ scope: 'predict', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  const huge = 'n'.repeat(1024 * 1024);
  let gateway: ProductionGateway;
  beforeAll(async () => {
    gateway = await startProductionGateway({ ops: ['admin'], app: ['predict', 'models:read'] }, { AUTH_JWT_SECRET: SECRET });
    // An admin's introspection, cached by hash (APQ) for the anonymous replay below.
    await fetch(`${gateway.server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.as('ops') },
      body: JSON.stringify({ query: INTROSPECTION, extensions: { persistedQuery: { version: 1, sha256Hash: introspectionHash } } }),
    });
  });
  afterAll(() => gateway.close());

  type Case = [name: string, body: () => unknown, headers: () => Promise<Record<string, string>>, status: number, code: string];
  const app = async () => gateway.as('app');
  const CASES: Case[] = [
    [
      'anonymous hash-only replay of an admin introspection (APQ)',
      () => ({ extensions: { persistedQuery: { version: 1, sha256Hash: introspectionHash } } }),
      async () => ({}),
      401,
      'UNAUTHENTICATED',
    ],
    [
      'a key without admin replaying it',
      () => ({ extensions: { persistedQuery: { version: 1, sha256Hash: introspectionHash } } }),
      app,
      403,
      'FORBIDDEN',
    ],
    [
      'subscription { __typename } (no Subscription type)',
      () => ({ query: 'subscription { __typename }' }),
      app,
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a wrong APQ hash',
      () => ({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }),
      app,
      400,
      'BAD_REQUEST',
    ],
    [
      'APQ version 2',
      () => ({ query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: '0'.repeat(64) } } }),
      app,
      400,
      'BAD_REQUEST',
    ],
    [
      'a 1 MB model name',
      () => ({ query: 'query ($m: String!) { predict(model: $m, instances: [{ features: {} }]) { label } }', variables: { m: huge } }),
      app,
      200,
      'MODEL_NOT_FOUND',
    ],
    [
      'a 1 MB string for an Int variable',
      () => ({ query: 'query ($n: Int) { movies(limit: $n) { id } }', variables: { n: huge } }),
      app,
      400,
      'BAD_USER_INPUT',
    ],
    ['a 1 MB operationName', () => ({ query: '{ __typename }', operationName: huge }), app, 400, 'OPERATION_RESOLUTION_FAILURE'],
    [
      'a restricted model asked for by a predict key',
      () => ({ query: '{ predict(model: "digits", instances: [{ tensor: { values: [0] } }]) { label } }' }),
      app,
      200,
      'MODEL_NOT_FOUND',
    ],
    [
      'a JWT without exp',
      () => ({ query: '{ __typename }' }),
      async () => ({ authorization: `Bearer ${await jwt({ sub: 'user-1' })}` }),
      401,
      'UNAUTHENTICATED',
    ],
    [
      'a JWT that expires in ten years',
      () => ({ query: '{ __typename }' }),
      async () => ({ authorization: `Bearer ${await jwt({ sub: 'user-1', exp: now() + 10 * 365 * 86_400 })}` }),
      401,
      'UNAUTHENTICATED',
    ],
    [
      'a JWT with a 5,000-character sub',
      () => ({ query: '{ __typename }' }),
      async () => ({ authorization: `Bearer ${await jwt({ sub: 's'.repeat(5_000), exp: now() + 300 })}` }),
      401,
      'UNAUTHENTICATED',
    ],
  ];

  it.each(CASES)('%s', async (_name, body, headers, status, code) => {
    const before = gateway.logs.parsed().filter((line) => (line.level as number) >= 50).length;
    const response = await fetch(`${gateway.server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await headers()) },
      body: JSON.stringify(body()),
    });
    const text = await response.text();
    expect(response.status).toBe(status);
    expect((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors?.map((e) => e.extensions?.code)).toContain(code);
    expect(text.length).toBeLessThan(4_000);
    expect(text).not.toContain('__Schema');
    expect(gateway.logs.parsed().filter((line) => (line.level as number) >= 50)).toHaveLength(before);
    // and a normal query still works right after
    const normal = await gateway.server.gql<{ predict: { label: string }[] }>(
      `{ predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`,
      undefined,
      gateway.as('app'),
    );
    expect(normal.body.data!.predict[0].label).toBe('setosa');
  });
});
