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

/** Turns keys into items (e.g. texts into token tensors, off the main thread); an Error refuses that key alone. */
export type KeyEncoder = (keys: readonly string[]) => Promise<(ItemFeeds | Error)[]>;

export class RequestLoaders {
  // Keyed by call, not by item: a 256-instance predict is one DataLoader key (one promise, one
  // bookkeeping entry), and the batch function flattens the tick's calls into one batcher call.
  private readonly byModel = new Map<string, DataLoader<readonly ItemFeeds[], ItemOutputs[]>>();
  private readonly keyedByModel = new Map<string, DataLoader<string, ItemOutputs>>();
  private readonly runByModel = new Map<string, number>();

  /** `facts`, when given, learns how many items went to which model (for the request's log line). */
  constructor(private readonly facts?: RequestFacts) {}

  /** Infers `items` on `serving`, batched with every other call of this tick; one result per item. */
  async infer(serving: ServingModel, items: readonly ItemFeeds[]): Promise<ItemOutputs[]> {
    this.facts?.addModelItems(serving.key, items.length);
    let loader = this.byModel.get(serving.key);
    if (!loader) {
      loader = new DataLoader(this.callsOn(serving), { cache: false });
      this.byModel.set(serving.key, loader);
    }
    return loader.load(items);
  }

  /**
   * Infers one item per key on `serving`, the keys of every call of this tick encoded together by
   * `encode` (the first call's encoder serves the model for the whole operation). A key asked again in
   * the same operation (sixteen aliases sharing one `texts` variable) is encoded and inferred once.
   * One outcome per key: its outputs, or the Error that refused or failed it.
   */
  inferKeyed(serving: ServingModel, keys: readonly string[], encode: KeyEncoder): Promise<(ItemOutputs | Error)[]> {
    this.facts?.addModelItems(serving.key, keys.length);
    let loader = this.keyedByModel.get(serving.key);
    if (!loader) {
      loader = new DataLoader(this.keysOn(serving, encode));
      this.keyedByModel.set(serving.key, loader);
    }
    return loader.loadMany(keys);
  }

  /** Items of model `name` (any version) that a batcher admitted and ran, whatever the run's outcome: what the item budget charges. */
  itemsRun(name: string): number {
    return this.runByModel.get(name) ?? 0;
  }

  // Hands items to the model's batcher in one call and reports each item's outcome; counts what ran.
  private async inferItems(serving: ServingModel, items: readonly ItemFeeds[]): Promise<(ItemOutputs | Error)[]> {
    const settled = await Promise.allSettled(serving.infer(items));
    let ran = 0;
    for (const outcome of settled) if (outcome.status === 'fulfilled' || !refusedBeforeRunning(outcome.reason)) ran += 1;
    this.runByModel.set(serving.name, this.itemsRun(serving.name) + ran);
    return settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : asError(outcome.reason)));
  }

  // The call-keyed batch function: the tick's calls flattened into one batcher call; each call gets its
  // own items' outputs, or the first error among them (a bad item fails only its own call).
  private callsOn(serving: ServingModel) {
    return async (calls: readonly (readonly ItemFeeds[])[]): Promise<(ItemOutputs[] | Error)[]> => {
      const outcomes = await this.inferItems(serving, calls.length === 1 ? calls[0] : calls.flat());
      let offset = 0;
      return calls.map((call) => {
        const outputs: ItemOutputs[] = new Array(call.length);
        let failure: Error | undefined;
        for (let i = 0; i < call.length; i += 1) {
          const outcome = outcomes[offset + i];
          if (outcome instanceof Error) failure ??= outcome;
          else outputs[i] = outcome;
        }
        offset += call.length;
        return failure ?? outputs;
      });
    };
  }

  // The keyed batch function: encodes the tick's distinct keys, then infers the ones that encoded.
  private keysOn(serving: ServingModel, encode: KeyEncoder) {
    return async (keys: readonly string[]): Promise<(ItemOutputs | Error)[]> => {
      const encoded = await encode(keys);
      const items = encoded.filter((item): item is ItemFeeds => !(item instanceof Error));
      const outputs = await this.inferItems(serving, items);
      let next = 0;
      return encoded.map((item) => (item instanceof Error ? item : outputs[next++]));
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
