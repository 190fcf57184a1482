import { describe, expect, it } from 'vitest';
import { createMemoryItemLimiter } from './rate-limiter.js';

describe('in-memory item rate limiter', () => {
  it('spends items from a per-key budget and says when to retry once it is spent', async () => {
    const limiter = createMemoryItemLimiter();
    expect(await limiter.consume('api-key:a', 60, 100)).toEqual({ allowed: true, remaining: 40 });
    expect(await limiter.consume('api-key:a', 40, 100)).toEqual({ allowed: true, remaining: 0 });
    const refused = await limiter.consume('api-key:a', 1, 100);
    expect(refused).toMatchObject({ allowed: false, limit: 100 });
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it('keeps keys and budget sizes apart', async () => {
    const limiter = createMemoryItemLimiter();
    await limiter.consume('api-key:a', 10, 10);
    expect((await limiter.consume('api-key:b', 10, 10)).allowed).toBe(true);
    expect((await limiter.consume('api-key:a', 5, 1000)).allowed).toBe(true);
  });

  it('refuses one request bigger than the whole budget', async () => {
    const limiter = createMemoryItemLimiter();
    expect((await limiter.consume('jwt:u', 101, 100)).allowed).toBe(false);
  });
});
