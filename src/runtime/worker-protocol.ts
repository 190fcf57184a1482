/** Messages between the main thread and the inference workers. Tensors travel as transferred buffers. */

import type { SessionSettings } from './session-options.js';
import type { ElementType, TypedArray } from './tensor.js';

export interface WorkerModel {
  /** Unique key, `<name>@<version>`. */
  readonly key: string;
  /** Absolute path of the ONNX file. */
  readonly path: string;
}

/** `workerData` of every worker: what to load before taking work. */
export interface WorkerInit {
  readonly models: readonly WorkerModel[];
  readonly session: SessionSettings;
}

export interface WireTensor {
  readonly type: ElementType;
  readonly dims: readonly number[];
  readonly data: TypedArray;
}

export interface TensorMetadata {
  readonly name: string;
  /** onnxruntime's element type name (`float32`, `int64`, ...), or `non-tensor` (maps, sequences). */
  readonly type: string;
  /** Dimensions as the graph declares them: numbers, or names for symbolic dimensions. */
  readonly shape: readonly (number | string)[];
}

export type ModelDescription =
  | { readonly ok: true; readonly inputs: readonly TensorMetadata[]; readonly outputs: readonly TensorMetadata[] }
  | { readonly ok: false; readonly error: string };

export interface RunTask {
  readonly key: string;
  readonly feeds: Readonly<Record<string, WireTensor>>;
  /** Output names to fetch. */
  readonly fetches: readonly string[];
}

export interface RunResult {
  readonly outputs: Record<string, WireTensor>;
  /** Time inside `session.run`, measured in the worker. */
  readonly computeMs: number;
  /** When `session.run` began, in ms since the epoch (the worker's clock), for the batch's trace. */
  readonly startedAt: number;
}

export type DescribeResult = Record<string, ModelDescription>;

/**
 * Main thread → worker. `load` creates a session at run time (a worker starts with `WorkerInit.models`);
 * `unload` releases one (`session.release()`), after its runs in this worker have finished.
 */
export type ToWorker =
  | { readonly kind: 'run'; readonly id: number; readonly task: RunTask }
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'load'; readonly id: number; readonly model: WorkerModel }
  | { readonly kind: 'unload'; readonly id: number; readonly key: string };

/** Worker → main thread. */
export type FromWorker =
  | { readonly kind: 'ready'; readonly description: DescribeResult }
  | { readonly kind: 'result'; readonly id: number; readonly result: RunResult }
  | { readonly kind: 'error'; readonly id: number; readonly message: string }
  /** Reply to `load`; `sessions` is how many sessions the worker holds afterwards. */
  | { readonly kind: 'loaded'; readonly id: number; readonly description: ModelDescription; readonly sessions: number }
  | { readonly kind: 'unloaded'; readonly id: number; readonly sessions: number };
