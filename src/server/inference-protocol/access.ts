/**
 * Who may use the Open Inference Protocol routes, and what they pay: the same authenticator, model
 * scopes (`predict` / `predict:<name>`, via model-access) and per-principal item budgets as GraphQL.
 * Each concern is one function, so it can be re-pointed alone (authentication moving to an onRequest
 * hook, budgets gaining refunds or a shared store).
 */
import type { FastifyRequest } from 'fastify';
import { type Authenticator, credentialHeadersOf } from '../../auth/authenticator.js';
import { canCallModel, modelScopes } from '../../auth/model-access.js';
import { isAuthenticated, type Principal } from '../../auth/principal.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { type ItemRateLimiter, overBudgetError } from '../../limits/rate-limiter.js';
import type { ModelRegistry } from '../../models/registry.js';

export interface ProtocolAccessOptions {
  readonly authenticator: Authenticator;
  readonly registry: ModelRegistry;
  /** The same limiter GraphQL spends from, so a caller has one budget whichever protocol it uses. */
  readonly limiter: ItemRateLimiter;
  /** Budget for callers whose credential sets none (RATE_LIMIT_ITEMS_PER_MINUTE). */
  readonly defaultItemsPerMinute: number;
  /** Told about every refusal (for metrics). */
  readonly onRateLimited?: (principal: Principal) => void;
}

export interface ProtocolAccess {
  /** The caller (ANONYMOUS without credentials); throws UNAUTHENTICATED for wrong ones. */
  authenticateRequest(request: FastifyRequest): Promise<Principal>;
  /** Throws UNAUTHENTICATED (anonymous) or FORBIDDEN (naming the scopes) unless the caller may call `model`. */
  authorizeModel(principal: Principal, model: string): void;
  /** Spends `items` of the caller's per-minute budget; throws RATE_LIMITED with `retryAfter` when spent. */
  chargeItems(principal: Principal, items: number): Promise<void>;
}

export function createProtocolAccess(options: ProtocolAccessOptions): ProtocolAccess {
  return {
    // The route's onRequest hook (src/server/request-authentication.ts) authenticated from the headers
    // before the body was read; this only hands its principal on.
    async authenticateRequest(request) {
      if (request.principal) return request.principal;
      const principal = await options.authenticator.authenticate(credentialHeadersOf(request.raw.rawHeaders));
      request.facts.principal = `${principal.kind}:${principal.id}`;
      return principal;
    },

    authorizeModel(principal, model) {
      const manifest = options.registry.manifestOf(model);
      if (canCallModel(principal, model, manifest)) return;
      const { scopes } = modelScopes(model, manifest);
      const needed = scopes.map((scope) => `"${scope}"`).join(' or ');
      if (!isAuthenticated(principal)) {
        throw new GatewayError(
          'UNAUTHENTICATED',
          `model "${model}" needs credentials with scope ${needed}: send an API key (x-api-key) or a bearer token`,
          { scopes },
        );
      }
      throw new GatewayError('FORBIDDEN', `model "${model}" needs scope ${needed}, which this caller does not have`, { scopes });
    },

    // The same key, budget and refusal as GraphQL's item budget (src/graphql/item-budget.plugin.ts).
    async chargeItems(principal, items) {
      const budget = principal.rateLimit?.itemsPerMinute ?? options.defaultItemsPerMinute;
      const decision = await options.limiter.consume(`${principal.kind}:${principal.id}`, items, budget);
      if (decision.allowed) return;
      options.onRateLimited?.(principal);
      throw overBudgetError('the request', items, decision);
    },
  };
}
