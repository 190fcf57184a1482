import type { InferenceSession } from 'onnxruntime-node';

/**
 * ONNX Runtime session options for a small CPU, chosen on purpose:
 * - Parallelism comes from worker threads (one session per model per worker), so each session runs its
 *   operators on the worker's own thread (`intraOpNumThreads: 1` by default) instead of every session
 *   starting a thread pool that competes for the same two cores.
 * - `allow_spinning: 0`: idle intra-op threads sleep instead of spinning, which would steal CPU from the
 *   main thread (HTTP + GraphQL) between batches. Only matters when intraOpThreads > 1.
 * - `graphOptimizationLevel: 'all'`: constant folding, fusions and layout optimisations at load time.
 * - `executionMode: 'sequential'`: our graphs are chains; parallel execution only adds scheduling cost.
 * - Memory arena and memory-pattern planning stay on: batch shapes repeat, so buffers are reused.
 */
export interface SessionSettings {
  /** Threads each session may use for one operator. @default 1 */
  readonly intraOpThreads: number;
}

export function sessionOptions(settings: SessionSettings): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: settings.intraOpThreads,
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    enableMemPattern: true,
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}
