/**
 * The IDE and demo routes on a real gateway: on by default outside production, off in production
 * unless IDE=on, the demo key prefilled only where the server accepts it, and GraphQL GETs unaffected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const PREFILLED = JSON.stringify(JSON.stringify({ 'x-api-key': 'dev-key' }, null, 2));

describe('the GraphQL IDE on a real gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ide-'));
  const keysFile = join(dir, 'keys.json');
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const server = await startTestServer(env, { loadModels: false });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    await writeKeysFile(keysFile, { keys: [createKeyRecord({ id: 'ops', scopes: ['admin'] }).record] });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is served in development and test, with the demo key prefilled, while GraphQL GETs still reach Apollo', async () => {
    const server = await start();
    for (const path of ['/', '/graphql']) {
      const page = await fetch(`${server.origin}${path}`, { headers: BROWSER });
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).toContain('GraphQL IDE');
      expect(html).toContain(PREFILLED);
    }
    const query = await fetch(`${server.origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await query.json()).toMatchObject({ data: { __typename: 'Query' } });
    expect((await fetch(`${server.origin}/ide/assets/ruru.css`)).status).toBe(200);
  });

  it('does not prefill the demo key where the server does not accept it', async () => {
    const server = await start({ API_KEYS_FILE: keysFile });
    const html = await (await fetch(`${server.origin}/`, { headers: BROWSER })).text();
    expect(html).toContain('GraphQL IDE');
    expect(html).not.toContain('dev-key');
  });

  it('is off with IDE=off, and in production unless IDE=on', async () => {
    const offEnvironments: Record<string, string>[] = [{ IDE: 'off' }, { NODE_ENV: 'production', API_KEYS_FILE: keysFile }];
    for (const env of offEnvironments) {
      const server = await start(env);
      expect((await fetch(`${server.origin}/`, { headers: BROWSER })).status).toBe(404);
      expect((await fetch(`${server.origin}/demo/`, { headers: BROWSER })).status).toBe(404);
      expect((await fetch(`${server.origin}/ide/assets/ruru.js`)).status).toBe(404);
      // A browser's GET of the endpoint is a GraphQL request without a query: Apollo's 400.
      const endpoint = await fetch(`${server.origin}/graphql`, { headers: BROWSER });
      expect(endpoint.status).toBe(400);
    }
    const production = await start({ NODE_ENV: 'production', API_KEYS_FILE: keysFile, IDE: 'on' });
    const html = await (await fetch(`${production.origin}/graphql`, { headers: BROWSER })).text();
    expect(html).toContain('GraphQL IDE');
    expect(html).not.toContain('dev-key');
  });
});
