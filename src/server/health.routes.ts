/**
 * Operational routes: liveness and readiness (metrics: metrics.routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOGUE } from '../errors/catalogue.js';
import type { ModelRegistry } from '../models/registry.js';

export function registerHealthRoutes(app: FastifyInstance, { registry }: { registry: ModelRegistry }): void {
  /** Alive: the process answers HTTP. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /**
   * Ready: 503 until every model has loaded or failed; then 200, with `degraded` when some model or
   * version failed (the others serve) and every model's status in the body.
   */
  app.get('/readyz', async (_request, reply) => {
    const models = Object.fromEntries(registry.list().map((info) => [info.name, info.status]));
    // Readiness's own body, with the catalogue's status for models not loaded yet.
    if (!registry.isReady) return reply.code(ERROR_CATALOGUE.MODEL_UNAVAILABLE.status).send({ status: 'loading', models });
    const degraded = Object.values(models).some((status) => status !== 'READY');
    return { status: degraded ? 'degraded' : 'ready', models };
  });
}
