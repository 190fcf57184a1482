/**
 * Environment → validated, typed configuration. Nothing else in the gateway reads `process.env`.
 * Every bad value is reported at once, each with its variable name, before anything starts.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const INTROSPECTION_MODES = ['authenticated', 'admin', 'public', 'off'] as const;
const PERSISTED_DOCUMENTS_MODES = ['off', 'allow', 'only'] as const;
/** How the model repository may change while serving (Triton's model control modes; see src/models/lifecycle.ts). */
export const MODEL_CONTROL_MODES = ['none', 'poll', 'explicit'] as const;
export type ModelControl = (typeof MODEL_CONTROL_MODES)[number];
/** Variables whose values never appear in error messages (they would end up in logs). */
const SECRET_VARIABLES = new Set(['AUTH_JWT_SECRET', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']);

const positiveInt = () => z.coerce.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive');
const port = () =>
  z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be 0-65535').max(65_535, 'must be 0-65535');

/** A CORS origin as browsers send it (`https://app.example.com`, `http://localhost:5173`); the port may be `*`. */
const CORS_ORIGIN = /^https?:\/\/(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::(?:\d{1,5}|\*))?$/;
/**
 * One proxy address as proxy-addr (Fastify's `trustProxy`) reads it: an IP, a CIDR or a named range.
 * Never `true` or a hop count: with those, a client talking to the gateway directly could pick its own
 * address in X-Forwarded-For.
 */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [ip, bits, ...rest] = entry.split('/');
  const version = isIP(ip);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}
/** Allowed without CORS_ORIGINS outside production: pages a developer serves on this machine. */
const DEVELOPMENT_CORS_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];
/** The OpenTelemetry samplers (OTEL_TRACES_SAMPLER) the gateway builds; the `jaeger_remote` and `xray` ones are not. */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];
/** OTLP over HTTP only: `grpc` would bring a gRPC stack for what one HTTP POST does. */
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
/** `key=value,key=value` (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS), values percent-encoded. */
const keyValueList = () =>
  z
    .string()
    .refine(
      (value) =>
        value
          .split(',')
          .every((pair) => pair.trim() === '' || (/^[^=]+=/.test(pair) && isPercentDecodable(pair.slice(pair.indexOf('=') + 1)))),
      'must be comma-separated key=value pairs (values percent-encoded)',
    )
    .transform(parseKeyValueList);
