/**
 * Per-principal item budgets: each caller may infer so many model items per minute (its API key's own
 * limit when set). Counting items, not HTTP requests, is what keeps one 1,024-instance query from
 * costing the same as a one-instance one.
 *
 * In-memory by default (rate-limiter-flexible's RateLimiterMemory, a fixed one-minute window per key).
 * Several replicas share budgets through any `ItemRateLimiter` over a shared store: rate-limiter-flexible's
 * RateLimiterRedis has the same `consume` API, so `createFlexibleItemLimiter((points) =>
 * new RateLimiterRedis({ storeClient: redis, points, duration: 60, keyPrefix: 'gw' }))` is all it takes.
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export type RateDecision = { readonly allowed: true; readonly remaining: number } | { readonly allowed: false; readonly retryAfterSeconds: number; readonly limit: number };

export interface ItemRateLimiter {
  /** Spends `items` of `key`'s budget of `itemsPerMinute`; says when to retry if it is spent. */
  consume(key: string, items: number, itemsPerMinute: number): Promise<RateDecision>;
}

/** An ItemRateLimiter over rate-limiter-flexible, one limiter per distinct budget size. */
export function createFlexibleItemLimiter(create: (itemsPerMinute: number) => RateLimiterAbstract): ItemRateLimiter {
  const byBudget = new Map<number, RateLimiterAbstract>();
  return {
    async consume(key, items, itemsPerMinute) {
      let limiter = byBudget.get(itemsPerMinute);
      if (!limiter) {
        limiter = create(itemsPerMinute);
        byBudget.set(itemsPerMinute, limiter);
      }
      try {
        const result = await limiter.consume(key, items);
        return { allowed: true, remaining: result.remainingPoints };
      } catch (rejection) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent, an Error when the store fails.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), limit: itemsPerMinute };
      }
    },
  };
}

export function createMemoryItemLimiter(): ItemRateLimiter {
  return createFlexibleItemLimiter((itemsPerMinute) => new RateLimiterMemory({ points: itemsPerMinute, duration: 60 }));
}
