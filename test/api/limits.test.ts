import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';

const flower = { features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } };
const FULL_PREDICTION = 'model version label score probabilities { label probability } value values';

describe('query limits: legitimate batched queries pass, abusive ones fail with QUERY_TOO_COMPLEX', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('passes 50 aliases of predict, each selecting every field', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `p${i}: predict(model: "iris", instances: $i) { ${FULL_PREDICTION} }`).join('\n');
    const response = await server.gql(`query ($i: [InstanceInput!]!) { ${aliases} }`, { i: [flower] });
    expect(response.body.errors).toBeUndefined();
    expect(Object.keys(response.body.data!)).toHaveLength(50);
  });

  it('passes 1,024 instances in one predict, as variables or written inline', async () => {
    const instances = Array(1024).fill(flower);
    const viaVariables = await server.gql<{ predict: unknown[] }>(
      `query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }`,
      { i: instances },
    );
    expect(viaVariables.body.data!.predict).toHaveLength(1024);
    const literal = `[${Array(1024).fill('{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }').join(',')}]`;
    const inline = await server.gql<{ predict: unknown[] }>(`{ predict(model: "iris", instances: ${literal}) { label } }`);
    expect(inline.body.errors).toBeUndefined();
    expect(inline.body.data!.predict).toHaveLength(1024);
  });

  it('passes the standard introspection query (depth exempt)', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const response = await server.gql(getIntrospectionQuery());
    expect(response.body.errors).toBeUndefined();
  });

  it.each<[string, () => string]>([
    ['1,000 aliases', () => `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: model(name: "iris") { name }`).join(' ')} }`],
    ['65 aliases', () => `{ ${Array.from({ length: 65 }, (_, i) => `a${i}: model(name: "iris") { name }`).join(' ')} }`],
    ['depth 50', () => `{ ${'model(name: "iris") { '.repeat(1)}${'inputs { '.repeat(49)}name${' }'.repeat(50)} }`],
    ['25 directives', () => `{ __typename ${'@include(if: true) '.repeat(25)} }`],
    ['60,000 tokens', () => `{ ${'__typename '.repeat(60_000)} }`],
    [
      'a field cost above 2,000 (60 copies of the full model list)',
      () =>
        `{ ${Array.from({ length: 60 }, (_, i) => `m${i}: models { name task description status error errorCode versions defaultVersion features labels training versionDetails { version status error runs items meanBatchSize } inputs { name type shape role } outputs { name kind role } batching { maxBatchSize maxQueueDelayMs maxQueueSize timeoutMs } }`).join(' ')} }`,
    ],
  ])('refuses %s', async (_name, query) => {
    const response = await server.gql(query());
    expect(response.status).toBe(400);
    expect(codesOf(response)).toContain('QUERY_TOO_COMPLEX');
  });

  it('refuses an operation asking for more model items than MAX_ITEMS_PER_QUERY, before anything runs', async () => {
    const before = server.gateway.registry.counters()['iris@2'].items;
    const response = await server.gql(
      `query ($i: [InstanceInput!]!) { a: predict(model: "iris", instances: $i) { label } b: predict(model: "iris", instances: $i) { label } c: predict(model: "iris", instances: $i) { label } d: predict(model: "iris", instances: $i) { label } e: classifySentiment(text: "one too many") { label } }`,
      {
        i: Array(1024).fill(flower),
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.errors![0]).toMatchObject({
      message: 'the operation must ask for at most 4096 model items, but asks for 4097',
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
    expect(server.gateway.registry.counters()['iris@2'].items).toBe(before);
  });
});

describe('per-principal rate limits counted in model items', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rate-'));
  let server: TestServer;
  let limitedKey: string;
  let generousKey: string;
  beforeAll(async () => {
    const limited = createKeyRecord({ id: 'small', scopes: ['predict'], itemsPerMinute: 10 });
    const generous = createKeyRecord({ id: 'big', scopes: ['predict'] });
    limitedKey = limited.key;
    generousKey = generous.key;
    await writeKeysFile(join(dir, 'keys.json'), { keys: [limited.record, generous.record] });
    server = await startTestServer({ API_KEYS_FILE: join(dir, 'keys.json'), RATE_LIMIT_ITEMS_PER_MINUTE: '100' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const predict = (key: string, count: number) =>
    server.gql(
      `query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }`,
      { i: Array(count).fill(flower) },
      { 'x-api-key': key },
    );

  it("spends the key's own budget and answers RATE_LIMITED with retryAfter and Retry-After once it is spent", async () => {
    expect((await predict(limitedKey, 6)).status).toBe(200);
    expect((await predict(limitedKey, 4)).status).toBe(200);
    const refused = await predict(limitedKey, 1);
    expect(refused.status).toBe(429);
    expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
    const retryAfter = refused.body.errors![0].extensions!.retryAfter as number;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
    expect(refused.body.errors![0].message).toBe(
      `the operation asks for 1 model item, but 0 remain of this caller's 10 per minute; retry in ${retryAfter} s`,
    );
  });

  it('uses the default budget for keys without one, and counts items, not requests', async () => {
    expect((await predict(generousKey, 100)).status).toBe(200);
    const refused = await predict(generousKey, 1);
    expect(refused.status).toBe(429);
    // metadata costs no items
    expect((await server.gql(`{ __typename }`, undefined, { 'x-api-key': generousKey })).status).toBe(200);
  });

  it('counts refusals in the metrics', async () => {
    const text = await (await fetch(`${server.origin}/metrics`)).text();
    expect(text).toMatch(/^gateway_rate_limited_total\{principal_kind="api-key"\} [2-9]/m);
    expect(text).toMatch(/^gateway_errors_total\{code="RATE_LIMITED"\} [2-9]/m);
  });
});

describe('field suggestions', () => {
  it('are masked in production and shown in development', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'suggest-'));
    const admin = createKeyRecord({ id: 'ops', scopes: ['admin'] });
    await writeKeysFile(join(dir, 'keys.json'), { keys: [admin.record] });
    const production = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: join(dir, 'keys.json') });
    const development = await startTestServer();
    try {
      const prod = await production.gql(`{ modls { name } }`, undefined, { 'x-api-key': admin.key });
      expect(prod.body.errors![0].message).not.toMatch(/Did you mean/);
      const dev = await development.gql(`{ modls { name } }`);
      expect(dev.body.errors![0].message).toMatch(/Did you mean "models"/);
    } finally {
      await production.close();
      await development.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