/** Port of the metrics listener in production when METRICS_PORT is not set (the Prometheus exporters' usual one). */
const DEFAULT_PRODUCTION_METRICS_PORT = 9464;

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  PORT: port().default(4000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  MODELS_DIR: z.string().min(1, 'must not be empty').default('./models'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** Unset: pretty in development and test on a terminal, else JSON; pretty is refused in production. */
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  /** Inference worker threads (default: CPU count - 1, at least 1). */
  INFERENCE_WORKERS: positiveInt().optional(),
  /** Operator threads per ONNX session. */
  INFERENCE_THREADS: positiveInt().default(1),
  /** Preprocessing worker threads (tokenizing texts off the main thread). */
  PREPROCESS_WORKERS: positiveInt().default(1),
  /** Nice value added to the preprocessing threads (Linux), so the main thread and inference win the CPU. */
  PREPROCESS_NICE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be 0-19')
    .max(19, 'must be 0-19')
    .default(10),
  /** Instances one predict call may carry. */
  MAX_INSTANCES: positiveInt().default(1024),
  /** Texts one classifySentiments call may carry. */
  MAX_TEXTS: positiveInt().default(256),
  /** Largest request body accepted (HTTP 413 beyond). */
  MAX_BODY_BYTES: positiveInt().default(16 * 1024 * 1024),
  /** Model items (instances, texts, recommendations) one operation may ask for. */
  MAX_ITEMS_PER_QUERY: positiveInt().default(4096),
  /** Characters of text to classify one operation may carry (default: one classifySentiments call at its limits, 256 × 5,000). */
  MAX_TEXT_CHARACTERS_PER_QUERY: positiveInt().default(1_280_000),
  /** Characters of text to classify the operations of one HTTP request (a batched array) may carry together. */
  MAX_TEXT_CHARACTERS_PER_REQUEST: positiveInt().default(2_560_000),
  /** Each caller's budget of model items per minute, unless its API key sets its own. */
  RATE_LIMIT_ITEMS_PER_MINUTE: positiveInt().default(600_000),
  /** Redis shared by every replica for item budgets (`redis://[:password@]host:port[/db]`; `rediss://` for TLS); unset: in memory. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /** A Redis command unanswered this long fails, and the replica's own in-memory budget answers instead. */
  REDIS_COMMAND_TIMEOUT_MS: positiveInt().max(60_000, 'must be at most 60000').default(500),
  /** Operations one batched HTTP request (a JSON array) may hold. */
  MAX_BATCHED_OPERATIONS: positiveInt().default(10),
  /** Model names the sentiment and recommendation fields use. */
  SENTIMENT_MODEL: z.string().min(1).default('sentiment'),
  RECOMMENDER_MODEL: z.string().min(1).default('movie-recommender'),
  /** none: read MODELS_DIR at start-up only; poll: re-scan it; explicit: change on loadModel/unloadModel (default: none in production, poll elsewhere). */
  MODEL_CONTROL: z.enum(MODEL_CONTROL_MODES, { error: `must be one of ${MODEL_CONTROL_MODES.join(', ')}` }).optional(),
  /** Seconds between scans of MODELS_DIR in poll mode. */
  MODEL_POLL_SECONDS: z.coerce
    .number({ error: 'must be a number' })
    .positive('must be positive')
    .max(86_400, 'must be at most 86400')
    .default(5),
  /** JSON file of API keys (see src/auth/api-key-store.ts); managed with `npm run keys`. */
  API_KEYS_FILE: z.string().min(1, 'must not be empty').optional(),
  /** HS256 shared secret for Bearer JWTs. */
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** JWKS endpoint for RS256/ES256 Bearer JWTs. */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Required `iss` / `aud` of Bearer JWTs. */
  AUTH_JWT_ISSUER: z.string().min(1, 'must not be empty').optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1, 'must not be empty').optional(),
  /** Longest life a Bearer JWT may have (`exp` - `iat`, and `exp` - now); `exp` is required. */
  AUTH_JWT_MAX_AGE_SECONDS: positiveInt().default(86_400),
  /** Who may run introspection queries (default: authenticated in development/test, admin in production). */
  INTROSPECTION: z.enum(INTROSPECTION_MODES, { error: `must be one of ${INTROSPECTION_MODES.join(', ')}` }).optional(),
  /** `off` skips graphql-shield entirely: for measuring its cost only; refused in production. */
  AUTHORIZATION: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  /** What executes GraphQL operations: graphql-jit (compiled per document) or graphql-js. */
  GRAPHQL_EXECUTOR: z.enum(['jit', 'graphql-js'], { error: 'must be jit or graphql-js' }).default('jit'),
  /** The browser IDE at / and /graphql and the demo page at /demo (default: on outside production, off in production). */
  IDE: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  /** Documents registered at build time (src/graphql/persisted-documents.ts): off, allow, or only them. */
  PERSISTED_DOCUMENTS: z
    .enum(PERSISTED_DOCUMENTS_MODES, { error: `must be one of ${PERSISTED_DOCUMENTS_MODES.join(', ')}` })
    .default('off'),
  /** Their manifest, as GraphQL Code Generator's client preset writes it (persisted-documents.json). */
  PERSISTED_DOCUMENTS_FILE: z.string().min(1, 'must not be empty').optional(),
  // --- the HTTP edge: callers without credentials, timeouts, connections, metrics listener, CORS ------
  /** Largest body a GraphQL request without credentials may send (413 beyond); authenticated callers get MAX_BODY_BYTES. */
  ANONYMOUS_MAX_BODY_BYTES: positiveInt().default(64 * 1024),
  /** GraphQL requests per minute one client address may send without credentials (429 beyond). */
  ANONYMOUS_REQUESTS_PER_MINUTE: positiveInt().default(60),
  /** Proxies whose X-Forwarded-For names the client: comma-separated IPs/CIDRs (default: none). */
  TRUST_PROXY: z
    .string()
    .refine(
      (value) => value.split(',').every((entry) => isProxyAddress(entry.trim())),
      'must be comma-separated IPs or CIDRs (or loopback, linklocal, uniquelocal)',
    )
    .optional(),
  /** Time a client has to send a whole request, headers and body (408 and close beyond). */
  REQUEST_TIMEOUT_MS: positiveInt().default(30_000),
  /** Time a client has to send a request's headers, from the connection's start or its previous request. */
  HEADERS_TIMEOUT_MS: positiveInt().default(10_000),
  /** A connection with no traffic either way for this long is closed (a client not reading its answer). */
  CONNECTION_TIMEOUT_MS: positiveInt().default(120_000),
  /** An idle keep-alive connection is closed after this long. */
  KEEP_ALIVE_TIMEOUT_MS: positiveInt().default(72_000),
  /** Open connections at most; further ones are closed on arrival. */
  MAX_CONNECTIONS: positiveInt().default(1024),
  /** Listener for GET /metrics (default: 9464 in production, none otherwise). */
  METRICS_PORT: port().optional(),
  METRICS_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  // --- OpenTelemetry traces (the specification's variables; off unless an exporter or endpoint is set) ----
  OTEL_SDK_DISABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  OTEL_TRACES_EXPORTER: z
    .enum(['otlp', 'none'], { error: 'must be otlp or none (console would interleave with the JSON log on stdout)' })
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(OTLP_PROTOCOLS, { error: 'must be http/protobuf or http/json (grpc is not supported)' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z
    .enum(OTLP_PROTOCOLS, { error: 'must be http/protobuf or http/json (grpc is not supported)' })
    .optional(),
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList().optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValueList().optional(),
  OTEL_EXPORTER_OTLP_TIMEOUT: positiveInt().optional(),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: positiveInt().optional(),
  OTEL_SERVICE_NAME: z.string().min(1, 'must not be empty').optional(),
  OTEL_RESOURCE_ATTRIBUTES: keyValueList().optional(),
  OTEL_TRACES_SAMPLER: z.enum(TRACE_SAMPLERS, { error: `must be one of ${TRACE_SAMPLERS.join(', ')}` }).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number({ error: 'must be a number' }).min(0, 'must be 0-1').max(1, 'must be 0-1').optional(),
  OTEL_BSP_SCHEDULE_DELAY: positiveInt().default(5000),
  OTEL_BSP_EXPORT_TIMEOUT: positiveInt().default(30_000),
  OTEL_BSP_MAX_QUEUE_SIZE: positiveInt().default(2048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: positiveInt().default(512),
  /** Origins whose pages may call the gateway from a browser, comma-separated; `*` for any. */
  CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    )
    .refine(
      (origins) => origins.every((origin) => origin === '*' || CORS_ORIGIN.test(origin)),
      'must be comma-separated origins like https://app.example.com or http://localhost:* (scheme, host, optional port), or *',
    )
    .optional(),
});

export type IntrospectionMode = (typeof INTROSPECTION_MODES)[number];
export type PersistedDocumentsMode = (typeof PERSISTED_DOCUMENTS_MODES)[number];

/** Authentication settings (`createAuthenticator(config.auth)`), plus the introspection policy the API layer applies. */
export interface AuthConfig {
  /** Production never accepts the demo key and refuses to start without API keys or JWT settings. */
  readonly isProduction: boolean;
  /** Absolute path of the API keys file, if API keys are enabled. */
  readonly apiKeysFile?: string;
  /** Bearer JWT settings, if JWTs are enabled (a secret, a JWKS URL, or both). */
  readonly jwt?: {
    readonly secret?: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
    readonly audience?: string;
    /** Longest token life accepted, in seconds (tokens without `exp` are refused). */
    readonly maxAgeSeconds: number;
  };
  readonly introspection: IntrospectionMode;
  /** Whether graphql-shield applies (always in production). */
  readonly authorization: boolean;
}

export type RateLimitStoreConfig =
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'redis';
      readonly url: string;
      /** Longest wait for one Redis command before the replica's in-memory insurance answers. */
      readonly commandTimeoutMs: number;
    };

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  readonly modelsDir: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** `json`: pino's JSON lines; `pretty`: one readable line per entry (pino-pretty, development only). */
  readonly logFormat: 'json' | 'pretty';
  readonly inference: { readonly workers?: number; readonly intraOpThreads: number };
  /** Threads that tokenize texts off the main thread, and how much lower their priority is. */
  readonly preprocess: { readonly workers: number; readonly niceIncrement: number };
  readonly limits: {
    readonly maxInstances: number;
    readonly maxTexts: number;
    readonly maxBodyBytes: number;
    readonly maxItemsPerQuery: number;
    readonly maxTextCharactersPerQuery: number;
    readonly maxTextCharactersPerRequest: number;
    readonly itemsPerMinute: number;
    readonly maxBatchedOperations: number;
  };
  /** Where item budgets live: this process's memory, or Redis shared by every replica. */
  readonly rateLimitStore: RateLimitStoreConfig;
  readonly models: {
    readonly sentiment: string;
    readonly recommender: string;
    readonly control: ModelControl;
    readonly pollSeconds: number;
  };
  readonly auth: AuthConfig;
  /** Serve the GraphQL IDE (GET / and browser GETs of /graphql) and the demo page (/demo). */
  readonly ide: boolean;
  /** Which documents run: any (`off`), registered ones by hash plus any other (`allow`), only registered ones (`only`). */
  readonly persistedDocuments: { readonly mode: PersistedDocumentsMode; readonly file?: string };
  /** What a request without credentials may send, decided from its headers before its body is read. */
  readonly anonymous: { readonly maxBodyBytes: number; readonly requestsPerMinute: number };
  /** The HTTP server's timeouts and connection cap (slow and idle clients cannot hold connections). */
  readonly connections: {
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly idleTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    readonly maxConnections: number;
    /** Fastify's `trustProxy`: the proxies' IPs/CIDRs; false trusts no X-Forwarded-For. */
    readonly trustProxy: string | false;
  };
  /** Where GET /metrics is served: on the API port outside production, and on its own listener when `port` is set. */
  readonly metrics: { readonly onApiPort: boolean; readonly port?: number; readonly host: string };
  /** OpenTelemetry traces (src/observability/tracing.ts). */
  readonly tracing: TracingConfig;
  /** Browser origins allowed to call the gateway (`http://localhost:*` patterns; `*` for any). */
  readonly cors: { readonly origins: readonly string[] };
  /** `jit`: operations run compiled by graphql-jit (src/graphql/jit-executor.ts); `graphql-js`: graphql-js's execute. */
  readonly graphqlExecutor: 'jit' | 'graphql-js';
  /**
   * The environment's non-empty variables, for `${NAME}` in a remote backend's headers in model.json
   * (src/backends/kserve-v2/): so a secret lives in the environment, never in the model repository.
   */
  readonly manifestVariables: Readonly<Record<string, string>>;
}

