/**
 * The composition root: builds the model registry, the services, the schema, Apollo Server and the
 * Fastify app with its routes; loads the models; stops everything in order.
 * The only module that imports every layer.
 */
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { createAuthenticator, DEV_KEY } from '../auth/authenticator.js';
import { applyPermissions } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { KServeV2Backend } from '../backends/kserve-v2/backend.js';
import type { Config } from '../config/config.js';
import type { GatewayContext } from '../graphql/context.js';
import { createErrorFormatter } from '../graphql/errors.js';
import { useIntrospectionPolicy } from '../graphql/introspection-policy.js';
import { useItemBudget } from '../graphql/item-budget.plugin.js';
import { createSchemaGateway } from '../graphql/jit-executor.js';
import { KnownOperationTypesRule } from '../graphql/known-operation-types.js';
import { LiveSchema } from '../graphql/live-schema.js';
import { RequestLoaders, usePerOperationLoaders } from '../graphql/loaders.js';
import { loadPersistedDocuments, usePersistedDocuments } from '../graphql/persisted-documents.js';
import { traceRootFields, useTracing } from '../graphql/plugins/use-tracing.js';
import { DEFAULT_QUERY_LIMITS, useQueryLimits } from '../graphql/query-limits.js';
import { rootFieldTable } from '../graphql/root-fields.js';
import { buildGatewaySchema } from '../graphql/schema.js';
import { createMemoryItemLimiter, type ItemRateLimiter } from '../limits/rate-limiter.js';
import { createRedisItemLimiter } from '../limits/redis-item-limiter.js';
import { ModelLifecycle } from '../models/lifecycle.js';
import { ModelRegistry } from '../models/registry.js';
import { createBatchTracing } from '../observability/batch-tracing.js';
import { useGraphQLObservability } from '../observability/graphql-observability.plugin.js';
import { createLogger } from '../observability/logger.js';
import { GatewayMetrics } from '../observability/metrics.js';
import { logTracingProblems, startTracing, type Tracing, traceLogFields } from '../observability/tracing.js';
import { InferencePool } from '../runtime/inference-pool.js';
import { PreprocessPool } from '../runtime/preprocess-pool.js';
import { PredictService } from '../tasks/predict/predict-service.js';
import { RecommendService } from '../tasks/recommend/recommend-service.js';
import { keepingGenres, readCatalogGenres } from '../tasks/recommend/served-genres.js';
import { MODEL_TASKS } from '../tasks/registry.js';
import { SentimentService } from '../tasks/sentiment/sentiment-service.js';
import { TEXT_ENCODING_MODULE } from '../tasks/sentiment/text-encoding.handler.js';
import { TEXT_ENCODING_HANDLER } from '../tasks/sentiment/text-encoding.js';
import { limitAnonymousRequests } from './anonymous-limits.js';
import { limitBatchedOperations } from './batch-limit.js';
import { registerClientRoutes } from './client.routes.js';
import { capConnections, connectionOptions } from './connection-limits.js';
import { refuseEncodedBodies } from './content-encoding.js';
import { registerCors } from './cors.js';
import { registerHealthRoutes } from './health.routes.js';
import { answerClientErrors, answerFrameworkErrors, registerHttpErrorHandling } from './http-errors.js';
import { createProtocolAccess } from './inference-protocol/access.js';
import { registerInferenceProtocol } from './inference-protocol/routes.js';
import { listenForMetrics, type MetricsListener, registerMetricsRoute } from './metrics.routes.js';
import { authenticateFromHeaders } from './request-authentication.js';
import { registerRequestLogging } from './request-logging.js';
import { registerRequestTracing } from './request-tracing.js';
import { registerTokenLimit } from './token-limit.js';

