/**
 * CORS as Chromium judges it (issue 16): a page served from another local origin calls a production
 * gateway with Apollo Client and an API key and renders the prediction; the same page from an origin
 * CORS_ORIGINS does not list is refused by the browser, which never sends the request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';
import { metricValue } from '../support/raw-http.js';
import { browserSkipReason, launchChromium } from './chromium.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const PAGE_SCRIPT = fileURLToPath(new URL('./cross-origin-page/main.js', import.meta.url));
const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Cross-origin front-end</title></head>
<body><p>label: <output id="label"></output></p><p>error: <output id="error"></output></p><p>request id: <output id="request-id"></output></p>
<script type="module" src="/main.js"></script></body></html>`;

/** A static server on 127.0.0.1 (a port the OS picks) serving the page and its bundled script. */
async function serveStatic(script: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    if (request.url === '/main.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (request.url?.startsWith('/?') || request.url === '/')
      return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(skipReason !== undefined)('a front-end on another origin, in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cors-browser-'));
  const app = createKeyRecord({ id: 'web-app', scopes: ['predict'] });
  let allowed: { server: Server; origin: string };
  let unlisted: { server: Server; origin: string };
  let gateway: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [PAGE_SCRIPT],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0].text;
    [allowed, unlisted] = await Promise.all([serveStatic(script), serveStatic(script)]);
    await writeKeysFile(join(dir, 'keys.json'), { keys: [app.record] });
    [gateway, browser] = await Promise.all([
      startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: join(dir, 'keys.json'), CORS_ORIGINS: allowed.origin }),
      launchChromium(),
    ]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    for (const site of [allowed, unlisted])
      if (site)
        await new Promise((resolve) => {
          site.server.close(resolve);
        });
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page from `origin`, calling the gateway with `key`; resolves once its script has finished. */
  async function openPage(origin: string, key: string): Promise<{ page: Page; console: string[] }> {
    const page = await browser.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    await page.goto(`${origin}/?${new URLSearchParams({ endpoint: `${gateway.origin}/graphql`, key })}`);
    await page.waitForSelector('body[data-done="true"]', { timeout: 30_000 });
    return { page, console };
  }

  /** POSTs to /graphql the gateway has answered so far, from its metrics listener. */
  async function graphqlPostsAnswered(): Promise<number> {
    const text = await (await fetch(gateway.gateway.metricsUrl()!)).text();
    return metricValue(text, 'gateway_http_request_duration_seconds_count', { method: 'POST', route: '/graphql' });
  }

  it('renders the prediction when its origin is listed, and reads the exposed x-request-id', { timeout: 60_000 }, async () => {
    const { page } = await openPage(allowed.origin, app.key);
    expect(await page.textContent('#error')).toBe('');
    expect(await page.textContent('#label')).toBe('setosa');
    expect(await page.textContent('#request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await page.close();
  });

  it("shows the gateway's own 401 when the key is wrong (errors carry CORS headers too)", { timeout: 60_000 }, async () => {
    const { page } = await openPage(allowed.origin, 'gwk_wrong');
    expect(await page.textContent('#label')).toBe('');
    expect(await page.textContent('#error')).toBe('CombinedGraphQLErrors: unknown API key [UNAUTHENTICATED]');
    await page.close();
  });

  it('is refused by the browser from an origin CORS_ORIGINS does not list: the request is never sent', { timeout: 60_000 }, async () => {
    const before = await graphqlPostsAnswered();
    const { page, console } = await openPage(unlisted.origin, app.key);
    expect(await page.textContent('#label')).toBe('');
    expect(await page.textContent('#error')).toMatch(/Failed to fetch/);
    expect(await page.textContent('#request-id')).toMatch(/Failed to fetch/);
    expect(console.join('\n')).toMatch(/has been blocked by CORS policy/);
    expect(await graphqlPostsAnswered()).toBe(before);
    await page.close();
  });
});