/** OpenTelemetry tracing, from the specification's OTEL_* variables. */
export interface TracingConfig {
  /** Off unless OTEL_TRACES_EXPORTER or an OTLP endpoint is set, and OTEL_SDK_DISABLED is not `true`. */
  readonly enabled: boolean;
  /** `none`: spans are made and propagated (trace ids in logs, traceparent to remotes) but exported nowhere. */
  readonly exporter: 'otlp' | 'none';
  readonly otlp: {
    /** The full URL spans are POSTed to (`.../v1/traces`). */
    readonly url: string;
    readonly protocol: (typeof OTLP_PROTOCOLS)[number];
    readonly headers: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
  };
  /** The `service.name` resource attribute, and any others. */
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly sampler: TraceSampler;
  /** The ratio of the `traceidratio` samplers. */
  readonly samplerRatio: number;
  /** The batch span processor's settings (OTEL_BSP_*). */
  readonly batch: {
    readonly scheduleDelayMs: number;
    readonly exportTimeoutMs: number;
    readonly maxQueueSize: number;
    readonly maxExportBatchSize: number;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads the configuration from `env` (default: `process.env`); throws ConfigError listing every bad value.
 * `stdoutIsTTY` picks the default log format outside production (pretty on a terminal, else JSON).
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  { stdoutIsTTY = process.stdout.isTTY === true }: { stdoutIsTTY?: boolean } = {},
): Config {
  // Empty strings mean "unset", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => formatProblem(String(issue.path[0]), issue.message, present))),
    ...crossFieldProblems(present),
    ...(parsed.success ? edgeProblems(parsed.data, present) : []),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    modelsDir: resolve(e.MODELS_DIR),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV !== 'production' && stdoutIsTTY ? 'pretty' : 'json'),
    inference: { workers: e.INFERENCE_WORKERS, intraOpThreads: e.INFERENCE_THREADS },
    preprocess: { workers: e.PREPROCESS_WORKERS, niceIncrement: e.PREPROCESS_NICE },
    limits: {
      maxInstances: e.MAX_INSTANCES,
      maxTexts: e.MAX_TEXTS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxItemsPerQuery: e.MAX_ITEMS_PER_QUERY,
      maxTextCharactersPerQuery: e.MAX_TEXT_CHARACTERS_PER_QUERY,
      maxTextCharactersPerRequest: e.MAX_TEXT_CHARACTERS_PER_REQUEST,
      itemsPerMinute: e.RATE_LIMIT_ITEMS_PER_MINUTE,
      maxBatchedOperations: e.MAX_BATCHED_OPERATIONS,
    },
    rateLimitStore:
      e.REDIS_URL === undefined ? { kind: 'memory' } : { kind: 'redis', url: e.REDIS_URL, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS },
    models: {
      sentiment: e.SENTIMENT_MODEL,
      recommender: e.RECOMMENDER_MODEL,
      control: e.MODEL_CONTROL ?? (e.NODE_ENV === 'production' ? 'none' : 'poll'),
      pollSeconds: e.MODEL_POLL_SECONDS,
    },
    auth: {
      isProduction: e.NODE_ENV === 'production',
      ...(e.API_KEYS_FILE !== undefined ? { apiKeysFile: resolve(e.API_KEYS_FILE) } : {}),
      ...(e.AUTH_JWT_SECRET !== undefined || e.AUTH_JWKS_URL !== undefined
        ? {
            jwt: {
              ...(e.AUTH_JWT_SECRET !== undefined ? { secret: e.AUTH_JWT_SECRET } : {}),
              ...(e.AUTH_JWKS_URL !== undefined ? { jwksUrl: e.AUTH_JWKS_URL } : {}),
              ...(e.AUTH_JWT_ISSUER !== undefined ? { issuer: e.AUTH_JWT_ISSUER } : {}),
              ...(e.AUTH_JWT_AUDIENCE !== undefined ? { audience: e.AUTH_JWT_AUDIENCE } : {}),
              maxAgeSeconds: e.AUTH_JWT_MAX_AGE_SECONDS,
            },
          }
        : {}),
      introspection: e.INTROSPECTION ?? (e.NODE_ENV === 'production' ? 'admin' : 'authenticated'),
      authorization: e.AUTHORIZATION === 'on',
    },
    ide: e.IDE === undefined ? e.NODE_ENV !== 'production' : e.IDE === 'on',
    persistedDocuments: {
      mode: e.PERSISTED_DOCUMENTS,
      ...(e.PERSISTED_DOCUMENTS_FILE !== undefined ? { file: resolve(e.PERSISTED_DOCUMENTS_FILE) } : {}),
    },
    anonymous: { maxBodyBytes: e.ANONYMOUS_MAX_BODY_BYTES, requestsPerMinute: e.ANONYMOUS_REQUESTS_PER_MINUTE },
    connections: {
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      idleTimeoutMs: e.CONNECTION_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.MAX_CONNECTIONS,
      trustProxy: e.TRUST_PROXY ?? false,
    },
    metrics: {
      onApiPort: e.NODE_ENV !== 'production',
      ...(e.METRICS_PORT !== undefined || e.NODE_ENV === 'production' ? { port: e.METRICS_PORT ?? DEFAULT_PRODUCTION_METRICS_PORT } : {}),
      host: e.METRICS_HOST,
    },
    tracing: tracingConfig(e),
    cors: { origins: e.CORS_ORIGINS ?? (e.NODE_ENV === 'production' ? [] : DEVELOPMENT_CORS_ORIGINS) },
    graphqlExecutor: e.GRAPHQL_EXECUTOR,
    manifestVariables: Object.freeze(present as Record<string, string>),
  };
}

