/**
 * Environment → validated, typed configuration. Nothing else in the gateway reads `process.env`.
 * Every bad value is reported at once, each with its variable name, before anything starts.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  /** Instances one predict call may carry. */
  MAX_INSTANCES: positiveInt().default(1024),
  /** Texts one classifySentiments call may carry. */
  MAX_TEXTS: positiveInt().default(256),
  /** Model names the sentiment and recommendation fields use. */
  SENTIMENT_MODEL: z.string().min(1).default('sentiment'),
  RECOMMENDER_MODEL: z.string().min(1).default('movie-recommender'),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  readonly modelsDir: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly inference: { readonly workers?: number; readonly intraOpThreads: number };
  readonly limits: { readonly maxInstances: number; readonly maxTexts: number };
  readonly models: { readonly sentiment: string; readonly recommender: string };
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
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}, but got ${JSON.stringify(present[String(issue.path[0])])}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    modelsDir: resolve(e.MODELS_DIR),
    logLevel: e.LOG_LEVEL,
    inference: { workers: e.INFERENCE_WORKERS, intraOpThreads: e.INFERENCE_THREADS },
    limits: { maxInstances: e.MAX_INSTANCES, maxTexts: e.MAX_TEXTS },
    models: { sentiment: e.SENTIMENT_MODEL, recommender: e.RECOMMENDER_MODEL },
  };
}
