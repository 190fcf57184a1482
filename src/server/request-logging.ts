/**
 * One log line per GraphQL request and per Open Inference Protocol infer request (request id,
 * principal, operation, fields, models and item counts, status, duration) and the HTTP duration
 * histogram for every route. Other routes (health, metrics, assets) are only counted, not logged, so
 * probes do not drown the log.
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from '../observability/metrics.js';
import { RequestFacts } from '../observability/request-facts.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What this request did, for its log line. */
    facts: RequestFacts;
  }
}

/** Requests read and requests answered since start: equal once the server has drained. */
export interface TrafficCounts {
  received: number;
  answered: number;
}

export function registerRequestLogging(app: FastifyInstance, { metrics }: { metrics: GatewayMetrics }): TrafficCounts {
  const traffic: TrafficCounts = { received: 0, answered: 0 };
  app.decorateRequest('facts', null as unknown as RequestFacts);
  app.addHook('onRequest', async (request) => {
    traffic.received += 1;
    request.facts = new RequestFacts();
  });
  app.addHook('onResponse', async (request, reply) => {
    traffic.answered += 1;
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    const kind =
      route === '/graphql' ? 'graphql request' : request.method === 'POST' && route.startsWith('/v2/models/') ? 'inference request' : null;
    if (!kind) return;
    request.log.info({ status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, ...request.facts.toLog() }, kind);
  });
  return traffic;
}