// The OpenTelemetry specification's defaults and precedence: a signal-specific variable wins over the
// general one, and the general endpoint gets `/v1/traces` appended while the specific one is used as is.
function tracingConfig(e: z.infer<typeof EnvSchema>): TracingConfig {
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined
      ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
      : 'http://localhost:4318/v1/traces');
  return {
    enabled: e.OTEL_SDK_DISABLED !== 'true' && (e.OTEL_TRACES_EXPORTER !== undefined || endpoint !== undefined),
    exporter: e.OTEL_TRACES_EXPORTER ?? 'otlp',
    otlp: {
      url,
      protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
      headers: { ...e.OTEL_EXPORTER_OTLP_HEADERS, ...e.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
      timeoutMs: e.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? e.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000,
    },
    serviceName: e.OTEL_SERVICE_NAME ?? e.OTEL_RESOURCE_ATTRIBUTES?.['service.name'] ?? 'onnx-graphql-gateway',
    resourceAttributes: e.OTEL_RESOURCE_ATTRIBUTES ?? {},
    sampler: e.OTEL_TRACES_SAMPLER,
    samplerRatio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
    batch: {
      scheduleDelayMs: e.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMs: e.OTEL_BSP_EXPORT_TIMEOUT,
      maxQueueSize: e.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: e.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    },
  };
}

