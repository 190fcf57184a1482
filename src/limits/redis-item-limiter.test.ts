import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisSkipReason, startRedisServer } from '../../test/support/redis-server.js';
import { createRedisItemLimiter, REDIS_KEY_PREFIX, type RedisItemLimiter } from './redis-item-limiter.js';

const skipReason = redisSkipReason();
if (skipReason) console.warn(skipReason);

/** Long enough for a reconnect with backoff on a loaded machine; the tests wait for states, not for time. */
const STATE_CHANGE = { timeout: 30_000, interval: 50 };

interface LogLine {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  message: string;
}

describe.skipIf(skipReason !== undefined)('item budgets in a real redis-server', () => {
  let redis: RedisServer;
  let inspect: Redis;
  const open: RedisItemLimiter[] = [];
  let keyCounter = 0;
  /** A principal no other test has spent for. */
  const freshKey = () => `api-key:t${++keyCounter}-${process.pid}`;

  /** One replica's store, with the lines it logged and the calls its insurance answered. */
  async function replica(commandTimeoutMs = 200) {
    const logs: LogLine[] = [];
    const stats = { fallbacks: 0 };
    const limiter = createRedisItemLimiter({
      url: redis.url,
      commandTimeoutMs,
      logger: {
        info: (fields, message) => logs.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
        warn: (fields, message) => logs.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
      },
      onFallback: () => stats.fallbacks++,
    });
    open.push(limiter);
    await limiter.connect();
    return { limiter, logs, stats };
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    // Waits out the tests' own outages: its commands queue until Redis is back.
    inspect = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: null });
    inspect.on('error', () => {}); // refused reconnects while a test has Redis down; it retries on its own
    await inspect.connect();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((limiter) => limiter.close()));
  });
  afterAll(async () => {
    inspect?.disconnect();
    await redis?.stop();
  });

  it('shares one budget between replicas: what one spends, the other sees and cannot spend again', async () => {
    const a = await replica();
    const b = await replica();
    expect(a.limiter.state()).toBe('up');
    const key = freshKey();
    expect(await a.limiter.consume(key, 60, 100)).toMatchObject({ allowed: true, remaining: 40, limit: 100 });
    expect(await b.limiter.peek(key, 100)).toMatchObject({ remaining: 40 });
    const refused = await b.limiter.consume(key, 41, 100);
    expect(refused).toMatchObject({ allowed: false, remaining: 40, limit: 100 });
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // The refusal spent nothing: the 40 that remain can still be spent, through either replica.
    expect(await b.limiter.consume(key, 40, 100)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await inspect.get(`${REDIS_KEY_PREFIX}:${key}`)).toBe('100');
    expect(a.stats.fallbacks + b.stats.fallbacks).toBe(0);
  });

  it('lets exactly as many concurrent spends through as the budget holds, across replicas', async () => {
    const a = await replica();
    const b = await replica();
    const key = freshKey();
    const decisions = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).limiter.consume(key, 30, 100)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    expect(await a.limiter.peek(key, 100)).toMatchObject({ remaining: 10 });
  });

  it('refunds what did not run, never more than the window spent', async () => {
    const { limiter } = await replica();
    const key = freshKey();
    await limiter.consume(key, 40, 100);
    expect(await limiter.refund(key, 15, 100)).toMatchObject({ remaining: 75 });
    expect(await limiter.refund(key, 1000, 100)).toMatchObject({ remaining: 100 });
    const never = freshKey();
    expect(await limiter.refund(never, 10, 100)).toMatchObject({ remaining: 100 });
    expect(await inspect.exists(`${REDIS_KEY_PREFIX}:${never}`)).toBe(0);
    expect((await limiter.consume(key, 100, 100)).allowed).toBe(true);
  });

  it('peeks without spending; an untouched key has its whole budget and writes nothing', async () => {
    const { limiter } = await replica();
    const key = freshKey();
    expect(await limiter.peek(key, 50)).toEqual({ limit: 50, remaining: 50, resetSeconds: 60 });
    expect(await inspect.exists(`${REDIS_KEY_PREFIX}:${key}`)).toBe(0);
    await limiter.consume(key, 20, 50);
    expect(await limiter.peek(key, 50)).toMatchObject({ limit: 50, remaining: 30 });
    expect(await limiter.peek(key, 50)).toMatchObject({ remaining: 30 });
  });

  it('keeps a one-minute window in Redis; when the key expires the whole budget is back', async () => {
    const { limiter } = await replica();
    const key = freshKey();
    await limiter.consume(key, 100, 100);
    const ttl = await inspect.pttl(`${REDIS_KEY_PREFIX}:${key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const state = await limiter.peek(key, 100);
    expect(state.resetSeconds).toBe(Math.ceil(ttl / 1000));
    // End the window now, as Redis itself would after the minute.
    await inspect.pexpire(`${REDIS_KEY_PREFIX}:${key}`, 1);
    await expect.poll(async () => (await limiter.peek(key, 100)).remaining, STATE_CHANGE).toBe(100);
    expect(await limiter.consume(key, 100, 100)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps principals apart, and one count per principal whatever its budget size', async () => {
    const { limiter } = await replica();
    const [alice, bob] = [freshKey(), freshKey()];
    await limiter.consume(alice, 10, 10);
    expect(await limiter.consume(bob, 10, 10)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume(`jwt:${alice.slice('api-key:'.length)}`, 10, 10)).toMatchObject({ allowed: true });
    // A key whose limit was raised keeps what it spent under the old one.
    expect(await limiter.peek(alice, 1000)).toMatchObject({ limit: 1000, remaining: 990 });
  });

  it('answers from the replica’s own memory while Redis is gone, logs it once, and shares again once Redis is back', async () => {
    const a = await replica();
    const b = await replica();
    const key = freshKey();
    expect(await a.limiter.consume(key, 10, 100)).toMatchObject({ allowed: true, remaining: 90 });

    await redis.kill();
    await expect.poll(() => a.limiter.state(), STATE_CHANGE).toBe('down');
    // Each replica enforces the budget alone: both may spend it whole, neither refuses nor waits.
    for (const { limiter } of [a, b]) {
      for (let i = 0; i < 5; i++) expect(await limiter.consume(key, 20, 100)).toMatchObject({ allowed: true });
      expect(await limiter.consume(key, 1, 100)).toMatchObject({ allowed: false, remaining: 0 });
      expect(await limiter.refund(key, 5, 100)).toMatchObject({ remaining: 5 });
    }
    expect(a.stats.fallbacks).toBeGreaterThan(0);
    expect(b.stats.fallbacks).toBeGreaterThan(0);

    await redis.restart();
    await expect.poll(() => [a.limiter.state(), b.limiter.state()], STATE_CHANGE).toEqual(['up', 'up']);
    const fallbacks = a.stats.fallbacks;
    // A new, empty Redis: the budget is whole again, and shared.
    expect(await a.limiter.consume(key, 70, 100)).toMatchObject({ allowed: true, remaining: 30 });
    expect(await b.limiter.consume(key, 31, 100)).toMatchObject({ allowed: false, remaining: 30 });
    expect(a.stats.fallbacks).toBe(fallbacks);

    for (const { logs } of [a, b]) {
      expect(logs.filter((l) => l.level === 'warn')).toHaveLength(1);
      expect(logs.map((l) => `${l.level} ${l.message}`)).toEqual([
        expect.stringMatching(/^info item budgets shared in Redis at redis:\/\/127\.0\.0\.1:\d+$/),
        'warn rate-limit store unavailable: each replica keeps item budgets in its own memory until Redis answers again',
        'info rate-limit store answers again: item budgets are shared in Redis',
      ]);
    }
  });

  it('does not wait on a Redis that stops answering: the command times out, the insurance answers, and serves alone until a PING is answered', async () => {
    const { limiter, logs, stats } = await replica(100);
    const key = freshKey();
    expect(await limiter.consume(key, 10, 100)).toMatchObject({ allowed: true, remaining: 90 });
    redis.pause();
    try {
      expect(await limiter.consume(key, 10, 100)).toMatchObject({ allowed: true, limit: 100 });
      expect(stats.fallbacks).toBeGreaterThan(0);
      // The PING sent after the failed command times out too: down.
      await expect.poll(() => limiter.state(), STATE_CHANGE).toBe('down');
      expect(logs.filter((l) => l.level === 'warn').map((l) => l.fields.reason)).toEqual([
        'a command failed or took longer than 100 ms, and so did a PING after it',
      ]);
      // Down: every call goes to the insurance, which now holds this replica's count alone.
      const before = stats.fallbacks;
      expect(await limiter.consume(key, 85, 100)).toMatchObject({ allowed: true, remaining: 5 });
      expect(await limiter.consume(key, 10, 100)).toMatchObject({ allowed: false, remaining: 5 });
      expect(stats.fallbacks).toBeGreaterThan(before);
    } finally {
      redis.resume();
    }
    // The connection never closed, so no reconnect says Redis is back: the store's PING finds out.
    await expect.poll(() => limiter.state(), STATE_CHANGE).toBe('up');
    expect(logs.map((l) => l.level)).toEqual(['info', 'warn', 'info']);
    const fallbacks = stats.fallbacks;
    expect(await limiter.peek(key, 100)).toMatchObject({ limit: 100 });
    expect(stats.fallbacks).toBe(fallbacks);
  });

  it('takes one slow answer for a blip, not an outage, when a PING right after it is answered', async () => {
    const { limiter, logs, stats } = await replica(100);
    const key = freshKey();
    await limiter.consume(key, 1, 100);
    // Hold this process's event loop past the command timeout while Redis answers: the timer fires
    // before the answer is read, as it would in a replica busy with a large response.
    const pending = limiter.consume(key, 1, 100);
    const until = performance.now() + 250;
    while (performance.now() < until) {
      // busy: no I/O is read meanwhile
    }
    expect(await pending).toMatchObject({ allowed: true });
    expect(stats.fallbacks).toBeGreaterThan(0);
    // Redis answers in order: once this read is answered, so is the PING sent before it.
    await limiter.peek(key, 100);
    expect(limiter.state()).toBe('up');
    expect(logs.map((l) => l.level)).toEqual(['info']);
  });

  it('starts without Redis: the first attempt fails, the insurance serves, and it connects once Redis is there', async () => {
    await redis.kill();
    const { limiter, logs } = await replica();
    expect(limiter.state()).toBe('down');
    expect(await limiter.consume(freshKey(), 5, 10)).toMatchObject({ allowed: true, remaining: 5 });
    expect(logs.map((l) => l.level)).toEqual(['warn']);
    expect(logs[0].fields.reason).toMatch(/ECONNREFUSED/);

    await redis.restart();
    await expect.poll(() => limiter.state(), STATE_CHANGE).toBe('up');
    const key = freshKey();
    await limiter.consume(key, 3, 10);
    expect(await inspect.get(`${REDIS_KEY_PREFIX}:${key}`)).toBe('3');
  });

  it('never logs the password of the URL', async () => {
    const logs: string[] = [];
    const url = redis.url.replace('redis://', 'redis://:s3cret-pass@');
    const limiter = createRedisItemLimiter({
      url,
      commandTimeoutMs: 200,
      logger: {
        info: (fields, message) => logs.push(JSON.stringify(fields) + message),
        warn: (fields, message) => logs.push(JSON.stringify(fields) + message),
      },
    });
    open.push(limiter);
    await limiter.connect();
    // This server has no password: AUTH fails, and the failure is logged without the secret.
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain('s3cret-pass');
  });
});
