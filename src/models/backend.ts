/**
 * The seam between the model registry and whatever runs the graphs, as in Triton's backend API: load a
 * model version and describe its graph, run a batch (abortable), unload it, report counters, close.
 * The local worker-thread pool (src/runtime/inference-pool.ts) is one implementation; a client of
 * remote inference servers (KServe v2) is meant to be another, without touching the registry.
 * The registry and the lifecycle are handed a backend; they never build one.
 */
import type { BatchTensors } from '../runtime/tensor.js';

/** One input or output of a loaded graph, as the backend reports it. */
export interface TensorMetadata {
  readonly name: string;
  /** Element type name (`float32`, `int64`, ...), or `non-tensor` (maps, sequences). */
  readonly type: string;
  /** Dimensions as the graph declares them: numbers, or names for symbolic dimensions. */
  readonly shape: readonly (number | string)[];
}

export interface GraphDescription {
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
}

/** What to load. `key` is unique per load, so two loads of one version (old and new files) can coexist. */
export interface BackendModel {
  readonly key: string;
  readonly name: string;
  readonly version: number;
  /** The model file (a remote backend may only use name and version). */
  readonly path: string;
}

export interface BackendRun {
  readonly outputs: BatchTensors;
  /** Time the backend spent computing, as it measured it. */
  readonly computeMs: number;
  /** When that computing began, in ms since the epoch, when the backend knows (traces show it as a step of the batch). */
  readonly startedAt?: number;
}

export interface BackendCounters {
  /** Execution slots (worker threads, or connections for a remote backend). */
  readonly workers: number;
  readonly busyWorkers: number;
  readonly queuedBatches: number;
  /** Slots given up after a timeout whose run has not returned yet. */
  readonly retiringWorkers: number;
  /** Slots started to replace a retired or crashed one, since start. */
  readonly replacedWorkers: number;
  /** Loaded model sessions over all live slots (each slot holds one per loaded key). */
  readonly sessions: number;
}

export interface InferenceBackend {
  /** Batches it can run at once: the default of a model's `maxConcurrentBatches`. */
  readonly concurrency: number;
  /** Makes the backend ready to load; rejects when it cannot serve at all (workers fail to start). */
  start(): Promise<void>;
  /** Loads one model version; rejects with an Error saying why it could not (corrupt file, ...). */
  load(model: BackendModel): Promise<GraphDescription>;
  /** Runs one batch of a loaded key; the input buffers may be transferred (unusable afterwards). */
  run(key: string, feeds: BatchTensors, fetches: readonly string[], signal?: AbortSignal): Promise<BackendRun>;
  /** Releases a loaded key; runs of it must have finished. */
  unload(key: string): Promise<void>;
  counters(): BackendCounters;
  /** Lets queued and running batches finish, then releases everything. */
  close(): Promise<void>;
}
