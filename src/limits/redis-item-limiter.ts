/**
 * Item budgets in Redis, shared by every replica that points at the same REDIS_URL: rate-limiter-flexible's
 * RateLimiterRedis (an atomic INCRBY + expiry script per call) over ioredis, behind `ItemRateLimiter`.
 *
 * A budget is one Redis key per principal (`gateway:items:<kind>:<id>`), whatever its size, so a key whose
 * limit changes (keys.json updated replica by replica) keeps one count rather than one per size.
 *
 * Redis down or slow fails open to per-replica budgets: each RateLimiterRedis has an in-memory
 * insurance limiter (rate-limiter-flexible's `insuranceLimiter`) that answers any call Redis fails or
 * does not answer within `commandTimeoutMs`, so requests are neither refused nor held because of the
 * store; while it lasts a caller's budget is enforced by each replica on its own (N replicas: up to N
 * times the budget). The client never queues: a command sent while disconnected fails at once, one in
 * flight when the connection drops fails then and is not replayed (the insurance has already counted it).
 *
 * The store is `down` when the connection drops, or when a command fails and a PING right after it
 * fails too (one slow answer, say while this process was busy, is not an outage); while down, calls go
 * straight to the insurance and a PING a second asks whether Redis is back.
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { createFlexibleItemLimiter, type ItemRateLimiter, WINDOW_SECONDS } from './rate-limiter.js';

/** Prefix of the budget keys in Redis (rate-limiter-flexible joins it to the principal with a colon). */
export const REDIS_KEY_PREFIX = 'gateway:items';
/** Reconnect backoff: 100, 200, 400 ... ms, at most this, for as long as Redis stays away. */
const RECONNECT_MAX_DELAY_MS = 2000;
/** A connection attempt that takes longer is dropped and retried. */
const CONNECT_TIMEOUT_MS = 2000;
/** While the store is down, how often a PING asks whether it is back. */
const PROBE_INTERVAL_MS = 1000;

/** `connecting` until the first connection succeeds or fails; `down` while the insurance serves. */
export type StoreState = 'connecting' | 'up' | 'down';

/** The part of a pino logger the store writes to: one line per change of state. */
export interface StoreLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface RedisItemLimiterOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://` (TLS). */
  readonly url: string;
  /** A command unanswered this long fails, and the insurance answers instead. */
  readonly commandTimeoutMs: number;
  readonly logger: StoreLogger;
  /** Told of every budget call (read, spend, refund) the per-replica insurance answered instead of Redis. */
  readonly onFallback?: () => void;
}

export interface RedisItemLimiter extends ItemRateLimiter {
  /** Where the store stands now (for /readyz and the store-up gauge). */
  state(): StoreState;
  /** Opens the connection; resolves once the first attempt has succeeded or failed (it keeps retrying after). */
  connect(): Promise<void>;
  /** Closes the connection and stops retrying. */
  close(): Promise<void>;
}

export function createRedisItemLimiter(options: RedisItemLimiterOptions): RedisItemLimiter {
  const { logger } = options;
  const where = describeUrl(options.url);
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: options.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, RECONNECT_MAX_DELAY_MS),
  });

  let state: StoreState = 'connecting';
  let closing = false;
  let lastError: string | undefined;
  const setState = (next: StoreState, reason?: string) => {
    if (next === state || closing) return;
    const previous = state;
    state = next;
    if (next === 'down') {
      logger.warn(
        { rateLimitStore: 'redis', redis: where, reason },
        'rate-limit store unavailable: each replica keeps item budgets in its own memory until Redis answers again',
      );
    } else if (previous === 'down') {
      logger.info({ rateLimitStore: 'redis', redis: where }, 'rate-limit store answers again: item budgets are shared in Redis');
    } else {
      logger.info({ rateLimitStore: 'redis', redis: where }, `item budgets shared in Redis at ${where}`);
    }
  };
  client.on('ready', () => setState('up'));
  // ioredis emits 'error' before each 'close' it reconnects from; without a listener it prints to stderr.
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  client.on('close', () => setState('down', lastError ?? 'connection closed'));

  // A PING decides what a failed command or the connection events cannot: a command can time out while
  // this process was busy (a blip: it stays up), and a Redis that hangs leaves the connection open, so no
  // 'ready' event says when it is back.
  let probing = false;
  const probe = (reasonIfNoAnswer: string) => {
    if (probing || client.status !== 'ready') return;
    probing = true;
    client.ping().then(
      () => {
        probing = false;
        setState('up');
      },
      () => {
        probing = false;
        setState('down', reasonIfNoAnswer);
      },
    );
  };
  const prober = setInterval(() => {
    if (state === 'down') probe('no answer to PING');
  }, PROBE_INTERVAL_MS);
  prober.unref();

  const fallback = () => {
    options.onFallback?.();
    if (state === 'up') probe(`a command failed or took longer than ${options.commandTimeoutMs} ms, and so did a PING after it`);
  };

  // One insurance limiter per budget size, shared by the Redis path (its insuranceLimiter) and the local
  // path taken while the store is down, so a replica counts one budget per caller either way.
  const insurance = new Map<number, InsuranceLimiter>();
  const insuranceFor = (points: number) => {
    let limiter = insurance.get(points);
    if (!limiter) {
      limiter = new InsuranceLimiter({ points, duration: WINDOW_SECONDS }, fallback);
      insurance.set(points, limiter);
    }
    return limiter;
  };
  const shared = createFlexibleItemLimiter(
    (points) =>
      new RateLimiterRedis({
        storeClient: client,
        points,
        duration: WINDOW_SECONDS,
        keyPrefix: REDIS_KEY_PREFIX,
        // Not connected: answer from the insurance at once instead of sending into a closed socket.
        rejectIfRedisNotReady: true,
        insuranceLimiter: insuranceFor(points),
      }),
  );
  // While the store is down, calls go to the insurance without waiting for Redis to time out again.
  const local = createFlexibleItemLimiter(insuranceFor);
  const current = () => (state === 'down' ? local : shared);

  let connecting: Promise<void> | undefined;
  return {
    consume: (key, items, itemsPerMinute) => current().consume(key, items, itemsPerMinute),
    refund: (key, items, itemsPerMinute) => current().refund(key, items, itemsPerMinute),
    peek: (key, itemsPerMinute) => current().peek(key, itemsPerMinute),
    state: () => state,
    connect() {
      // A failed first attempt is logged by the state change, and ioredis keeps retrying with backoff.
      connecting ??= client.connect().then(
        () => undefined,
        () => undefined,
      );
      return connecting;
    },
    async close() {
      closing = true;
      clearInterval(prober);
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}

/** The per-replica in-memory limiter that answers when Redis does not; counts each call it answers. */
class InsuranceLimiter extends RateLimiterMemory {
  readonly #onUse: () => void;

  constructor(options: ConstructorParameters<typeof RateLimiterMemory>[0], onUse: () => void) {
    super(options);
    this.#onUse = onUse;
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>) {
    this.#onUse();
    return super.consume(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory['reward']>) {
    this.#onUse();
    return super.reward(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>) {
    this.#onUse();
    return super.get(...args);
  }
}

/** The URL without its credentials, for logs. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
