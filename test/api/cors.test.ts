/**
 * CORS headers over real HTTP (issue 16): which origins are allowed by default and by CORS_ORIGINS,
 * what a preflight allows and exposes, and that Apollo's CSRF prevention still applies. The browser's
 * own verdict on these headers is tested in test/browser/cors.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

const PREFLIGHT_HEADERS = 'content-type,x-api-key,authorization,apollo-require-preflight,x-request-id';

function preflight(server: TestServer, origin: string): Promise<Response> {
  return fetch(`${server.origin}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': PREFLIGHT_HEADERS },
  });
}

function post(server: TestServer, origin: string, headers: Record<string, string> = { 'x-api-key': 'dev-key' }): Promise<Response> {
  return fetch(`${server.origin}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

describe('CORS outside production (default: pages on this machine)', () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));
  const start = async (env: Record<string, string> = {}) => {
    const server = await startTestServer(env, { loadModels: false });
    servers.push(server);
    return server;
  };

  it('answers a preflight from http://localhost:<any port> and http://127.0.0.1:<any port>', async () => {
    const server = await start();
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:4902', 'http://localhost']) {
      const response = await preflight(server, origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(response.headers.get('access-control-allow-headers')).toBe(
        'content-type, x-api-key, authorization, apollo-require-preflight, x-request-id',
      );
      expect(response.headers.get('access-control-max-age')).toBe('600');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    }
  });

  it('allows no other origin, nor look-alikes of the local ones', async () => {
    const server = await start();
    for (const origin of [
      'https://evil.example',
      'http://localhost.evil.example',
      'http://127.0.0.1.evil.example:80',
      'https://localhost:5173',
      'null',
    ]) {
      const response = await preflight(server, origin);
      expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    }
  });

  it('lets an allowed page read answers, errors included, and the headers it needs', async () => {
    const server = await start();
    const ok = await post(server, 'http://localhost:5173');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(ok.headers.get('access-control-expose-headers')).toBe(
      'x-request-id, retry-after, ratelimit, ratelimit-policy, ratelimit-limit, ratelimit-remaining, ratelimit-reset',
    );
    // A 401 refused in the onRequest hook still carries CORS headers, so the page can show why.
    const refused = await post(server, 'http://localhost:5173', { 'x-api-key': 'wrong' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('keeps CSRF prevention: a GET without a preflight-forcing header is refused', async () => {
    const server = await start();
    const response = await fetch(`${server.origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { origin: 'http://localhost:5173', 'x-api-key': 'dev-key' },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });

  it('allows exactly the origins CORS_ORIGINS lists, ports included', async () => {
    const server = await start({ CORS_ORIGINS: 'https://app.example.com, http://127.0.0.1:4902' });
    expect((await preflight(server, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await preflight(server, 'http://127.0.0.1:4902')).headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4902');
    for (const origin of ['http://127.0.0.1:4903', 'http://localhost:5173', 'https://app.example.com:8443']) {
      expect((await preflight(server, origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});

describe('CORS in production', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cors-prod-'));
  const keysFile = join(dir, 'keys.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('allows no origin unless CORS_ORIGINS is set; * allows any, with a warning at start-up', async () => {
    await writeKeysFile(keysFile, { keys: [createKeyRecord({ id: 'ops', scopes: ['admin'] }).record] });
    const closed = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: keysFile }, { loadModels: false });
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => done(void lines.push(chunk.toString())) });
    const open = await startTestServer(
      { NODE_ENV: 'production', API_KEYS_FILE: keysFile, CORS_ORIGINS: '*' },
      { loadModels: false, logger: pino({ level: 'warn' }, sink) },
    );
    try {
      const none = await preflight(closed, 'http://localhost:5173');
      expect(none.headers.get('access-control-allow-origin')).toBeNull();
      expect(none.headers.get('access-control-allow-methods')).toBeNull();
      const any = await preflight(open, 'https://anywhere.example');
      expect(any.headers.get('access-control-allow-origin')).toBe('*');
      const warning = lines
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .find((line) => line.msg.startsWith('CORS_ORIGINS=*'));
      expect(warning).toMatchObject({ level: 40 });
    } finally {
      await Promise.all([closed.close(), open.close()]);
    }
  });
});
