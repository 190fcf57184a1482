/**
 * Per-request DataLoaders, one per model version: every item a query asks of a model within one tick
 * (across aliases and list fields) reaches that model's batcher in one call, where it may also meet
 * other requests' items. Never shared between requests, so no result can leak between callers.
 */
import DataLoader from 'dataloader';
import type { ServingModel } from '../models/registry.js';
import type { RequestFacts } from '../observability/request-facts.js';
import type { ItemFeeds, ItemOutputs } from '../runtime/tensor.js';

/** Turns keys into items (e.g. texts into token tensors, off the main thread); an Error refuses that key alone. */
export type KeyEncoder = (keys: readonly string[]) => Promise<(ItemFeeds | Error)[]>;

export class RequestLoaders {
  private readonly byModel = new Map<string, DataLoader<ItemFeeds, ItemOutputs>>();
  private readonly keyedByModel = new Map<string, DataLoader<string, ItemOutputs>>();

  /** `facts`, when given, learns how many items went to which model (for the request's log line). */
  constructor(private readonly facts?: RequestFacts) {}

  /** Infers `items` on `serving`, batched with every other call of this tick; one result per item. */
  async infer(serving: ServingModel, items: readonly ItemFeeds[]): Promise<ItemOutputs[]> {
    this.facts?.addModelItems(serving.key, items.length);
    const results = await this.loaderFor(serving).loadMany(items);
    for (const result of results) if (result instanceof Error) throw result;
    return results as ItemOutputs[];
  }

  /**
   * Infers one item per key on `serving`, the keys of every call of this tick encoded together by
   * `encode` (the first call's encoder serves the model for the whole request). A key asked again in
   * the same request (sixteen aliases sharing one `texts` variable) is encoded and inferred once.
   * One outcome per key: its outputs, or the Error that refused or failed it.
   */
  inferKeyed(serving: ServingModel, keys: readonly string[], encode: KeyEncoder): Promise<(ItemOutputs | Error)[]> {
    this.facts?.addModelItems(serving.key, keys.length);
    let loader = this.keyedByModel.get(serving.key);
    if (!loader) {
      loader = new DataLoader(encodeThenBatchOn(serving, encode));
      this.keyedByModel.set(serving.key, loader);
    }
    return loader.loadMany(keys);
  }

  private loaderFor(serving: ServingModel): DataLoader<ItemFeeds, ItemOutputs> {
    let loader = this.byModel.get(serving.key);
    if (!loader) {
      loader = new DataLoader(batchOn(serving), { cache: false });
      this.byModel.set(serving.key, loader);
    }
    return loader;
  }
}

// The batch function: hands the tick's items to the model's batcher and reports each outcome.
function batchOn(serving: ServingModel) {
  return async (items: readonly ItemFeeds[]): Promise<(ItemOutputs | Error)[]> => {
    const settled = await Promise.allSettled(serving.infer(items));
    return settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : asError(outcome.reason)));
  };
}

// The keyed batch function: encodes the tick's distinct keys, then infers the ones that encoded.
function encodeThenBatchOn(serving: ServingModel, encode: KeyEncoder) {
  const infer = batchOn(serving);
  return async (keys: readonly string[]): Promise<(ItemOutputs | Error)[]> => {
    const encoded = await encode(keys);
    const items = encoded.filter((item): item is ItemFeeds => !(item instanceof Error));
    const outputs = await infer(items);
    let next = 0;
    return encoded.map((item) => (item instanceof Error ? item : outputs[next++]));
  };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
