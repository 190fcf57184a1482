import { describe, expect, it } from 'vitest';
import { createMemoryItemLimiter } from './rate-limiter.js';

describe('in-memory item rate limiter', () => {
  it('spends items from a per-key budget and says when to retry once it is spent', async () => {
    const limiter = createMemoryItemLimiter();
    expect(await limiter.consume('api-key:a', 60, 100)).toMatchObject({ allowed: true, remaining: 40, limit: 100 });
    expect(await limiter.consume('api-key:a', 40, 100)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await limiter.consume('api-key:a', 1, 100);
    expect(refused).toMatchObject({ allowed: false, limit: 100, remaining: 0 });
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(refused.retryAfterSeconds).toBe(refused.resetSeconds);
    }
  });

  it('keeps keys and budget sizes apart', async () => {
    const limiter = createMemoryItemLimiter();
    await limiter.consume('api-key:a', 10, 10);
    expect((await limiter.consume('api-key:b', 10, 10)).allowed).toBe(true);
    expect((await limiter.consume('api-key:a', 5, 1000)).allowed).toBe(true);
  });

  it('spends nothing on a refusal: a 101-item request on a 100 budget leaves all 100 for the next', async () => {
    const limiter = createMemoryItemLimiter();
    expect(await limiter.consume('jwt:u', 101, 100)).toMatchObject({ allowed: false, remaining: 100 });
    expect(await limiter.consume('jwt:u', 100, 100)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('spends nothing when a request asks for more than remains, and says how many remain', async () => {
    const limiter = createMemoryItemLimiter();
    await limiter.consume('api-key:c', 3, 5);
    expect(await limiter.consume('api-key:c', 3, 5)).toMatchObject({ allowed: false, remaining: 2, limit: 5 });
    expect(await limiter.consume('api-key:c', 2, 5)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('refuses the losers of concurrent requests without spending for them', async () => {
    const limiter = createMemoryItemLimiter();
    const decisions = await Promise.all(Array.from({ length: 5 }, () => limiter.consume('api-key:d', 30, 100)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    expect(await limiter.peek('api-key:d', 100)).toMatchObject({ remaining: 10 });
  });

  it('refunds what did not run, never more than the window spent', async () => {
    const limiter = createMemoryItemLimiter();
    await limiter.consume('api-key:e', 40, 100);
    expect(await limiter.refund('api-key:e', 15, 100)).toMatchObject({ remaining: 75 });
    expect(await limiter.refund('api-key:e', 1000, 100)).toMatchObject({ remaining: 100 });
    expect(await limiter.refund('api-key:never-spent', 10, 100)).toMatchObject({ remaining: 100 });
    expect((await limiter.consume('api-key:e', 100, 100)).allowed).toBe(true);
  });

  it('peeks without spending; an untouched key has its whole budget and a full window', async () => {
    const limiter = createMemoryItemLimiter();
    expect(await limiter.peek('api-key:f', 50)).toEqual({ limit: 50, remaining: 50, resetSeconds: 60 });
    await limiter.consume('api-key:f', 20, 50);
    const state = await limiter.peek('api-key:f', 50);
    expect(state).toMatchObject({ limit: 50, remaining: 30 });
    expect(state.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(state.resetSeconds).toBeLessThanOrEqual(60);
    expect(await limiter.peek('api-key:f', 50)).toMatchObject({ remaining: 30 });
  });
});
