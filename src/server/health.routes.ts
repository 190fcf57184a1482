/**
 * Operational routes: liveness and readiness (metrics: metrics.routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOGUE } from '../errors/catalogue.js';
import type { ModelRegistry } from '../models/registry.js';

export interface HealthRouteOptions {
  readonly registry: ModelRegistry;
  /** The shared store of item budgets, when there is one: shown in /readyz, never making it fail (the in-memory fallback serves). */
  readonly rateLimitStore?: () => { readonly kind: string; readonly state: string };
}

export function registerHealthRoutes(app: FastifyInstance, { registry, rateLimitStore }: HealthRouteOptions): void {
  /** Alive: the process answers HTTP. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /**
   * Ready: 503 until every model has loaded or failed; then 200, with `degraded` when some model or
   * version failed (the others serve) and every model's status in the body; with REDIS_URL, the
   * rate-limit store's state too (`down` leaves the gateway ready: each replica then keeps budgets itself).
   */
  app.get('/readyz', async (_request, reply) => {
    const models = Object.fromEntries(registry.list().map((info) => [info.name, info.status]));
    const detail = rateLimitStore ? { models, rateLimitStore: rateLimitStore() } : { models };
    // Readiness's own body, with the catalogue's status for models not loaded yet.
    if (!registry.isReady) return reply.code(ERROR_CATALOGUE.MODEL_UNAVAILABLE.status).send({ status: 'loading', ...detail });
    const degraded = Object.values(models).some((status) => status !== 'READY');
    return { status: degraded ? 'degraded' : 'ready', ...detail };
  });
}
