/**
 * Glue between the scheduler and the pool: stacks a batch of items along the batch dimension, runs it
 * on a worker and splits the outputs back into one result per item.
 */
import type { BatchRunContext } from '../scheduler/dynamic-batcher.js';
import type { InferencePool } from './inference-pool.js';
import { splitRows, stackItems, type ItemFeeds, type ItemOutputs } from './tensor.js';

export interface BatchRunnerOptions {
  readonly pool: InferencePool;
  /** `<name>@<version>`, as the pool knows the model. */
  readonly key: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Told how long each run computed inside the worker, for metrics. */
  readonly onCompute?: (computeMs: number, size: number) => void;
}

export function createBatchRunner(options: BatchRunnerOptions) {
  const { pool, key, inputNames, outputNames, onCompute } = options;
  return async (items: readonly ItemFeeds[], context: BatchRunContext): Promise<ItemOutputs[]> => {
    const feeds = stackItems(inputNames, items);
    const { outputs, computeMs } = await pool.run(key, feeds, outputNames, context.signal);
    onCompute?.(computeMs, items.length);
    return splitRows(outputs, items.length);
  };
}