export interface Gateway {
  readonly app: FastifyInstance;
  readonly registry: ModelRegistry;
  /** Loads, replaces and unloads models while serving (MODEL_CONTROL). */
  readonly lifecycle: ModelLifecycle;
  /** The threads that tokenize texts, so input size never costs the main thread. */
  readonly preprocess: PreprocessPool;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Starts listening (and the metrics listener, if configured); resolves with the GraphQL endpoint's URL. /readyz answers 503 until models are loaded. */
  listen(): Promise<string>;
  /** The metrics listener's `/metrics` URL once listening, when METRICS_PORT (or production) asks for one. */
  metricsUrl(): string | undefined;
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
  /** Where item budgets are kept, instead of the store the config names (in memory, or Redis with REDIS_URL). */
  readonly rateLimiter?: ItemRateLimiter;
  /**
   * Adds root fields to the schema at build time, each with its spec in `extensions.rootField`
   * (src/graphql/root-fields.ts); start-up is refused when one lacks it.
   */
  readonly extendSchema?: (schema: GraphQLSchema) => GraphQLSchema;
  /** Tracing already started (tests export to memory), used instead of starting it from `config.tracing`; its owner shuts it down. */
  readonly tracing?: Tracing;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function createGateway(config: Config, dependencies: GatewayDependencies = {}): Promise<Gateway> {
  // Off unless configured: then no tracing module is loaded and no hook below is installed.
  const ownTracing = dependencies.tracing ? undefined : await startTracing(config.tracing);
  const tracing = dependencies.tracing ?? ownTracing;
  const logger =
    dependencies.logger ??
    (await createLogger({ level: config.logLevel, format: config.logFormat, ...(tracing ? { mixin: traceLogFields } : {}) }));
  if (ownTracing) logTracingProblems(logger);
  // First: in production without credentials configured, refuse to start at all.
  const authenticator = createAuthenticator(config.auth, { logger });
  const metrics = new GatewayMetrics();
  // Models run in local worker threads, unless their manifest names a remote inference server.
  const remote = new KServeV2Backend({ variables: config.manifestVariables });
  const registry = new ModelRegistry({
    backend: new InferencePool({ workers: config.inference.workers, intraOpThreads: config.inference.intraOpThreads }),
    chooser: { backends: [remote], choose: (manifest) => (manifest.backend?.kind === 'kserve-v2' ? remote : undefined) },
    observer: metrics.batchObserver,
    tracing: tracing ? createBatchTracing(tracing.tracer) : undefined,
  });
  // The schema's Genre enum comes from the recommender's catalog as it is now; later catalogs must fit it.
  const genres = readCatalogGenres(config.modelsDir, config.models.recommender);
  const lifecycle = new ModelLifecycle({
    root: config.modelsDir,
    registry,
    tasks: genres ? keepingGenres(MODEL_TASKS, config.models.recommender, genres) : MODEL_TASKS,
    control: config.models.control,
    pollSeconds: config.models.pollSeconds,
    logger,
    observer: metrics.lifecycleObserver,
  });
  metrics.watchRegistry(registry);
  const preprocess = new PreprocessPool({
    handlers: { [TEXT_ENCODING_HANDLER]: TEXT_ENCODING_MODULE },
    workers: config.preprocess.workers,
    niceIncrement: config.preprocess.niceIncrement,
  });

  const predict = new PredictService(registry, { maxInstances: config.limits.maxInstances });
  // Refused here, before anything listens, when a root field has no permission rule or runs a model without an item cost.
  const resolverSchema = await buildGatewaySchema(
    {
      registry,
      lifecycle,
      predict,
      sentiment: new SentimentService(registry, config.models.sentiment, preprocess, { maxTexts: config.limits.maxTexts }),
      recommend: new RecommendService(registry, config.models.recommender),
    },
    {
      fields: rootFieldTable({ configuredModels: { sentiment: config.models.sentiment, recommend: config.models.recommender } }),
      extend: dependencies.extendSchema,
      genres,
    },
  );
  // The schema follows the models: one typed field per model (predictIris) with its spec, rebuilt and
  // checked again when they change. Each served schema gets the permissions, which read every root
  // field's spec from it, and then (outside them, so a denial marks its span) the root-field spans.
  const schema = new LiveSchema({
    base: resolverSchema,
    registry,
    predict,
    finish: (assembled) => {
      const served = config.auth.authorization ? applyPermissions(assembled, { registry }) : assembled;
      if (tracing) traceRootFields(served, tracing.tracer);
      return served;
    },
    logger,
  });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per request comes from our own request logger, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.maxBodyBytes,
    requestIdHeader: false,
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    forceCloseConnections: 'idle',
    // A request that reaches us while we close still gets its real answer, not a 503.
    return503OnClosing: false,
    ...connectionOptions(config.connections),
    // Requests Node's parser refuses (too slow, headers too large) get a catalogue refusal too.
    clientErrorHandler: answerClientErrors((code) => metrics.errors.inc({ code })),
    frameworkErrors: answerFrameworkErrors(metrics),
    // A path parameter (a v2 model name) as long as the headers allow: the route validates it and
    // answers its own BAD_USER_INPUT, where the router's default (100) answered 414 outside the catalogue.
    routerOptions: { maxParamLength: 16_384 },
  });
  capConnections(app.server, config.connections.maxConnections, () => metrics.connectionsDropped.inc());
  await registerCors(app, { origins: config.cors.origins, warn: (message) => logger.warn({ corsOrigins: config.cors.origins }, message) });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  const traffic = registerRequestLogging(app, { metrics });
  // After the request's facts exist, before any route: it wraps the traced routes' handlers.
  if (tracing) registerRequestTracing(app, tracing);
  registerHttpErrorHandling(app, { bodyLimit: config.limits.maxBodyBytes, metrics });
  registerTokenLimit(app, { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens, path: '/graphql' });
  const queryLimits = useQueryLimits({ ...DEFAULT_QUERY_LIMITS, blockFieldSuggestions: config.isProduction });
  // Documents registered at build time; a bad manifest stops start-up here, naming the file.
  const persisted = config.persistedDocuments;
  const persistedDocuments = persisted.file !== undefined ? loadPersistedDocuments(persisted.file) : new Map<string, string>();
  // One budget per caller, whichever protocol it spends through; in Redis, one for all replicas.
  const store = config.rateLimitStore;
  const sharedBudgets =
    dependencies.rateLimiter === undefined && store.kind === 'redis'
      ? createRedisItemLimiter({
          url: store.url,
          commandTimeoutMs: store.commandTimeoutMs,
          logger,
          onFallback: () => metrics.rateLimitStoreFallbacks.inc(),
        })
      : undefined;
  const rateLimiter = dependencies.rateLimiter ?? sharedBudgets ?? createMemoryItemLimiter();
  metrics.watchRateLimitStore(
    sharedBudgets ? { kind: 'redis', isUp: () => sharedBudgets.state() === 'up' } : { kind: 'memory', isUp: () => true },
  );
  const onRateLimited = (principal: Principal) => metrics.rateLimited.inc({ principal_kind: principal.kind });

  const apollo = new ApolloServer<GatewayContext>({
    // Apollo's gateway interface hands it each new schema and runs our executor (graphql-jit or
    // graphql-js) on the schema a request was validated against; Apollo still parses, validates and caches.
    gateway: createSchemaGateway(schema, {
      executor: config.graphqlExecutor,
      onSchemaRefused: (error) => logger.error({ err: error }, 'Apollo refused the new schema; the previous one stays'),
    }),
    logger,
    // main.ts owns SIGTERM/SIGINT and calls close(); Apollo's own handlers (on outside NODE_ENV=test)
    // would run a second, concurrent stop() and the process would never exit.
    stopOnTerminationSignals: false,
    // Who may introspect is decided per caller by the introspection policy plugin.
    introspection: config.auth.introspection !== 'off',
    // BatchHttpLink's JSON arrays of operations; their length is capped by limitBatchedOperations.
    allowBatchedHttpRequests: true,
    includeStacktraceInErrorResponses: config.env === 'development',
    formatError: createErrorFormatter({
      revealInternalMessages: config.env === 'development',
      onUnexpected: (error) => logger.error({ err: error }, 'unexpected error in a GraphQL request'),
      onFormatted: (code) => metrics.errors.inc({ code }),
    }),
    validationRules: [...queryLimits.validationRules, KnownOperationTypesRule],
    plugins: [
      fastifyApolloDrainPlugin(app),
      // Apollo's landing page loads from a CDN; client.routes serves an IDE from this server instead.
      ApolloServerPluginLandingPageDisabled(),
      // Apollo installs its cache-control plugin by default: a willResolveField hook on every field of
      // every response, to compute Cache-Control hints the gateway never uses (answers are no-store).
      ApolloServerPluginCacheControlDisabled(),
      useGraphQLObservability({ metrics }),
      ...(tracing ? [useTracing(tracing.tracer)] : []),
      usePersistedDocuments({ mode: persisted.mode, documents: persistedDocuments }),
      useIntrospectionPolicy({ mode: config.auth.introspection }),
      ...queryLimits.plugins,
      usePerOperationLoaders(),
      useItemBudget({
        maxItemsPerQuery: config.limits.maxItemsPerQuery,
        maxTextCharactersPerQuery: config.limits.maxTextCharactersPerQuery,
        maxTextCharactersPerRequest: config.limits.maxTextCharactersPerRequest,
        defaultItemsPerMinute: config.limits.itemsPerMinute,
        limiter: rateLimiter,
        models: { manifestOf: (name) => registry.manifestOf(name) },
        authorization: config.auth.authorization,
        onRateLimited,
        onStoreError: (error) => logger.warn({ err: error }, 'the item budget store failed; the response goes without cost figures'),
      }),
    ],
  });
  await apollo.start();

  const graphqlHandler = fastifyApolloHandler(apollo, {
    // The route's onRequest hook authenticated the caller from the headers, before the body was read.
    context: async (request: FastifyRequest): Promise<GatewayContext> => {
      const { facts, principal } = request;
      if (principal === null) throw new Error('the GraphQL route must authenticate in its onRequest hook');
      return { requestId: request.id, principal, facts, loaders: new RequestLoaders(facts) };
    },
  });
  const anonymousLimits = limitAnonymousRequests({
    ...config.anonymous,
    onRateLimited: () => metrics.rateLimited.inc({ principal_kind: 'anonymous' }),
  });
  // All from the headers, in this order, before a byte of the body is read: 400/401, 415, 429/413.
  const beforeBody = {
    onRequest: [authenticateFromHeaders(app, authenticator), refuseEncodedBodies, anonymousLimits.onRequest],
    preParsing: anonymousLimits.preParsing,
  };
  app.route({
    url: '/graphql',
    method: ['GET', 'POST'],
    onRequest: beforeBody.onRequest,
    preParsing: beforeBody.preParsing,
    preValidation: limitBatchedOperations(config.limits.maxBatchedOperations),
    handler: graphqlHandler,
  });
  registerHealthRoutes(app, {
    registry,
    ...(sharedBudgets ? { rateLimitStore: () => ({ kind: 'redis', state: sharedBudgets.state() }) } : {}),
  });
  if (config.metrics.onApiPort) registerMetricsRoute(app, metrics);
  // The Open Inference Protocol (KServe v2 / Triton HTTP) beside GraphQL: same keys, scopes, budgets and batchers.
  registerInferenceProtocol(app, {
    registry,
    metrics,
    maxRows: config.limits.maxInstances,
    bodyLimit: config.limits.maxBodyBytes,
    access: createProtocolAccess({
      authenticator,
      registry,
      limiter: rateLimiter,
      defaultItemsPerMinute: config.limits.itemsPerMinute,
      onRateLimited,
    }),
    beforeBody,
  });
  if (config.ide) {
    // Prefill the demo key only where the authenticator really accepts it.
    const demoKeyAccepted = await authenticator.authenticate({ 'x-api-key': DEV_KEY }).then(
      (principal) => principal.kind === 'demo',
      () => false,
    );
    registerClientRoutes(app, {
      endpoint: '/graphql',
      demoApiKey: demoKeyAccepted ? DEV_KEY : undefined,
      sourceMaps: !config.isProduction,
    });
  }

  let loading: Promise<void> | null = null;
  let closing: Promise<void> | null = null;
  let metricsListener: MetricsListener | undefined;
  return {
    app,
    registry,
    lifecycle,
    preprocess,
    metrics,
    logger,
    loadModels() {
      logger.info(
        {
          auth: authenticator.describe(),
          introspection: config.auth.introspection,
          persistedDocuments: persisted.mode,
          registeredDocuments: persistedDocuments.size,
        },
        `authentication: ${authenticator.describe()}`,
      );
      // Connecting to Redis alongside, so that the first requests share budgets (if it fails, the insurance serves).
      loading ??= Promise.all([lifecycle.start(), preprocess.start(), sharedBudgets?.connect()]).then(
        () => {
          // Now, not on the next turn: the models' typed fields are served before readiness is announced,
          // and a schema that fails the root-field check stops start-up.
          schema.refresh({ strict: true });
          logModels(logger, registry, config.connections.idleTimeoutMs);
          const every = config.models.control === 'poll' ? ` (every ${config.models.pollSeconds} s)` : '';
          logger.info(
            { modelControl: config.models.control, pollSeconds: config.models.pollSeconds },
            `model control: ${config.models.control}${every}`,
          );
        },
        (error: unknown) => {
          logger.fatal({ err: error }, 'the model repository could not be loaded');
          throw error;
        },
      );
      return loading;
    },
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      const { port: metricsPort, host: metricsHost } = config.metrics;
      if (metricsPort !== undefined) {
        metricsListener = await listenForMetrics(metrics, { port: metricsPort, host: metricsHost });
        logger.info({ url: metricsListener.url }, `metrics at ${metricsListener.url}`);
      }
      return `${address}/graphql`;
    },
    metricsUrl: () => metricsListener?.url,
    close() {
      closing ??= (async () => {
        logger.info('shutting down: no new connections; answering accepted requests');
        await apollo.stop(); // the drain plugin closes Fastify, which waits for in-flight requests
        await lifecycle.close({ drain: true });
        schema.close();
        await preprocess.close();
        await sharedBudgets?.close();
        await authenticator.close();
        await metricsListener?.close();
        await ownTracing?.shutdown(); // exports the spans still buffered
        logger.info({ requestsReceived: traffic.received, requestsAnswered: traffic.answered }, 'shutdown complete');
      })();
      return closing;
    },
  };
}

function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

function logModels(logger: Logger, registry: ModelRegistry, idleTimeoutMs: number): void {
  for (const info of registry.list()) {
    const versions = info.versions.map((v) => `${v.version}:${v.status}`).join(' ');
    const line = { model: info.name, status: info.status, versions, defaultVersion: info.defaultVersion, task: info.manifest?.task };
    if (info.status === 'READY') logger.info(line, `model ${info.name} ready`);
    else
      logger.error({ ...line, error: info.error?.message, reason: info.error?.reason }, `model ${info.name} ${info.status.toLowerCase()}`);
    // A connection silent for CONNECTION_TIMEOUT_MS is closed, even while its request waits for a run.
    const timeoutMs = info.manifest?.batching.timeoutMs ?? 0;
    if (timeoutMs >= idleTimeoutMs)
      logger.warn(
        { model: info.name, timeoutMs, idleTimeoutMs },
        `model ${info.name}: its timeoutMs must be below CONNECTION_TIMEOUT_MS (${idleTimeoutMs}), but is ${timeoutMs}; slow runs would lose their connection first`,
      );
  }
}