function isPercentDecodable(value: string): boolean {
  try {
    decodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}

function parseKeyValueList(value: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    pairs[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return pairs;
}

function formatProblem(name: string, message: string, present: Readonly<Record<string, string | undefined>>): string {
  const value = present[name];
  const got = SECRET_VARIABLES.has(name) && value !== undefined ? `a value of ${value.length} characters` : JSON.stringify(value);
  return `${name}: ${message}, but got ${got}`;
}

/** Checks between variables, on the raw values so they are reported along with every other problem. */
function crossFieldProblems(present: Readonly<Record<string, string | undefined>>): string[] {
  // Issuer/audience checks without a way to verify tokens would silently do nothing.
  const jwtConfigured = present.AUTH_JWT_SECRET !== undefined || present.AUTH_JWKS_URL !== undefined;
  const problems = ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE', 'AUTH_JWT_MAX_AGE_SECONDS']
    .filter((name) => present[name] !== undefined && !jwtConfigured)
    .map((name) => formatProblem(name, 'needs AUTH_JWT_SECRET or AUTH_JWKS_URL to take effect', present));
  // A mode that reads registered documents needs their manifest, and a manifest needs such a mode.
  const readsManifest = present.PERSISTED_DOCUMENTS === 'allow' || present.PERSISTED_DOCUMENTS === 'only';
  if (readsManifest && present.PERSISTED_DOCUMENTS_FILE === undefined) {
    problems.push(
      formatProblem('PERSISTED_DOCUMENTS', 'needs PERSISTED_DOCUMENTS_FILE (the persisted-documents.json codegen writes)', present),
    );
  }
  if (!readsManifest && present.PERSISTED_DOCUMENTS_FILE !== undefined) {
    problems.push(formatProblem('PERSISTED_DOCUMENTS_FILE', 'needs PERSISTED_DOCUMENTS=allow or only to take effect', present));
  }
  if (present.LOG_FORMAT === 'pretty' && present.NODE_ENV === 'production') {
    problems.push(formatProblem('LOG_FORMAT', 'must be json in production (log collectors read JSON lines)', present));
  }
  // A ratio without a sampler that reads it would silently sample everything.
  if (present.OTEL_TRACES_SAMPLER_ARG !== undefined && !present.OTEL_TRACES_SAMPLER?.endsWith('traceidratio')) {
    problems.push(
      formatProblem(
        'OTEL_TRACES_SAMPLER_ARG',
        'needs OTEL_TRACES_SAMPLER=traceidratio or parentbased_traceidratio to take effect',
        present,
      ),
    );
  }
  if (present.REDIS_COMMAND_TIMEOUT_MS !== undefined && present.REDIS_URL === undefined) {
    problems.push(formatProblem('REDIS_COMMAND_TIMEOUT_MS', 'needs REDIS_URL to take effect', present));
  }
  if (present.AUTHORIZATION === 'off' && present.NODE_ENV === 'production') {
    problems.push(formatProblem('AUTHORIZATION', 'must be on in production (off exists to measure its cost)', present));
  }
  return problems;
}

/** Checks between the HTTP edge's variables, on their parsed values (defaults applied). */
function edgeProblems(e: z.infer<typeof EnvSchema>, present: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  // Node refuses a headers timeout longer than the request timeout; say so by name instead of with a stack.
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    problems.push(`HEADERS_TIMEOUT_MS: must be at most REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS}), but got ${e.HEADERS_TIMEOUT_MS}`);
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    problems.push(formatProblem('METRICS_PORT', 'must differ from PORT (metrics get their own listener)', present));
  }
  return problems;
}
