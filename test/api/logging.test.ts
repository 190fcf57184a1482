import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

describe('structured logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-'));
  const lines: Record<string, unknown>[] = [];
  let server: TestServer;
  let key: string;

  beforeAll(async () => {
    const record = createKeyRecord({ id: 'web-app', scopes: ['predict', 'sentiment'] });
    key = record.key;
    await writeKeysFile(join(dir, 'keys.json'), { keys: [record.record] });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    server = await startTestServer(
      { API_KEYS_FILE: join(dir, 'keys.json'), AUTH_JWT_SECRET: 'x'.repeat(40) },
      { logger: pino({ level: 'info' }, sink) },
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const requestLines = () => lines.filter((line) => line.msg === 'graphql request');

  it('logs start-up: authentication and one line per model', () => {
    expect(lines.some((line) => String(line.msg).startsWith('authentication: API keys from'))).toBe(true);
    const models = lines.filter((line) => typeof line.msg === 'string' && /^model .* ready$/.test(line.msg)).map((line) => line.model);
    expect(models.sort()).toEqual(['demand-forecast', 'digits', 'iris', 'movie-recommender', 'sentiment']);
  });

  it('writes one line per GraphQL request with who, what, which models, how many items, status and duration', async () => {
    const before = requestLines().length;
    const response = await server.gql(
      `query Scoring { a: predict(model: "iris", instances: [{ features: { sepalLength: 5.123456, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }, { features: { sepalLength: 6.1, sepalWidth: 3, petalLength: 4.6, petalWidth: 1.4 } }]) { label } b: classifySentiment(text: "a very secret review text") { label } }`,
      undefined,
      { 'x-api-key': key, 'x-request-id': 'req-42' },
    );
    expect(response.status).toBe(200);
    const added = requestLines().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      reqId: 'req-42',
      principal: 'api-key:web-app',
      operation: 'Scoring',
      fields: ['predict', 'classifySentiment'],
      items: 3,
      models: { 'iris@2': 2, 'sentiment@1': 1 },
      status: 200,
    });
    expect(typeof added[0].ms).toBe('number');
  });

  it('logs the error codes and the status of failed requests', async () => {
    await server.gql(`{ predict(model: "nope", instances: [{ features: {} }]) { label } }`, undefined, { 'x-api-key': key });
    await server.gql(`{ __typename }`, undefined, { 'x-api-key': 'gwk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    const [notFound, unauthenticated] = requestLines().slice(-2);
    expect(notFound).toMatchObject({ status: 200, errors: ['MODEL_NOT_FOUND'] });
    expect(unauthenticated).toMatchObject({ status: 401, errors: ['UNAUTHENTICATED'], principal: null });
  });

  it('never logs keys, tokens or model inputs', async () => {
    await server.gql(`{ __typename }`, undefined, { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' });
    const everything = lines.map((line) => JSON.stringify(line)).join('\n');
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice('gwk_'.length + 13)); // the secret part (it may itself contain '_')
    expect(everything).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(everything).not.toContain('5.123456');
    expect(everything).not.toContain('very secret review');
    expect(everything).not.toContain('x'.repeat(40));
  });

  it('does not log health probes', async () => {
    const before = lines.length;
    await fetch(`${server.origin}/healthz`);
    await fetch(`${server.origin}/readyz`);
    expect(lines.length).toBe(before);
  });
});
