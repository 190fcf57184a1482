/**
 * Routes for people with a browser, all served by the gateway itself (no CDN: many servers have no
 * internet access):
 * - `GET /` and `GET /graphql` from a browser (Accept prefers text/html): the GraphQL IDE. GraphQL
 *   GETs that accept JSON still reach Apollo: a route constraint tells the two apart.
 * - `GET /ide/assets/*`: the IDE's scripts, styles, editor workers and fonts, from the `ruru` package.
 * - `GET /demo/`: the demo page, built by Vite (`npm run build:web`) into dist/web/demo.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getStaticFile } from 'ruru/static';
import { GatewayError } from '../errors/gateway-error.js';
import { renderIdePage } from './ide-page.js';

type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteStore = NonNullable<ReturnType<ReturnType<ConstraintStrategy['storage']>['get']>>;

export const IDE_ASSETS_PATH = '/ide/assets/';
/** dist/web/demo at the project's root, from src/server (tsx) and from dist/server (compiled) alike. */
export const DEFAULT_DEMO_DIR = fileURLToPath(new URL('../../dist/web/demo/', import.meta.url));

export interface ClientRoutesOptions {
  /** The GraphQL endpoint's path. */
  readonly endpoint: string;
  /** The demo API key, when this server accepts it: prefilled in the IDE's headers and the demo page. */
  readonly demoApiKey?: string;
  /** Serve the IDE's source maps (development aids; about 10 MB more memory once asked for). */
  readonly sourceMaps: boolean;
  /** Where the built demo page is (default: dist/web/demo). */
  readonly demoDir?: string;
}

export function registerClientRoutes(app: FastifyInstance, options: ClientRoutesOptions): void {
  const idePage = renderIdePage({ endpoint: options.endpoint, assetsPath: IDE_ASSETS_PATH, demoApiKey: options.demoApiKey });
  const sendIde = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(idePage);

  app.addConstraintStrategy(DOCUMENT_KIND_STRATEGY);
  app.get('/', sendIde);
  app.get(options.endpoint, { constraints: { [DOCUMENT_KIND_STRATEGY.name]: 'html' } }, sendIde);

  app.get(`${IDE_ASSETS_PATH}*`, async (request, reply) => {
    const file = await getStaticFile({
      staticPath: IDE_ASSETS_PATH,
      urlPath: request.url,
      acceptEncoding: request.headers['accept-encoding'],
      disallowDevAssets: !options.sourceMaps,
    });
    if (!file) throw new GatewayError('NOT_FOUND', 'no such IDE asset');
    // The names are not content hashes: revalidate with the ETag, which costs a 304 only.
    void reply.header('cache-control', 'no-cache').header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === file.headers.etag) return reply.code(304).header('etag', file.headers.etag).send();
    return reply.headers(file.headers).send(file.content);
  });

  registerDemoRoutes(app, options.demoDir ?? DEFAULT_DEMO_DIR, options.demoApiKey);
}

function registerDemoRoutes(app: FastifyInstance, demoDir: string, demoApiKey: string | undefined): void {
  const indexFile = join(demoDir, 'index.html');
  app.get('/demo', async (_request, reply) => reply.redirect('/demo/', 308));
  app.get('/demo/', async (request, reply) => {
    let html: string;
    try {
      html = await readFile(indexFile, 'utf8'); // read per request: a rebuild needs no restart
    } catch {
      request.log.warn({ indexFile }, 'the demo page is not built');
      throw new GatewayError(
        'NOT_FOUND',
        'The demo page is not built: run `npm run build:web` (or `npm run build`), then restart the gateway.',
      );
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(withDemoKey(html, demoApiKey));
  });
  // Vite names assets by content hash, so browsers may keep them for good.
  const assets = join(demoDir, 'assets');
  if (existsSync(assets)) {
    void app.register(fastifyStatic, {
      root: assets,
      prefix: '/demo/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  }
}

/** The demo page reads its prefilled key from `<meta name="gateway-demo-key" content="...">`. */
export function withDemoKey(html: string, demoApiKey: string | undefined): string {
  const content = (demoApiKey ?? '').replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return html.replace(/(<meta name="gateway-demo-key" content=")[^"]*(")/, `$1${content}$2`);
}

/**
 * A Fastify route constraint: `html` when the client prefers an HTML page to a GraphQL response.
 * Routes without the constraint still match every request (`mustMatchWhenDerived: false`).
 */
const DOCUMENT_KIND_STRATEGY: ConstraintStrategy = {
  name: 'documentKind',
  storage() {
    const handlers = new Map<string, RouteStore>();
    return {
      get: (kind: string) => handlers.get(kind) ?? null,
      set: (kind: string, store: RouteStore) => void handlers.set(kind, store),
    };
  },
  deriveConstraint: (request) => (prefersHtml(request.headers.accept) ? 'html' : 'data'),
  mustMatchWhenDerived: false,
};

const DATA_TYPES = new Set(['application/json', 'application/graphql-response+json', 'multipart/mixed', 'application/*']);

/**
 * Whether an Accept header asks for HTML more than for a GraphQL response: browsers navigating send
 * `text/html,...,*\/*;q=0.8`; GraphQL clients send JSON types and no `text/html`; a tie goes to data.
 */
export function prefersHtml(accept: string | string[] | undefined): boolean {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (!header) return false;
  let html = 0;
  let data = 0;
  for (const part of header.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = qualityOf(params);
    if (type === 'text/html') html = Math.max(html, q);
    else if (DATA_TYPES.has(type) || type === '*/*') data = Math.max(data, q);
  }
  return html > data;
}

function qualityOf(params: string[]): number {
  const q = params.find((p) => p.startsWith('q='));
  if (q === undefined) return 1;
  const value = Number(q.slice(2));
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 1;
}
