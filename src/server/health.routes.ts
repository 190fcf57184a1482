/**
 * Operational routes: liveness and readiness (metrics: metrics.routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ModelRegistry } from '../models/registry.js';

export function registerHealthRoutes(app: FastifyInstance, { registry }: { registry: ModelRegistry }): void {
  /** Alive: the process answers HTTP. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /**
   * Ready: 503 until every model has loaded or failed; then 200, with `degraded` when some model or
   * version failed (the others serve) and every model's status in the body. A model whose remote
   * inference server fails (its circuit breaker is open) is DEGRADED too, with why in `detail`.
   */
  app.get('/readyz', async (_request, reply) => {
    const models = Object.fromEntries(registry.list().map((info) => [info.name, info.status]));
    if (!registry.isReady) return reply.code(503).send({ status: 'loading', models });
    const detail = registry.conditions();
    for (const name of Object.keys(detail)) models[name] = 'DEGRADED';
    const degraded = Object.values(models).some((status) => status !== 'READY');
    return { status: degraded ? 'degraded' : 'ready', models, ...(Object.keys(detail).length > 0 ? { detail } : {}) };
  });
}
