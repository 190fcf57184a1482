/**
 * Costs every operation in model items before it runs, and charges the caller only for what it may
 * call and what runs:
 * - refuses an operation that asks for more than `maxItemsPerQuery` items or more than
 *   `maxTextCharactersPerQuery` characters of text, or that takes its HTTP request (a batched array)
 *   over `maxTextCharactersPerRequest` (QUERY_TOO_COMPLEX);
 * - takes the items of the fields the caller may call (the model access policy; a FORBIDDEN field
 *   costs nothing) from its per-minute budget, or refuses the operation with RATE_LIMITED, spending
 *   nothing, and says how many items it asked for and how many remain;
 * - after the operation, gives back what did not run (a refused operation, a field that failed before
 *   reaching its model, items a full queue refused);
 * - tells the caller where its budget stands: `extensions.cost` on every response and the
 *   `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` headers for authenticated callers.
 */
import type { ApolloServerPlugin, HTTPGraphQLHead } from '@apollo/server';
import { canCallModel } from '../auth/model-access.js';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../errors/gateway-error.js';
import { type BudgetState, type ItemRateLimiter, overBudgetError, type RateDecision } from '../limits/rate-limiter.js';
import type { ModelManifest } from '../models/manifest.js';
import type { RequestFacts } from '../observability/request-facts.js';
import { toRequestError } from './errors.js';
import { costFields, type FieldCost } from './item-cost.js';
import type { RequestLoaders } from './loaders.js';
import { rootFieldsOf } from './root-fields.js';

export interface ItemBudgetOptions {
  /** Items one operation may ask for. @default 4096 */
  readonly maxItemsPerQuery: number;
  /** Characters of text to classify one operation may carry. @default 1280000 */
  readonly maxTextCharactersPerQuery: number;
  /** Characters of text to classify the operations of one HTTP request may carry together. @default 2560000 */
  readonly maxTextCharactersPerRequest: number;
  readonly limiter: ItemRateLimiter;
  /** Budget for callers whose credential sets none. @default 600000 */
  readonly defaultItemsPerMinute: number;
  /** The manifests of the models behind the fields, to charge only fields the caller may call. */
  readonly models: {
    manifestOf(name: string): ModelManifest | undefined;
  };
  /** Whether authorization applies (false only with AUTHORIZATION=off): then every field is charged. @default true */
  readonly authorization?: boolean;
  /** Told about every refusal (for metrics). */
  readonly onRateLimited?: (principal: Principal) => void;
  /** Told when the budget store fails while refunding or reading (the response then goes without cost figures). */
  readonly onStoreError?: (error: unknown) => void;
}

/** `extensions.cost` of every GraphQL response. */
export interface OperationCost {
  /** Items the operation asked for (all its model fields; a text weighs one item per 1,000 characters). */
  readonly requested: number;
  /** Items taken from the caller's budget: those of the fields it may call that ran. */
  readonly charged: number;
  /** The caller's budget per minute, items left after this operation, seconds until the whole budget is back (absent for the anonymous, who have no budget). */
  readonly limit?: number;
  readonly remaining?: number;
  readonly resetSeconds?: number;
}

type BudgetContext = { principal: Principal; facts?: RequestFacts; loaders?: RequestLoaders };

/** What an operation took from a budget, per model, to give back what did not run. */
interface Spending {
  readonly key: string;
  readonly itemsPerMinute: number;
  readonly total: number;
  readonly byModel: Map<string, ModelSpending>;
}

interface ModelSpending {
  items: number;
  cost: number;
  /** Response keys of the fields that use the model. */
  readonly fields: string[];
}

/** What the operations of one HTTP request share (a batched request's operations share one response head). */
interface RequestTally {
  textCharacters: number;
  /** The order of the budget state last written to the headers, so an older reading never overwrites a newer one. */
  headerReading: number;
}

