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
  // Keyed by call, not by item: a 256-instance predict is one DataLoader key (one promise, one
  // bookkeeping entry), and the batch function flattens the tick's calls into one batcher call.
  private readonly byModel = new Map<string, DataLoader<readonly ItemFeeds[], ItemOutputs[]>>();
  private readonly runByModel = new Map<string, number>();

  /** `facts`, when given, learns how many items went to which model (for the request's log line). */
  constructor(private readonly facts?: RequestFacts) {}

  /** Infers `items` on `serving`, batched with every other call of this tick; one result per item. */
  async infer(serving: ServingModel, items: readonly ItemFeeds[]): Promise<ItemOutputs[]> {
    this.facts?.addModelItems(serving.key, items.length);
    return this.loaderFor(serving).load(items);
  }

  /** Items of model `name` (any version) that a batcher admitted and ran, whatever the run's outcome: what the item budget charges. */
  itemsRun(name: string): number {
    return this.runByModel.get(name) ?? 0;
  }

  private loaderFor(serving: ServingModel): DataLoader<readonly ItemFeeds[], ItemOutputs[]> {
    let loader = this.byModel.get(serving.key);
    if (!loader) {
      loader = new DataLoader(this.batchOn(serving), { cache: false });
      this.byModel.set(serving.key, loader);
    }
    return loader;
  }

  // The batch function: hands the tick's items, all calls together, to the model's batcher; each call
  // gets its own items' outputs, or the first error among them (a bad item fails only its own call).
  private batchOn(serving: ServingModel) {
    return async (calls: readonly (readonly ItemFeeds[])[]): Promise<(ItemOutputs[] | Error)[]> => {
      const settled = await Promise.allSettled(serving.infer(calls.length === 1 ? calls[0] : calls.flat()));
      let ran = 0;
      for (const outcome of settled) if (outcome.status === 'fulfilled' || !refusedBeforeRunning(outcome.reason)) ran += 1;
      this.runByModel.set(serving.name, this.itemsRun(serving.name) + ran);
      let offset = 0;
      return calls.map((call) => {
        const outputs: ItemOutputs[] = new Array(call.length);
        let failure: Error | undefined;
        for (let i = 0; i < call.length; i += 1) {
          const outcome = settled[offset + i];
          if (outcome.status === 'fulfilled') outputs[i] = outcome.value;
          else failure ??= asError(outcome.reason);
        }
        offset += call.length;
        return failure ?? outputs;
      });
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
