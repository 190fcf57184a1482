/**
 * The seam between the model registry and whatever runs the graphs, as in Triton's backend API: load a
 * model version and describe its graph, run a batch (abortable), unload it, report counters, close.
 * The local worker-thread pool (src/runtime/inference-pool.ts) is one implementation; the client of
 * remote inference servers speaking KServe v2 (src/backends/kserve-v2/) is another.
 * The registry and the lifecycle are handed a default backend and a chooser that picks another for a
 * model whose manifest names one; they never build a backend, nor know what a remote one needs.
 */
import type { ModelLoadFailure } from '../errors/catalogue.js';
import type { BatchTensors } from '../runtime/tensor.js';
import type { ModelManifest } from './manifest.js';

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
  /** What the description was read from, for messages (default: `model.onnx`). */
  readonly source?: string;
}

/** What to load. `key` is unique per load, so two loads of one version (old and new files) can coexist. */
export interface BackendModel {
  readonly key: string;
  readonly name: string;
  readonly version: number;
  /** The model file (model.onnx; model.json for a model whose manifest names a remote backend). */
  readonly path: string;
  /** The manifest it loads under: a remote backend reads where the model runs from it, and its batching limits. */
  readonly manifest: ModelManifest;
}

/**
 * A load refused for a reason the backend can name (a remote's metadata request failed, a header names
 * an unset variable): the lifecycle reports it with this reason and field instead of ONNX_LOAD_FAILED.
 */
export class BackendLoadError extends Error {
  override readonly name = 'BackendLoadError';
  constructor(
    readonly reason: ModelLoadFailure,
    message: string,
    /** The manifest field at fault, as a dotted path, when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
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
  /**
   * Why runs of a loaded key fail at once now (a remote's circuit breaker is open), or undefined while
   * it is expected to serve. `/readyz` reports the model degraded with it.
   */
  condition?(key: string): string | undefined;
  /** Lets queued and running batches finish, then releases everything. */
  close(): Promise<void>;
}

/** Picks the backend of a model whose manifest names one; built by the composition root, which knows every kind. */
export interface BackendChooser {
  /** The backend for `manifest.backend`, or undefined when this gateway has none of that kind. */
  choose(manifest: ModelManifest): InferenceBackend | undefined;
  /** Every backend it may pick: the registry starts and closes them with its default one. */
  readonly backends: readonly InferenceBackend[];
}
