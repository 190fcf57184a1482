/**
 * Per-operation DataLoaders, one per model version: every item an operation asks of a model within one
 * tick (across aliases and list fields) reaches that model's batcher in one call, where it may also
 * meet other requests' items. Never shared between requests, so no result can leak between callers;
 * never shared between the operations of one batched HTTP request either, so each of them is admitted
 * to a model's queue on its own (three 4,096-item operations are not one 12,288-item call).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import DataLoader from 'dataloader';
import { isGatewayError } from '../errors/gateway-error.js';
import type { ServingModel } from '../models/registry.js';
import type { RequestFacts } from '../observability/request-facts.js';
import type { ItemFeeds, ItemOutputs } from '../runtime/tensor.js';

/** Codes with which a batcher refuses an item before it runs (queue full, stopping, invalid item). */
const REFUSED_BEFORE_RUNNING = new Set(['OVERLOADED', 'SHUTTING_DOWN', 'BAD_USER_INPUT']);

export class RequestLoaders {
  private readonly byModel = new Map<string, DataLoader<ItemFeeds, ItemOutputs>>();
  private readonly runByModel = new Map<string, number>();

  /** `facts`, when given, learns how many items went to which model (for the request's log line). */
  constructor(private readonly facts?: RequestFacts) {}

  /** Infers `items` on `serving`, batched with every other call of this tick; one result per item. */
  async infer(serving: ServingModel, items: readonly ItemFeeds[]): Promise<ItemOutputs[]> {
    this.facts?.addModelItems(serving.key, items.length);
    const results = await this.loaderFor(serving).loadMany(items);
    for (const result of results) if (result instanceof Error) throw result;
    return results as ItemOutputs[];
  }

  /** Items of model `name` (any version) that a batcher admitted and ran, whatever the run's outcome: what the item budget charges. */
  itemsRun(name: string): number {
    return this.runByModel.get(name) ?? 0;
  }

  private loaderFor(serving: ServingModel): DataLoader<ItemFeeds, ItemOutputs> {
    let loader = this.byModel.get(serving.key);
    if (!loader) {
      loader = new DataLoader(this.batchOn(serving), { cache: false });
      this.byModel.set(serving.key, loader);
    }
    return loader;
  }

  // The batch function: hands the tick's items to the model's batcher and reports each outcome.
  private batchOn(serving: ServingModel) {
    return async (items: readonly ItemFeeds[]): Promise<(ItemOutputs | Error)[]> => {
      const settled = await Promise.allSettled(serving.infer(items));
      const ran = settled.filter((outcome) => outcome.status === 'fulfilled' || !refusedBeforeRunning(outcome.reason)).length;
      this.runByModel.set(serving.name, this.itemsRun(serving.name) + ran);
      return settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : asError(outcome.reason)));
    };
  }
}

/**
 * Apollo Server runs the operations of a batched HTTP request with one context (shallow copies of it):
 * this gives each its own loaders, so each is admitted to the model queues, and charged, on its own.
 */
export function usePerOperationLoaders(): ApolloServerPlugin<{ loaders: RequestLoaders; facts?: RequestFacts }> {
  return {
    async requestDidStart({ contextValue, requestIsBatched }) {
      if (requestIsBatched) contextValue.loaders = new RequestLoaders(contextValue.facts);
    },
  };
}

function refusedBeforeRunning(reason: unknown): boolean {
  return isGatewayError(reason) && REFUSED_BEFORE_RUNNING.has(reason.code);
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