export function useItemBudget(options: ItemBudgetOptions): ApolloServerPlugin<BudgetContext> {
  const tallies = new WeakMap<HTTPGraphQLHead, RequestTally>();
  let readings = 0;
  // The model a field runs ('' when its model argument is not a string: validation refuses it).
  const modelOf = (field: FieldCost): string => field.model ?? '';
  const mayCall = (principal: Principal, field: FieldCost): boolean => {
    if (options.authorization === false) return true;
    const model = modelOf(field);
    return canCallModel(principal, model, options.models.manifestOf(model), field.kind);
  };

  return {
    async requestDidStart({ contextValue, requestIsBatched, response: { http } }) {
      const { principal } = contextValue;
      const budgeted = principal.kind !== 'anonymous';
      const key = `${principal.kind}:${principal.id}`;
      const itemsPerMinute = principal.rateLimit?.itemsPerMinute ?? options.defaultItemsPerMinute;
      const request = requestIsBatched ? sharedTally(tallies, http) : { textCharacters: 0, headerReading: 0 };
      let requested = 0;
      let reservedCharacters = 0;
      let spending: Spending | null = null;
      let executed = false;
      let reading: { state: BudgetState; order: number } | null = null;
      const observe = (state: BudgetState) => {
        reading = { state, order: ++readings };
        return state;
      };

      return {
        async didResolveOperation({ schema, document, operation, request: { variables }, contextValue: { facts } }) {
          if (!operation) return;
          // The specs of the schema this operation was validated against (a rebuilt schema brings its own).
          const fields = costFields(document, operation, variables ?? {}, rootFieldsOf(schema));
          requested = fields.reduce((sum, field) => sum + field.cost, 0);
          if (facts) facts.items += requested;
          if (requested === 0) return;
          if (requested > options.maxItemsPerQuery) {
            throw tooComplex(`the operation must ask for at most ${options.maxItemsPerQuery} model items, but asks for ${requested}`, {
              items: requested,
              maxItems: options.maxItemsPerQuery,
            });
          }
          const characters = fields.reduce((sum, field) => sum + field.textCharacters, 0);
          if (characters > options.maxTextCharactersPerQuery) {
            throw tooComplex(
              `the operation must carry at most ${options.maxTextCharactersPerQuery} characters of text to classify, but carries ${characters}`,
              {
                characters,
                maxCharacters: options.maxTextCharactersPerQuery,
              },
            );
          }
          if (request.textCharacters + characters > options.maxTextCharactersPerRequest) {
            throw tooComplex(
              `the operations of one request must carry at most ${options.maxTextCharactersPerRequest} characters of text to classify together, but this one brings them to ${request.textCharacters + characters}`,
              { characters: request.textCharacters + characters, maxCharacters: options.maxTextCharactersPerRequest },
            );
          }
          // Reserved now (the request's other operations resolve concurrently), released if this one does not run.
          request.textCharacters += characters;
          reservedCharacters = characters;

          // The anonymous may call no model: authorization refuses them, and they have no budget to spend.
          if (!budgeted) return;
          const byModel = new Map<string, ModelSpending>();
          let total = 0;
          for (const field of fields) {
            if (!mayCall(principal, field)) continue; // refused FORBIDDEN at the field: costs nothing
            const model = modelOf(field);
            const entry = byModel.get(model) ?? { items: 0, cost: 0, fields: [] };
            entry.items += field.items;
            entry.cost += field.cost;
            entry.fields.push(field.responseKey);
            byModel.set(model, entry);
            total += field.cost;
          }
          if (total === 0) return;
          const decision = await options.limiter.consume(key, total, itemsPerMinute);
          observe(decision);
          if (decision.allowed) {
            spending = { key, itemsPerMinute, total, byModel };
            return;
          }
          options.onRateLimited?.(principal);
          throw overBudget(total, decision);
        },

        async executionDidStart() {
          executed = true;
        },

        async willSendResponse({ response, contextValue: { loaders } }) {
          if (!executed) request.textCharacters -= reservedCharacters;
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          let charged = 0;
          try {
            if (spending) {
              const failed = new Set((result?.errors ?? []).map((error) => error.path?.[0]));
              // No data at all: the variables were refused (bad types, a OneOf input breaking its rule) before any field ran.
              const ranFields = executed && result !== null && result.data !== undefined;
              charged = ranFields ? chargeFor(spending, failed, loaders) : 0;
              if (charged < spending.total)
                observe(await options.limiter.refund(spending.key, spending.total - charged, spending.itemsPerMinute));
            } else if (budgeted && !reading) {
              observe(await options.limiter.peek(key, itemsPerMinute));
            }
          } catch (error) {
            options.onStoreError?.(error);
          }
          const current = reading as { state: BudgetState; order: number } | null;
          const cost: OperationCost = current
            ? {
                requested,
                charged,
                limit: current.state.limit,
                remaining: current.state.remaining,
                resetSeconds: current.state.resetSeconds,
              }
            : { requested, charged };
          if (result) result.extensions = { ...result.extensions, cost };
          // A batched request has one set of headers: they show the newest reading of its operations.
          if (current && current.order > request.headerReading) {
            request.headerReading = current.order;
            response.http.headers.set('ratelimit-limit', String(current.state.limit));
            response.http.headers.set('ratelimit-remaining', String(current.state.remaining));
            response.http.headers.set('ratelimit-reset', String(current.state.resetSeconds));
          }
        },
      };
    },
  };
}

// The tally the operations of one batched request share, through the response head they share.
function sharedTally(tallies: WeakMap<HTTPGraphQLHead, RequestTally>, http: HTTPGraphQLHead): RequestTally {
  let tally = tallies.get(http);
  if (!tally) {
    tally = { textCharacters: 0, headerReading: 0 };
    tallies.set(http, tally);
  }
  return tally;
}

// What an executed operation owes. A model whose fields all answered costs in full; one with a failed
// field costs in proportion to the items that reached it (none when the field failed before, e.g.
// MODEL_NOT_FOUND or a bad argument; a part when a full queue refused some).
function chargeFor(spending: Spending, failedFields: ReadonlySet<unknown>, loaders: RequestLoaders | undefined): number {
  let charged = 0;
  for (const [model, { items, cost, fields }] of spending.byModel) {
    if (!fields.some((field) => failedFields.has(field))) {
      charged += cost;
      continue;
    }
    const ran = Math.min(items, loaders?.itemsRun(model) ?? items);
    charged += ran >= items ? cost : Math.ceil((cost * ran) / items);
  }
  return charged;
}

function tooComplex(message: string, details: Record<string, unknown>) {
  return toRequestError(new GatewayError('QUERY_TOO_COMPLEX', message, details));
}

// The shared refusal (src/limits), as a request-ending GraphQL error (with a Retry-After header, from its retryAfter).
function overBudget(items: number, decision: RateDecision & { readonly allowed: false }) {
  return toRequestError(overBudgetError('the operation', items, decision));
}
