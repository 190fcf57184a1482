import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../observability/metrics.js';
import { prefersHtml, registerClientRoutes, withDemoKey } from './client.routes.js';
import { registerHttpErrorHandling } from './http-errors.js';
import { IDE_EXAMPLE_QUERY } from './ide-page.js';

describe('prefersHtml', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', true], // Chromium navigating
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true], // Firefox navigating
    ['application/json, multipart/mixed', false], // GraphiQL
    ['application/graphql-response+json,application/json;q=0.9', false], // Apollo Client
    ['*/*', false], // curl
    ['text/html;q=0.5, application/json', false],
    ['text/html, application/json', false], // a tie goes to data
    ['TEXT/HTML', true],
    ['', false],
    [undefined, false],
  ])('%j → %s', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});

describe('withDemoKey', () => {
  const page = '<head><meta name="gateway-demo-key" content="" /></head>';

  it('fills in the key, escaped, or leaves it empty', () => {
    expect(withDemoKey(page, 'dev-key')).toBe('<head><meta name="gateway-demo-key" content="dev-key" /></head>');
    expect(withDemoKey(page, '"><script>')).toBe('<head><meta name="gateway-demo-key" content="&#34;&#62;&#60;script&#62;" /></head>');
    expect(withDemoKey(page, undefined)).toBe(page);
  });
});

describe('registerClientRoutes', () => {
  const demoDir = mkdtempSync(join(tmpdir(), 'demo-'));
  let app: FastifyInstance;

  beforeAll(async () => {
    mkdirSync(join(demoDir, 'assets'));
    writeFileSync(join(demoDir, 'index.html'), '<html><head><meta name="gateway-demo-key" content="" /></head><body>demo</body></html>');
    writeFileSync(join(demoDir, 'assets', 'index-abc123.js'), 'console.log("demo")');
    app = Fastify();
    // Refusals are rendered as in the gateway.
    registerHttpErrorHandling(app, { bodyLimit: 1024, metrics: new GatewayMetrics() });
    // Stands in for Apollo's route, registered first as in the gateway.
    app.route({ url: '/graphql', method: ['GET', 'POST'], handler: async () => ({ data: { from: 'apollo' } }) });
    registerClientRoutes(app, { endpoint: '/graphql', demoApiKey: 'dev-key', sourceMaps: false, demoDir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(demoDir, { recursive: true, force: true });
  });

  const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  it('serves the IDE at / and to browsers at /graphql, and GraphQL requests to Apollo', async () => {
    const root = await app.inject({ url: '/', headers: browser });
    const endpoint = await app.inject({ url: '/graphql', headers: browser });
    expect(root.statusCode).toBe(200);
    expect(root.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(endpoint.body).toBe(root.body);

    const json = await app.inject({ url: '/graphql?query={__typename}', headers: { accept: 'application/json' } });
    expect(json.json()).toEqual({ data: { from: 'apollo' } });
    const post = await app.inject({ method: 'POST', url: '/graphql', headers: browser, payload: { query: '{ __typename }' } });
    expect(post.json()).toEqual({ data: { from: 'apollo' } });
  });

  it('builds an IDE page that loads everything from this server, with the example and the demo key', async () => {
    const html = (await app.inject({ url: '/', headers: browser })).body;
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"|from "([^"]+)"/g)].map((match) => match[1] ?? match[2]);
    expect(references.length).toBeGreaterThan(2);
    for (const reference of references) expect(reference).toMatch(/^(\/ide\/assets\/|data:)/);
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn\./i);
    expect(html).toContain(JSON.stringify(IDE_EXAMPLE_QUERY));
    expect(html).toContain(JSON.stringify(JSON.stringify({ 'x-api-key': 'dev-key' }, null, 2)));
    expect(IDE_EXAMPLE_QUERY).toMatch(/predict\(model: "iris"[\s\S]*classifySentiment[\s\S]*recommendMovies/);
  });

  it('serves the IDE assets from the ruru package, brotli when accepted, with ETags', async () => {
    const plain = await app.inject({ url: '/ide/assets/ruru.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toMatch(/^\/\*! For license information/);

    const brotli = await app.inject({ url: '/ide/assets/ruru.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);

    const etag = String(plain.headers.etag);
    const again = await app.inject({ url: '/ide/assets/ruru.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);

    for (const asset of ['ruru.css', 'graphqlWorker.js', 'editorWorker.js', 'jsonWorker.js']) {
      expect((await app.inject({ url: `/ide/assets/${asset}` })).statusCode, asset).toBe(200);
    }
    const map = await app.inject({ url: '/ide/assets/ruru.js.map' }); // no source maps asked for
    expect(map.statusCode).toBe(404);
    expect(map.json()).toEqual({ errors: [{ message: 'no such IDE asset', extensions: { code: 'NOT_FOUND' } }] });
    expect((await app.inject({ url: '/ide/assets/../package.json' })).statusCode).toBe(404);
  });

  it('serves the demo page with the demo key filled in, and its hashed assets for good', async () => {
    const redirect = await app.inject({ url: '/demo' });
    expect(redirect.statusCode).toBe(308);
    expect(redirect.headers.location).toBe('/demo/');

    const page = await app.inject({ url: '/demo/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<meta name="gateway-demo-key" content="dev-key" />');

    const asset = await app.inject({ url: '/demo/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    expect((await app.inject({ url: '/demo/assets/missing.js' })).statusCode).toBe(404);
  });

  it('says how to build the demo page when it is not built', async () => {
    const bare = Fastify();
    registerHttpErrorHandling(bare, { bodyLimit: 1024, metrics: new GatewayMetrics() });
    registerClientRoutes(bare, { endpoint: '/graphql', sourceMaps: false, demoDir: join(demoDir, 'nowhere') });
    const response = await bare.inject({ url: '/demo/' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      errors: [
        {
          message: 'The demo page is not built: run `npm run build:web` (or `npm run build`), then restart the gateway.',
          extensions: { code: 'NOT_FOUND' },
        },
      ],
    });
    const ide = await bare.inject({ url: '/', headers: browser });
    expect(ide.body).not.toContain('initialHeaders');
    await bare.close();
  });
});
