/**
 * The HTTP edge of a production-mode gateway, over real HTTP (issue 14, items 4, 6, 14, 15): callers
 * are authenticated from the headers before the body is read; callers without credentials get a
 * small body and a per-address request rate; repeated credential headers and compressed bodies are
 * refused with their own codes; /metrics lives on its own listener.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';
import { metricValue, type RawHeaders, rawRequest } from '../support/raw-http.js';

const FLOWER = '{ sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }';
const JSON_TYPE = { 'content-type': 'application/json' };
/** The attack: 16 MB of floats as a variable, the work a GraphQL server does before authorization. */
const SIXTEEN_MB = Buffer.from(
  JSON.stringify({ query: 'query ($x: [Float!]) { __typename }', variables: { x: Array(3_300_000).fill(1.25) } }),
);

describe('the HTTP edge in production', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-prod-'));
  const keysFile = join(dir, 'keys.json');
  const reader = createKeyRecord({ id: 'reader', scopes: ['predict'] });
  const key = { 'x-api-key': reader.key };
  let server: TestServer;
  let graphql: string;

  beforeAll(async () => {
    await writeKeysFile(keysFile, { keys: [reader.record] });
    server = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: keysFile });
    graphql = `${server.origin}/graphql`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** How many bodies of each principal kind the server has read and parsed, from its metrics listener. */
  async function bodiesParsed(): Promise<{ anonymous: number; apiKey: number }> {
    const text = await (await fetch(server.gateway.metricsUrl()!)).text();
    const count = (kind: string) => metricValue(text, 'gateway_http_request_body_bytes_count', { principal_kind: kind });
    return { anonymous: count('anonymous'), apiKey: count('api-key') };
  }

  describe('callers without credentials (item 4)', () => {
    it('refuses an anonymous 16 MB body with 413 from its Content-Length, answering before a byte of it is sent', async () => {
      expect(SIXTEEN_MB.length).toBeGreaterThan(16_000_000);
      const before = await bodiesParsed();
      const response = await rawRequest(graphql, { headers: { ...JSON_TYPE, 'content-length': SIXTEEN_MB.length }, holdBody: true });
      expect(response.status).toBe(413);
      expect(response.json().errors![0]).toEqual({
        message: `a request without credentials must have a body of at most 65536 bytes, but got ${SIXTEEN_MB.length}`,
        extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 65536 },
      });
      expect(await bodiesParsed()).toEqual(before);
    });

    it('refuses an anonymous 16 MB body sent without Content-Length once it passes 64 KiB, and parses none of it', async () => {
      const before = await bodiesParsed();
      const chunks = (function* () {
        for (let offset = 0; offset < SIXTEEN_MB.length; offset += 1 << 20) yield SIXTEEN_MB.subarray(offset, offset + (1 << 20));
      })();
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
      });
      const response = await fetch(graphql, { method: 'POST', headers: JSON_TYPE, body, duplex: 'half' } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
        'a request without credentials must have a body of at most 65536 bytes, but got more',
      );
      expect(await bodiesParsed()).toEqual(before);
    });

    it('answers a wrong credential with 401 before the body is sent', async () => {
      const before = await bodiesParsed();
      const response = await rawRequest(graphql, {
        headers: { ...JSON_TYPE, 'x-api-key': 'gwk_not_a_key', 'content-length': SIXTEEN_MB.length },
        holdBody: true,
      });
      expect(response.status).toBe(401);
      expect(response.json().errors![0]).toMatchObject({
        message: 'unknown API key',
        extensions: { code: 'UNAUTHENTICATED', reason: 'unknown-api-key' },
      });
      expect(await bodiesParsed()).toEqual(before);
    });

    it('still answers small anonymous requests, and authenticated bodies up to MAX_BODY_BYTES', async () => {
      const before = await bodiesParsed();
      const anonymous = await server.gql('{ __typename }', undefined, {});
      expect(anonymous.body.data).toEqual({ __typename: 'Query' });
      expect(anonymous.body.errors).toBeUndefined();
      const modelField = await server.gql(`{ predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`, undefined, {});
      expect(codesOf(modelField)).toEqual(['UNAUTHENTICATED']);
      // 1 MB of padding: 16 times the anonymous limit, well inside the authenticated one.
      const large = await server.gql<{ predict: { label: string }[] }>(
        `query ($pad: String) { predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`,
        { pad: 'x'.repeat(1 << 20) },
        key,
      );
      expect(large.status).toBe(400); // $pad is never used: parsed, validated and refused by GraphQL, not by size
      expect(large.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await bodiesParsed()).toEqual({ anonymous: before.anonymous + 2, apiKey: before.apiKey + 1 });
    });
  });

  describe('repeated credential headers (item 14)', () => {
    it.each<[string, RawHeaders, string]>([
      [
        'two x-api-key headers, both the valid key (Node would join them into one unknown key)',
        { 'x-api-key': [reader.key, reader.key] },
        'x-api-key',
      ],
      [
        'two Authorization headers (Node would keep the first)',
        { authorization: [`Bearer ${reader.key}`, 'Bearer gwk_someone_else'] },
        'authorization',
      ],
    ])('refuses %s with 400 DUPLICATE_CREDENTIAL_HEADER', async (_name, headers, header) => {
      const response = await rawRequest(graphql, {
        headers: { ...JSON_TYPE, ...headers },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(400);
      expect(response.json().errors).toEqual([
        {
          message: `the ${header} header must be sent once, but got it 2 times`,
          extensions: { code: 'DUPLICATE_CREDENTIAL_HEADER', header },
        },
      ]);
    });

    it('accepts the same key sent once', async () => {
      const response = await rawRequest(graphql, {
        headers: { ...JSON_TYPE, 'x-api-key': reader.key },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(200);
    });
  });

  describe('compressed bodies (item 15)', () => {
    it('refuses a gzip body with 415 UNSUPPORTED_CONTENT_ENCODING instead of reading it as text', async () => {
      const body = gzipSync(JSON.stringify({ query: '{ __typename }' }));
      const response = await rawRequest(graphql, { headers: { ...JSON_TYPE, ...key, 'content-encoding': 'gzip' }, body });
      expect(response.status).toBe(415);
      expect(response.json().errors).toEqual([
        {
          message: 'the request body must not be compressed (Content-Encoding identity or none), but got Content-Encoding "gzip"',
          extensions: { code: 'UNSUPPORTED_CONTENT_ENCODING' },
        },
      ]);
    });

    it('accepts Content-Encoding: identity', async () => {
      const response = await rawRequest(graphql, {
        headers: { ...JSON_TYPE, ...key, 'content-encoding': 'identity' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(200);
    });
  });

  describe('metrics (item 6)', () => {
    it('answers 404 for /metrics on the API port and serves them on the metrics listener, on 127.0.0.1', async () => {
      expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
      const url = server.gateway.metricsUrl()!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('gateway_http_request_duration_seconds');
      expect((await fetch(url.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
    });
  });
});

describe('the per-address rate of requests without credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-rate-'));
  const keysFile = join(dir, 'keys.json');
  const reader = createKeyRecord({ id: 'reader', scopes: ['predict'] });
  let server: TestServer;

  beforeAll(async () => {
    await writeKeysFile(keysFile, { keys: [reader.record] });
    server = await startTestServer(
      { NODE_ENV: 'production', API_KEYS_FILE: keysFile, ANONYMOUS_REQUESTS_PER_MINUTE: '3' },
      { loadModels: false },
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 429 RATE_LIMITED with Retry-After past ANONYMOUS_REQUESTS_PER_MINUTE, and leaves authenticated callers alone', async () => {
    for (let i = 0; i < 3; i += 1) expect((await server.gql('{ __typename }', undefined, {})).status).toBe(200);
    const refused = await server.gql('{ __typename }', undefined, {});
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.errors).toEqual([
      {
        message: `requests without credentials must be at most 3 a minute from one address, but this address sent more; retry in ${retryAfter} s, or send an API key`,
        extensions: { code: 'RATE_LIMITED', retryAfter },
      },
    ]);
    expect((await server.gql('{ __typename }', undefined, { 'x-api-key': reader.key })).status).toBe(200);
    const metrics = await (await fetch(server.gateway.metricsUrl()!)).text();
    expect(metricValue(metrics, 'gateway_rate_limited_total', { principal_kind: 'anonymous' })).toBe(1);
    // Without TRUST_PROXY a client cannot claim another address.
    expect((await server.gql('{ __typename }', undefined, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
  });

  it('counts per client as X-Forwarded-For names it when TRUST_PROXY lists the proxy, IPv6 clients per /64', async () => {
    const behindProxy = await startTestServer(
      { NODE_ENV: 'production', API_KEYS_FILE: keysFile, ANONYMOUS_REQUESTS_PER_MINUTE: '1', TRUST_PROXY: '127.0.0.1' },
      { loadModels: false },
    );
    try {
      const statusFrom = async (client: string) =>
        (await behindProxy.gql('{ __typename }', undefined, { 'x-forwarded-for': client })).status;
      expect([await statusFrom('203.0.113.1'), await statusFrom('203.0.113.1'), await statusFrom('203.0.113.2')]).toEqual([200, 429, 200]);
      expect([await statusFrom('2001:db8:1:2::1'), await statusFrom('2001:db8:1:2:ffff::9'), await statusFrom('2001:db8:1:3::1')]).toEqual([
        200, 429, 200,
      ]);
    } finally {
      await behindProxy.close();
    }
  });
});

describe('metrics outside production', () => {
  it('stay on the API port, and are also on METRICS_PORT when it is set', async () => {
    const plain = await startTestServer({}, { loadModels: false });
    const both = await startTestServer({ METRICS_PORT: '0' }, { loadModels: false });
    try {
      expect((await fetch(`${plain.origin}/metrics`)).status).toBe(200);
      expect(plain.gateway.metricsUrl()).toBeUndefined();
      expect((await fetch(`${both.origin}/metrics`)).status).toBe(200);
      expect((await fetch(both.gateway.metricsUrl()!)).status).toBe(200);
    } finally {
      await Promise.all([plain.close(), both.close()]);
    }
  });
});
