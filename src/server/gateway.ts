/**
 * The composition root: builds the model registry, the services, the schema, Apollo Server and the
 * Fastify app with its routes; loads the models; stops everything in order.
 * The only module that imports every layer.
 */
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { applyMiddleware } from 'graphql-middleware';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { createAuthenticator } from '../auth/authenticator.js';
import { createPermissions } from '../auth/permissions.js';
import type { Config } from '../config/config.js';
import { isGatewayError } from '../errors/gateway-error.js';
import type { GatewayContext } from '../graphql/context.js';
import { createErrorFormatter, toRequestError } from '../graphql/errors.js';
import { useIntrospectionPolicy } from '../graphql/introspection-policy.js';
import { RequestLoaders } from '../graphql/loaders.js';
import { buildGatewaySchema } from '../graphql/schema.js';
import { ModelRegistry } from '../models/registry.js';
import { GatewayMetrics } from '../observability/metrics.js';
import { PredictService } from '../tasks/predict/predict-service.js';
import { RecommendService, prepareRecommenderResources } from '../tasks/recommend/recommend-service.js';
import { SentimentService, prepareSentimentResources } from '../tasks/sentiment/sentiment-service.js';
import { registerHealthRoutes } from './health.routes.js';

export interface Gateway {
  readonly app: FastifyInstance;
  readonly registry: ModelRegistry;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Starts listening; resolves with the GraphQL endpoint's URL. /readyz answers 503 until models are loaded. */
  listen(): Promise<string>;
  /**
   * Loads every model (once; later calls return the same promise). Resolves when each is READY or
   * FAILED; rejects when the repository cannot be loaded at all (missing folder, workers cannot start).
   */
  loadModels(): Promise<void>;
  /** Stops accepting, answers every accepted request, drains the model queues, stops the workers. */
  close(): Promise<void>;
}

export interface GatewayDependencies {
  /** A logger to use instead of a new pino logger (tests pass a silent one). */
  readonly logger?: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function createGateway(config: Config, dependencies: GatewayDependencies = {}): Promise<Gateway> {
  const logger = dependencies.logger ?? pino({ level: config.logLevel, base: { service: 'onnx-graphql-gateway' } });
  // First: in production without credentials configured, refuse to start at all.
  const authenticator = createAuthenticator(config.auth, { logger });
  const metrics = new GatewayMetrics();
  const registry = new ModelRegistry({
    root: config.modelsDir,
    workers: config.inference.workers,
    intraOpThreads: config.inference.intraOpThreads,
    preparers: { recommendation: prepareRecommenderResources, 'text-classification': prepareSentimentResources },
    observer: metrics.batchObserver,
  });
  metrics.watchRegistry(registry);

  const resolverSchema = await buildGatewaySchema({
    registry,
    predict: new PredictService(registry, { maxInstances: config.limits.maxInstances }),
    sentiment: new SentimentService(registry, config.models.sentiment, { maxTexts: config.limits.maxTexts }),
    recommend: new RecommendService(registry, config.models.recommender),
  });
  const permissions = createPermissions({ registry, sentimentModel: config.models.sentiment, recommenderModel: config.models.recommender });
  const schema = config.auth.authorization ? applyMiddleware(resolverSchema, permissions) : resolverSchema;

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per request comes from our own request logger, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    requestIdHeader: false,
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    forceCloseConnections: 'idle',
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    logger,
    // Who may introspect is decided per caller by the introspection policy plugin.
    introspection: config.auth.introspection !== 'off',
    includeStacktraceInErrorResponses: config.env === 'development',
    formatError: createErrorFormatter({
      revealInternalMessages: config.env === 'development',
      onUnexpected: (error) => logger.error({ err: error }, 'unexpected error in a GraphQL request'),
    }),
    plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginLandingPageDisabled(), useIntrospectionPolicy({ mode: config.auth.introspection })],
  });
  await apollo.start();

  const graphqlHandler = fastifyApolloHandler(apollo, {
    context: async (request: FastifyRequest): Promise<GatewayContext> => {
      try {
        const principal = await authenticator.authenticate(request.headers);
        return { requestId: request.id, principal, loaders: new RequestLoaders() };
      } catch (error) {
        // Credentials present but wrong end the request: HTTP 401 and UNAUTHENTICATED.
        throw isGatewayError(error) ? toRequestError(error) : error;
      }
    },
  });
  app.route({ url: '/graphql', method: ['GET', 'POST'], handler: graphqlHandler });
  registerHealthRoutes(app, { registry, metrics });

  let loading: Promise<void> | null = null;
  let closing: Promise<void> | null = null;
  return {
    app,
    registry,
    metrics,
    logger,
    loadModels() {
      logger.info({ auth: authenticator.describe(), introspection: config.auth.introspection }, `authentication: ${authenticator.describe()}`);
      loading ??= registry.start().then(
        () => logModels(logger, registry),
        (error: unknown) => {
          logger.fatal({ err: error }, 'the model repository could not be loaded');
          throw error;
        },
      );
      return loading;
    },
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      return `${address}/graphql`;
    },
    close() {
      closing ??= (async () => {
        logger.info('shutting down: no new connections; answering accepted requests');
        await apollo.stop(); // the drain plugin closes Fastify, which waits for in-flight requests
        await registry.close({ drain: true });
        await authenticator.close();
        logger.info('shutdown complete');
      })();
      return closing;
    },
  };
}

function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

function logModels(logger: Logger, registry: ModelRegistry): void {
  for (const info of registry.list()) {
    const versions = info.versions.map((v) => `${v.version}:${v.status}`).join(' ');
    const line = { model: info.name, status: info.status, versions, defaultVersion: info.defaultVersion, task: info.manifest?.task };
    if (info.status === 'READY') logger.info(line, `model ${info.name} ready`);
    else logger.error({ ...line, error: info.error?.message, reason: info.error?.reason }, `model ${info.name} ${info.status.toLowerCase()}`);
  }
}
