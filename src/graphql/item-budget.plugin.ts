/**
 * Costs every operation in model items before it runs: refuses one that asks for more than
 * `maxItemsPerQuery` (QUERY_TOO_COMPLEX), then spends the items from the caller's per-minute budget
 * (RATE_LIMITED with `retryAfter` and a Retry-After header when it is spent).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ItemRateLimiter } from '../limits/rate-limiter.js';
import type { RequestFacts } from '../observability/request-facts.js';
import { toRequestError } from './errors.js';
import { countItems } from './item-cost.js';

export interface ItemBudgetOptions {
  /** Items one operation may ask for. @default 4096 */
  readonly maxItemsPerQuery: number;
  readonly limiter: ItemRateLimiter;
  /** Budget for callers whose credential sets none. @default 600000 */
  readonly defaultItemsPerMinute: number;
  /** Told about every refusal (for metrics). */
  readonly onRateLimited?: (principal: Principal) => void;
}

export function useItemBudget(options: ItemBudgetOptions): ApolloServerPlugin<{ principal: Principal; facts?: RequestFacts }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          if (!operation) return;
          const items = countItems(document, operation, request.variables ?? {});
          // A batched HTTP request runs several operations in one context: their items add up.
          if (contextValue.facts) contextValue.facts.items += items;
          if (items === 0) return;
          if (items > options.maxItemsPerQuery) {
            throw toRequestError(
              new GatewayError('QUERY_TOO_COMPLEX', `the operation must ask for at most ${options.maxItemsPerQuery} model items, but asks for ${items}`, {
                items,
                maxItems: options.maxItemsPerQuery,
              }),
            );
          }
          const { principal } = contextValue;
          // The anonymous may call no model: authorization refuses them without spending anyone's budget.
          if (principal.kind === 'anonymous') return;
          const budget = principal.rateLimit?.itemsPerMinute ?? options.defaultItemsPerMinute;
          const decision = await options.limiter.consume(`${principal.kind}:${principal.id}`, items, budget);
          if (decision.allowed) return;
          options.onRateLimited?.(principal);
          const retryAfter = decision.retryAfterSeconds;
          const message =
            items > budget
              ? `the operation asks for ${items} model items, more than this caller's whole budget of ${budget} per minute`
              : `this caller's budget of ${budget} model items per minute is spent; retry in ${retryAfter} s`;
          throw toRequestError(new GatewayError('RATE_LIMITED', message, { retryAfter, itemsPerMinute: budget }), { 'retry-after': String(retryAfter) });
        },
      };
    },
  };
}
