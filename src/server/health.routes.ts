/**
 * Operational routes: liveness, readiness and Prometheus metrics.
 */
import type { FastifyInstance } from 'fastify';
import type { ModelRegistry } from '../models/registry.js';
import type { GatewayMetrics } from '../observability/metrics.js';

export function registerHealthRoutes(app: FastifyInstance, { registry, metrics }: { registry: ModelRegistry; metrics: GatewayMetrics }): void {
  /** Alive: the process answers HTTP. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /**
   * Ready: 503 until every model has loaded or failed; then 200, with `degraded` when some model or
   * version failed (the others serve) and every model's status in the body.
   */
  app.get('/readyz', async (_request, reply) => {
    const models = Object.fromEntries(registry.list().map((info) => [info.name, info.status]));
    if (!registry.isReady) return reply.code(503).send({ status: 'loading', models });
    const degraded = Object.values(models).some((status) => status !== 'READY');
    return { status: degraded ? 'degraded' : 'ready', models };
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
