/**
 * Glue between the scheduler and an inference backend: stacks a batch of items along the batch
 * dimension, runs it and splits the outputs back into one result per item.
 */
import type { BatchRunContext } from '../scheduler/dynamic-batcher.js';
import { type BatchTensors, type ItemFeeds, type ItemOutputs, splitRows, stackItems } from './tensor.js';

/** What the runner needs of a backend (the pool, or any `InferenceBackend`). */
export interface BatchExecutor {
  run(
    key: string,
    feeds: BatchTensors,
    fetches: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ readonly outputs: BatchTensors; readonly computeMs: number; readonly startedAt?: number }>;
}

/** The trace step of the backend's own computing (`session.run` in a worker thread, for the local pool). */
export const COMPUTE_STEP = 'inference.compute';

export interface BatchRunnerOptions {
  readonly executor: BatchExecutor;
  /** The key the executor knows the loaded model by. */
  readonly key: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Told how long each run computed inside the worker, for metrics. */
  readonly onCompute?: (computeMs: number, size: number) => void;
}

export function createBatchRunner(options: BatchRunnerOptions) {
  const { executor, key, inputNames, outputNames, onCompute } = options;
  return async (items: readonly ItemFeeds[], context: BatchRunContext): Promise<ItemOutputs[]> => {
    const feeds = stackItems(inputNames, items);
    const { outputs, computeMs, startedAt } = await executor.run(key, feeds, outputNames, context.signal);
    onCompute?.(computeMs, items.length);
    if (context.trace && startedAt !== undefined) context.trace.recordStep(COMPUTE_STEP, startedAt, computeMs);
    return splitRows(outputs, items.length);
  };
}
