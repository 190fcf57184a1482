/**
 * Per-principal item budgets: each caller may infer so many model items per minute (its API key's own
 * limit when set). Counting items, not HTTP requests, is what keeps one 1,024-instance query from
 * costing the same as a one-instance one.
 *
 * In-memory by default (rate-limiter-flexible's RateLimiterMemory, a fixed one-minute window per key).
 * Several replicas share budgets in Redis (REDIS_URL): redis-item-limiter.ts puts rate-limiter-flexible's
 * RateLimiterRedis, which has the same `get`/`consume`/`reward` API, behind the same adapter.
 */
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { GatewayError } from '../errors/gateway-error.js';

/** Where one caller's budget stands. */
export interface BudgetState {
  /** Items per minute. */
  readonly limit: number;
  /** Items left in the current window. */
  readonly remaining: number;
  /** Seconds until the window ends and the whole budget is back (the window's length while nothing is spent). */
  readonly resetSeconds: number;
}

export type RateDecision =
  | (BudgetState & { readonly allowed: true })
  | (BudgetState & { readonly allowed: false; readonly retryAfterSeconds: number });

/**
 * A store of item budgets. Implementations must spend nothing on a refusal: a refused operation runs
 * nothing, so it must not leave the caller's next, smaller operation refused.
 */
export interface ItemRateLimiter {
  /** Spends `items` of `key`'s budget of `itemsPerMinute` if that many remain; spends nothing otherwise. */
  consume(key: string, items: number, itemsPerMinute: number): Promise<RateDecision>;
  /** Gives back items spent in the current window that did not run (never more than the window spent). */
  refund(key: string, items: number, itemsPerMinute: number): Promise<BudgetState>;
  /** Reads the budget without spending. */
  peek(key: string, itemsPerMinute: number): Promise<BudgetState>;
}

/** Length of a budget window: a fixed minute from the first item spent. */
export const WINDOW_SECONDS = 60;

/**
 * The refusal of a request that asks for more items than remain (RATE_LIMITED), worded the same for
 * every protocol: how many were asked for, how many remain, when to retry. `asker` names what asked
 * ("the operation" in GraphQL, "the request" in the inference protocol).
 */
export function overBudgetError(
  asker: string,
  items: number,
  decision: BudgetState & { readonly retryAfterSeconds: number },
): GatewayError {
  const { remaining, limit, retryAfterSeconds: retryAfter } = decision;
  const asked = items === 1 ? '1 model item' : `${items} model items`;
  const message =
    items > limit
      ? `${asker} asks for ${asked}, more than this caller's whole budget of ${limit} per minute`
      : `${asker} asks for ${asked}, but ${remaining} ${remaining === 1 ? 'remains' : 'remain'} of this caller's ${limit} per minute; retry in ${retryAfter} s`;
  return new GatewayError('RATE_LIMITED', message, { retryAfter, itemsPerMinute: limit, requested: items, remaining });
}

/** An ItemRateLimiter over rate-limiter-flexible, one limiter per distinct budget size. */
export function createFlexibleItemLimiter(create: (itemsPerMinute: number) => RateLimiterAbstract): ItemRateLimiter {
  const byBudget = new Map<number, RateLimiterAbstract>();
  const limiterFor = (itemsPerMinute: number): RateLimiterAbstract => {
    let limiter = byBudget.get(itemsPerMinute);
    if (!limiter) {
      limiter = create(itemsPerMinute);
      byBudget.set(itemsPerMinute, limiter);
    }
    return limiter;
  };

  return {
    async consume(key, items, itemsPerMinute) {
      const limiter = limiterFor(itemsPerMinute);
      // Look before spending: rate-limiter-flexible's consume counts refused points too, so an
      // operation over budget would otherwise eat the budget of the caller's next ones.
      const before = stateOf(await limiter.get(key), itemsPerMinute);
      if (items > before.remaining) return refusal(before);
      if (items === 0) return { allowed: true, ...before };
      try {
        return { allowed: true, ...stateOf(await limiter.consume(key, items), itemsPerMinute) };
      } catch (rejection) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent, an Error when the store fails.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        // A concurrent operation of the same caller got there first: undo what this refusal counted.
        return refusal(stateOf(await limiter.reward(key, items), itemsPerMinute));
      }
    },
    async refund(key, items, itemsPerMinute) {
      const limiter = limiterFor(itemsPerMinute);
      const current = await limiter.get(key);
      // Nothing to give back once the window that spent the items has ended.
      const spent = current?.consumedPoints ?? 0;
      const amount = Math.min(items, spent);
      if (amount <= 0) return stateOf(current, itemsPerMinute);
      return stateOf(await limiter.reward(key, amount), itemsPerMinute);
    },
    async peek(key, itemsPerMinute) {
      return stateOf(await limiterFor(itemsPerMinute).get(key), itemsPerMinute);
    },
  };
}

export function createMemoryItemLimiter(): ItemRateLimiter {
  return createFlexibleItemLimiter((itemsPerMinute) => new RateLimiterMemory({ points: itemsPerMinute, duration: WINDOW_SECONDS }));
}

// A key without a record has its whole budget; seconds are rounded up so that retrying after them works.
function stateOf(result: RateLimiterRes | null, limit: number): BudgetState {
  if (!result || result.msBeforeNext <= 0) return { limit, remaining: limit, resetSeconds: WINDOW_SECONDS };
  return {
    limit,
    remaining: Math.max(0, Math.min(limit, limit - result.consumedPoints)),
    resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
  };
}

function refusal(state: BudgetState): RateDecision {
  return { allowed: false, ...state, retryAfterSeconds: state.resetSeconds };
}
