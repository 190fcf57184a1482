/**
 * Environment → validated, typed configuration. Nothing else in the gateway reads `process.env`.
 * Every bad value is reported at once, each with its variable name, before anything starts.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const INTROSPECTION_MODES = ['authenticated', 'admin', 'public', 'off'] as const;
/** Variables whose values never appear in error messages (they would end up in logs). */
const SECRET_VARIABLES = new Set(['AUTH_JWT_SECRET']);

const positiveInt = () => z.coerce.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  PORT: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be 0-65535').max(65_535, 'must be 0-65535').default(4000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  MODELS_DIR: z.string().min(1, 'must not be empty').default('./models'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** Inference worker threads (default: CPU count - 1, at least 1). */
  INFERENCE_WORKERS: positiveInt().optional(),
  /** Operator threads per ONNX session. */
  INFERENCE_THREADS: positiveInt().default(1),
  /** Preprocessing worker threads (tokenizing texts off the main thread). */
  PREPROCESS_WORKERS: positiveInt().default(1),
  /** Nice value added to the preprocessing threads (Linux), so the main thread and inference win the CPU. */
  PREPROCESS_NICE: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be 0-19').max(19, 'must be 0-19').default(10),
  /** Instances one predict call may carry. */
  MAX_INSTANCES: positiveInt().default(1024),
  /** Texts one classifySentiments call may carry. */
  MAX_TEXTS: positiveInt().default(256),
  /** Largest request body accepted (HTTP 413 beyond). */
  MAX_BODY_BYTES: positiveInt().default(16 * 1024 * 1024),
  /** Model items (instances, texts, recommendations) one operation may ask for. */
  MAX_ITEMS_PER_QUERY: positiveInt().default(4096),
  /** Each caller's budget of model items per minute, unless its API key sets its own. */
  RATE_LIMIT_ITEMS_PER_MINUTE: positiveInt().default(600_000),
  /** Operations one batched HTTP request (a JSON array) may hold. */
  MAX_BATCHED_OPERATIONS: positiveInt().default(10),
  /** Model names the sentiment and recommendation fields use. */
  SENTIMENT_MODEL: z.string().min(1).default('sentiment'),
  RECOMMENDER_MODEL: z.string().min(1).default('movie-recommender'),
  /** JSON file of API keys (see src/auth/api-key-store.ts); managed with `npm run keys`. */
  API_KEYS_FILE: z.string().min(1, 'must not be empty').optional(),
  /** HS256 shared secret for Bearer JWTs. */
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** JWKS endpoint for RS256/ES256 Bearer JWTs. */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Required `iss` / `aud` of Bearer JWTs. */
  AUTH_JWT_ISSUER: z.string().min(1, 'must not be empty').optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1, 'must not be empty').optional(),
  /** Who may run introspection queries (default: authenticated in development/test, admin in production). */
  INTROSPECTION: z.enum(INTROSPECTION_MODES, { error: `must be one of ${INTROSPECTION_MODES.join(', ')}` }).optional(),
  /** `off` skips graphql-shield entirely: for measuring its cost only; refused in production. */
  AUTHORIZATION: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  /** The browser IDE at / and /graphql and the demo page at /demo (default: on outside production, off in production). */
  IDE: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
});

export type IntrospectionMode = (typeof INTROSPECTION_MODES)[number];

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
  };
  readonly introspection: IntrospectionMode;
  /** Whether graphql-shield applies (always in production). */
  readonly authorization: boolean;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  readonly modelsDir: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly inference: { readonly workers?: number; readonly intraOpThreads: number };
  /** Threads that tokenize texts off the main thread, and how much lower their priority is. */
  readonly preprocess: { readonly workers: number; readonly niceIncrement: number };
  readonly limits: {
    readonly maxInstances: number;
    readonly maxTexts: number;
    readonly maxBodyBytes: number;
    readonly maxItemsPerQuery: number;
    readonly itemsPerMinute: number;
    readonly maxBatchedOperations: number;
  };
  readonly models: { readonly sentiment: string; readonly recommender: string };
  readonly auth: AuthConfig;
  /** Serve the GraphQL IDE (GET / and browser GETs of /graphql) and the demo page (/demo). */
  readonly ide: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the configuration from `env` (default: `process.env`); throws ConfigError listing every bad value. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  // Empty strings mean "unset", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => formatProblem(String(issue.path[0]), issue.message, present))),
    ...crossFieldProblems(present),
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
    inference: { workers: e.INFERENCE_WORKERS, intraOpThreads: e.INFERENCE_THREADS },
    preprocess: { workers: e.PREPROCESS_WORKERS, niceIncrement: e.PREPROCESS_NICE },
    limits: {
      maxInstances: e.MAX_INSTANCES,
      maxTexts: e.MAX_TEXTS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxItemsPerQuery: e.MAX_ITEMS_PER_QUERY,
      itemsPerMinute: e.RATE_LIMIT_ITEMS_PER_MINUTE,
      maxBatchedOperations: e.MAX_BATCHED_OPERATIONS,
    },
    models: { sentiment: e.SENTIMENT_MODEL, recommender: e.RECOMMENDER_MODEL },
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
            },
          }
        : {}),
      introspection: e.INTROSPECTION ?? (e.NODE_ENV === 'production' ? 'admin' : 'authenticated'),
      authorization: e.AUTHORIZATION === 'on',
    },
    ide: e.IDE === undefined ? e.NODE_ENV !== 'production' : e.IDE === 'on',
  };
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
  const problems = ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE']
    .filter((name) => present[name] !== undefined && !jwtConfigured)
    .map((name) => formatProblem(name, 'needs AUTH_JWT_SECRET or AUTH_JWKS_URL to take effect', present));
  if (present.AUTHORIZATION === 'off' && present.NODE_ENV === 'production') {
    problems.push(formatProblem('AUTHORIZATION', 'must be on in production (off exists to measure its cost)', present));
  }
  return problems;
}
