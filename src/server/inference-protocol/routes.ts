/**
 * The Open Inference Protocol's HTTP/REST routes (KServe v2, Triton's HTTP API), registered under
 * `/v2` as an encapsulated Fastify plugin with its own body parser and error rendering:
 *
 *   GET  /v2                                                  server metadata
 *   GET  /v2/health/live, /v2/health/ready                    health (no credentials needed)
 *   GET  /v2/models/{name}[/versions/{version}]               model metadata
 *   GET  /v2/models/{name}[/versions/{version}]/ready         model readiness
 *   POST /v2/models/{name}[/versions/{version}]/infer         inference
 *
 * Handlers only authenticate, delegate to the service and set the status.
 */
import { readFileSync } from 'node:fs';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preParsingHookHandler,
} from 'fastify';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ModelRegistry } from '../../models/registry.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import { toGatewayError } from '../http-errors.js';
import type { ProtocolAccess } from './access.js';
import { acceptJsonBodies } from './body.js';
import { renderProtocolError } from './errors.js';
import { InferenceProtocolService, type ModelPath } from './service.js';

export interface InferenceProtocolOptions {
  readonly registry: ModelRegistry;
  readonly access: ProtocolAccess;
  readonly metrics: GatewayMetrics;
  /** Rows one infer request may carry. @default MAX_INSTANCES (1024) */
  readonly maxRows: number;
  /** Largest request body, as for GraphQL. @default MAX_BODY_BYTES */
  readonly bodyLimit: number;
  /**
   * The model routes' guards from the headers, run before the body is read, as on /graphql:
   * authentication, refused encodings and the limits for callers without credentials.
   */
  readonly beforeBody?: { readonly onRequest: onRequestHookHandler[]; readonly preParsing?: preParsingHookHandler };
}

const SERVER = { name: 'onnx-graphql-gateway', version: packageVersion(), extensions: [] as string[] };

/** Register with `{ prefix: '/v2' }`. */
export const inferenceProtocolRoutes: FastifyPluginAsync<InferenceProtocolOptions> = async (app, options) => {
  const { registry, access, metrics } = options;
  const service = new InferenceProtocolService(registry, access, { maxRows: options.maxRows });
  acceptJsonBodies(app, { bodyLimit: options.bodyLimit });
  const refuse = (error: GatewayError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, headers, body } = renderProtocolError(error);
    metrics.errors.inc({ code: body.code });
    request.facts?.errorCodes.push(body.code);
    // Exactly `application/json` (KServe's client reads `error` only from that type); a Buffer keeps
    // Fastify from appending `; charset=utf-8`.
    return reply
      .code(status)
      .headers({ ...headers, 'content-type': 'application/json' })
      .send(Buffer.from(JSON.stringify(body)));
  };
  app.setErrorHandler((thrown, request, reply) => {
    const error = toGatewayError(thrown, options.bodyLimit);
    if (error.code === 'INTERNAL_SERVER_ERROR') request.log.error({ err: thrown }, 'unexpected error on an inference protocol route');
    return refuse(error, request, reply);
  });
  // Unknown routes under /v2 answer in the protocol's form too, in Fastify's words.
  app.setNotFoundHandler((request, reply) =>
    refuse(new GatewayError('NOT_FOUND', `Route ${request.method}:${request.url} not found`), request, reply),
  );

  app.get('/', async () => SERVER);
  app.get('/health/live', async () => ({ live: true }));
  // Ready once every model has loaded or failed, like /readyz: a degraded gateway still serves the others.
  app.get('/health/ready', async () => {
    if (!registry.isReady) throw new GatewayError('MODEL_UNAVAILABLE', 'the server is not ready: the models are still loading');
    return { ready: true };
  });

  // Encapsulated with the model routes only: health and server metadata stay open and cheap.
  const guarded = {
    onRequest: options.beforeBody?.onRequest ?? [],
    ...(options.beforeBody?.preParsing ? { preParsing: options.beforeBody.preParsing } : {}),
  };
  for (const prefix of ['/models/:name', '/models/:name/versions/:version']) {
    app.get(prefix, guarded, async (request) => service.metadata(await access.authenticateRequest(request), pathOf(request)));
    app.get(`${prefix}/ready`, guarded, async (request) => {
      const serving = service.resolve(await access.authenticateRequest(request), pathOf(request));
      return { name: serving.name, ready: true };
    });
    app.post(`${prefix}/infer`, guarded, async (request) =>
      service.infer(await access.authenticateRequest(request), pathOf(request), request.body, request.facts),
    );
  }
};

function pathOf(request: FastifyRequest): ModelPath {
  return request.params as ModelPath;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Typed registration helper for the composition root. */
export function registerInferenceProtocol(app: FastifyInstance, options: InferenceProtocolOptions): void {
  void app.register(inferenceProtocolRoutes, { ...options, prefix: '/v2' });
}
