/**
 * GET /metrics (Prometheus text). The metrics name the models, restricted ones included, their traffic
 * and operation names, so in production they are not served on the API port (404 there) but on a
 * listener of their own (METRICS_PORT, default 9464, on METRICS_HOST, default 127.0.0.1) that the
 * Service does not expose; Prometheus scrapes the pod directly. Outside production they stay on the
 * API port, and are also on METRICS_PORT when it is set.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { renderGraphQLRefusal } from './http-errors.js';

export const METRICS_PATH = '/metrics';

/** Serves GET /metrics on the API listener (development and test only). */
export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get(METRICS_PATH, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}

export interface MetricsListener {
  /** `http://<host>:<port>/metrics` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the metrics listener: GET /metrics, 404 for anything else. */
export async function listenForMetrics(metrics: GatewayMetrics, { port, host }: { port: number; host: string }): Promise<MetricsListener> {
  // A bare node:http server: one route, and none of the API listener's hooks, limits or request logging.
  const server: Server = createServer((request, response) => {
    const refuse = (error: GatewayError) => {
      const { status, headers, body } = renderGraphQLRefusal(error);
      response.writeHead(status, headers).end(JSON.stringify(body));
    };
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://metrics').pathname !== METRICS_PATH) {
      refuse(new GatewayError('NOT_FOUND', `only GET ${METRICS_PATH} is served here`));
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => refuse(new GatewayError('INTERNAL_SERVER_ERROR', 'metrics could not be rendered')),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostInUrl}:${address.port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
