/**
 * CORS (@fastify/cors), so that browser apps on their own origin can call the gateway. CORS_ORIGINS
 * lists the allowed origins (`https://app.example.com`; a port may be `*`, as in `http://localhost:*`);
 * outside production the default allows pages on this machine, in production nothing unless set.
 * `*` allows every origin and is warned about at start-up: any page on the web could then spend the
 * budget of a key a user pastes into it.
 *
 * Credentials travel in headers (x-api-key, Authorization), never cookies, so credentialed CORS is off
 * and Apollo's CSRF prevention stays on: a cross-origin POST of JSON needs a preflight, which only
 * listed origins pass.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Request headers a page may send: the JSON body, credentials, Apollo's CSRF header, a request id. */
export const CORS_ALLOWED_HEADERS = ['content-type', 'x-api-key', 'authorization', 'apollo-require-preflight', 'x-request-id'];
/** Response headers a page may read: the request id for support, and when to retry after a 429. */
export const CORS_EXPOSED_HEADERS = [
  'x-request-id',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];
/** How long a browser may reuse a preflight answer (Chromium caps it at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

export interface CorsOptions {
  /** Allowed origins as configured (CORS_ORIGINS, or the development default); `*` for any. */
  readonly origins: readonly string[];
  readonly warn: (message: string) => void;
}

export async function registerCors(app: FastifyInstance, { origins, warn }: CorsOptions): Promise<void> {
  if (origins.length === 0) return; // no CORS headers: browsers allow same-origin pages only
  const anyOrigin = origins.includes('*');
  if (anyOrigin)
    warn("CORS_ORIGINS=*: pages on any origin may call this gateway with the credentials they hold; list your front-ends' origins instead");
  await app.register(cors, {
    origin: anyOrigin ? '*' : origins.map(originMatcher),
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
    credentials: false,
  });
}

/** An exact origin as a string; one with port `*` as an anchored pattern matching any port. */
function originMatcher(origin: string): string | RegExp {
  if (!origin.endsWith(':*')) return origin;
  const base = origin.slice(0, -2).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${base}(?::\\d{1,5})?$`);
}
