/**
 * The model registry: what is serving now, looked up on every call. It holds one immutable entry per
 * model (its manifest, and each version with its status and, when ready, its dynamic batcher), resolves
 * name + version for the tasks, and describes every model for metadata. It is handed the inference
 * backend its batchers run on. Loading, replacing and unloading are the lifecycle's job
 * (./lifecycle.ts), which builds new entries and publishes each at once.
 */

import { badInput, describeValue, echoedDetail, GatewayError, MAX_ECHOED_NAME_CHARACTERS } from '../errors/gateway-error.js';
import { createBatchRunner } from '../runtime/batch-runner.js';
import { elementCount, type ItemFeeds, type ItemOutputs } from '../runtime/tensor.js';
import {
  type BatcherCounters,
  type BatchScheduler,
  type BatchStats,
  type BatchTracer,
  DynamicBatcher,
} from '../scheduler/dynamic-batcher.js';
import type { BackendCounters, GraphDescription, InferenceBackend } from './backend.js';
import type { ModelManifest } from './manifest.js';
import type { LoadFailure } from './repository.js';

// --- public types --------------------------------------------------------------------------------

/** UNLOADED only describes what `unloadModel` just took away. */
export type ModelStatus = 'LOADING' | 'READY' | 'DEGRADED' | 'FAILED' | 'UNLOADED';
export type VersionStatus = 'LOADING' | 'READY' | 'FAILED' | 'UNLOADED';

/** What a task's preparer gets to build its resources (catalog, vocabulary) for one version. */
export interface PrepareContext {
  readonly name: string;
  readonly version: number;
  readonly manifest: ModelManifest;
  /** Extra files by manifest key, resolved to paths. */
  readonly files: Readonly<Record<string, string>>;
  readonly graph: GraphDescription;
}

/** A loaded, ready model version: what the tasks run. */
export interface ServingModel {
  readonly name: string;
  readonly version: number;
  /** `<name>@<version>` */
  readonly key: string;
  readonly manifest: ModelManifest;
  /** Whatever the task's preparer built (catalog, vocabulary), or undefined; the task's definition reads it typed. */
  readonly resources: unknown;
  /** Enqueues items (each validated first); one promise per item, settled by its batch. */
  infer(items: readonly ItemFeeds[]): Promise<ItemOutputs>[];
  readonly scheduler: BatchScheduler<ItemFeeds, ItemOutputs>;
}

/** One version as the registry holds it. Immutable: the lifecycle replaces it whole. */
export interface VersionEntry {
  readonly version: number;
  readonly status: VersionStatus;
  /** Why it FAILED; on a READY version, why the latest change to its files was refused (it still serves the previous ones). */
  readonly error?: LoadFailure;
  readonly graph?: GraphDescription;
  readonly serving?: ServingModel;
}

/** One model as the registry holds it. Immutable: the lifecycle publishes a new one at once. */
export interface ModelEntry {
  readonly name: string;
  /** Absent when the manifest itself could not be read. */
  readonly manifest?: ModelManifest;
  /** Why the model as a whole cannot load; when some version still serves, why the latest change was refused. */
  readonly failure?: LoadFailure;
  readonly versions: ReadonlyMap<number, VersionEntry>;
}

export interface VersionInfo {
  readonly version: number;
  readonly status: VersionStatus;
  readonly error?: LoadFailure;
  readonly graph?: GraphDescription;
}

export interface ModelInfo {
  readonly name: string;
  readonly status: ModelStatus;
  /** Absent when the manifest itself could not be read. */
  readonly manifest?: ModelManifest;
  /** Why the model (or, when DEGRADED, its first failed version or refused change) could not load. */
  readonly error?: LoadFailure;
  /** Every version folder found, ascending. */
  readonly versions: readonly VersionInfo[];
  /** The highest ready version. */
  readonly defaultVersion: number | null;
}

export interface BatchObserver {
  onBatch?(model: { name: string; version: number }, stats: BatchStats): void;
  onCompute?(model: { name: string; version: number }, computeMs: number, size: number): void;
}

/** Gives each model version's batcher its tracer; absent when tracing is off. */
export interface BatchTracing {
  batchTracer(model: { name: string; version: number }): BatchTracer;
}

export interface ModelRegistryOptions {
  /** What loads and runs the models (the local worker pool, in the gateway). */
  readonly backend: InferenceBackend;
  readonly observer?: BatchObserver;
  readonly tracing?: BatchTracing;
}

export interface ModelCounters extends BatcherCounters {
  readonly queueDepth: number;
  readonly inFlightBatches: number;
}

/** What `createServing` needs: a version loaded on the backend under `backendKey`, with its resources built. */
export interface ServingSpec {
  readonly name: string;
  readonly version: number;
  readonly manifest: ModelManifest;
  readonly resources: unknown;
  readonly backendKey: string;
}

// --- the registry --------------------------------------------------------------------------------

export class ModelRegistry {
  readonly backend: InferenceBackend;
  private readonly models = new Map<string, ModelEntry>();
  /** How to stop each serving version, and its key on the backend (kept apart so tasks never see them). */
  private readonly internals = new WeakMap<ServingModel, { readonly stop: () => Promise<void>; readonly backendKey: string }>();
  private phase: 'loading' | 'ready' | 'closed' = 'loading';

  constructor(private readonly options: ModelRegistryOptions) {
    this.backend = options.backend;
  }

  /** True once the models present at start-up are READY or FAILED. */
  get isReady(): boolean {
    return this.phase === 'ready';
  }

  /** Metadata of every model, by name. */
  list(): ModelInfo[] {
    return [...this.models.keys()].sort().flatMap((name) => this.info(name) ?? []);
  }

  info(name: string): ModelInfo | undefined {
    const model = this.models.get(name);
    if (!model) return undefined;
    const versions: VersionInfo[] = [...model.versions.values()].map((v) => ({
      version: v.version,
      status: v.status,
      error: v.error,
      graph: v.graph,
    }));
    const ready = versions.filter((v) => v.status === 'READY');
    const failed = versions.filter((v) => v.status === 'FAILED');
    const refused = ready.find((v) => v.error);
    const status: ModelStatus =
      ready.length === 0 && model.failure
        ? 'FAILED'
        : versions.some((v) => v.status === 'LOADING')
          ? 'LOADING'
          : ready.length === 0
            ? 'FAILED'
            : failed.length > 0 || refused || model.failure
              ? 'DEGRADED'
              : 'READY';
    return {
      name,
      status,
      manifest: model.manifest,
      error: model.failure ?? failed[0]?.error ?? refused?.error,
      versions,
      defaultVersion: ready.length > 0 ? ready[ready.length - 1].version : null,
    };
  }

  /** Whether the repository holds a model called `name` (loaded or not). */
  has(name: string): boolean {
    return this.models.has(name);
  }

  /**
   * The error for a model name the repository does not hold. Authorization answers with it for a model
   * the caller may not call too, so that such a model looks exactly like one that does not exist.
   */
  notFound(name: string): GatewayError {
    if (this.phase === 'loading')
      return new GatewayError('MODEL_UNAVAILABLE', `model ${describeName(name)} is not available yet: the models are still loading`, {
        model: echoedDetail(name, MAX_ECHOED_NAME_CHARACTERS),
      });
    return new GatewayError('MODEL_NOT_FOUND', `model ${describeName(name)} does not exist; the models query lists the available ones`, {
      model: echoedDetail(name, MAX_ECHOED_NAME_CHARACTERS),
    });
  }

  /** The serving version for `name` (the default when `version` is omitted), or a typed error. */
  resolve(name: string, version?: number | null): ServingModel {
    const model = this.models.get(name);
    if (!model) throw this.notFound(name);
    if (model.failure && model.versions.size === 0) {
      throw new GatewayError('MODEL_UNAVAILABLE', `model ${describeName(name)} failed to load: ${model.failure.message}`, {
        model: name,
        reason: model.failure.reason,
      });
    }
    if (version !== undefined && version !== null) {
      if (!Number.isInteger(version) || version < 1) throw badInput('version', 'must be a positive integer', version);
      const state = model.versions.get(version);
      if (!state) {
        const known = [...model.versions.keys()].join(', ') || 'none';
        throw new GatewayError(
          'MODEL_VERSION_NOT_FOUND',
          `model ${describeName(name)} has no version ${version}; its versions are ${known}`,
          { model: name, version },
        );
      }
      return servingOf(name, state);
    }
    // The default is the highest ready version; this runs on every call, so no metadata is built for it.
    const versions = [...model.versions.values()];
    for (let i = versions.length - 1; i >= 0; i -= 1) {
      const serving = versions[i].serving;
      if (serving) return serving;
    }
    const info = this.info(name);
    const why = info?.status === 'LOADING' ? 'it is still loading' : `no version loaded: ${info?.error?.message ?? 'unknown reason'}`;
    throw new GatewayError('MODEL_UNAVAILABLE', `model ${describeName(name)} is not available: ${why}`, { model: name });
  }

  /** The manifest of `name`, when it could be read (authorization asks this on every call). */
  manifestOf(name: string): ModelManifest | undefined {
    return this.models.get(name)?.manifest;
  }

  /** Batching counters per `<name>@<version>` of the serving versions. */
  counters(): Record<string, ModelCounters> {
    const result: Record<string, ModelCounters> = {};
    for (const model of this.models.values()) {
      for (const state of model.versions.values()) {
        const serving = state.serving;
        if (serving)
          result[serving.key] = {
            ...serving.scheduler.counters(),
            queueDepth: serving.scheduler.queueDepth,
            inFlightBatches: serving.scheduler.inFlightBatches,
          };
      }
    }
    return result;
  }

  backendCounters(): BackendCounters {
    return this.backend.counters();
  }

  // --- for the lifecycle -------------------------------------------------------------------------

  entry(name: string): ModelEntry | undefined {
    return this.models.get(name);
  }

  names(): string[] {
    return [...this.models.keys()];
  }

  /** Swaps a model's entry in at once: the next call resolves against it. */
  publish(entry: ModelEntry): void {
    this.models.set(entry.name, entry);
  }

  /** Takes a model away at once: the next call gets MODEL_NOT_FOUND. */
  remove(name: string): void {
    this.models.delete(name);
  }

  /** The models present at start-up are READY or FAILED: unknown names are MODEL_NOT_FOUND from now on. */
  markReady(): void {
    if (this.phase === 'loading') this.phase = 'ready';
  }

  /** A version loaded on the backend → a serving model with its own dynamic batcher. */
  createServing({ name, version, manifest, resources, backendKey }: ServingSpec): ServingModel {
    const ref = { name, version };
    const observer = this.options.observer;
    const batching = manifest.batching;
    const scheduler = new DynamicBatcher<ItemFeeds, ItemOutputs>({
      name: keyOf(name, version),
      maxBatchSize: batching.maxBatchSize,
      maxQueueDelayMs: batching.maxQueueDelayMs,
      maxQueueSize: batching.maxQueueSize,
      maxConcurrentBatches: batching.maxConcurrentBatches ?? this.backend.concurrency,
      timeoutMs: batching.timeoutMs,
      validateItem: itemValidator(manifest),
      onBatch: observer?.onBatch ? (stats) => observer.onBatch?.(ref, stats) : undefined,
      tracer: this.options.tracing?.batchTracer(ref),
      runBatch: createBatchRunner({
        executor: this.backend,
        key: backendKey,
        inputNames: manifest.inputs.map((spec) => spec.name),
        outputNames: manifest.outputs.map((spec) => spec.name),
        onCompute: observer?.onCompute ? (ms, size) => observer.onCompute?.(ref, ms, size) : undefined,
      }),
    });
    let stopped = false;
    const serving: ServingModel = {
      name,
      version,
      key: keyOf(name, version),
      manifest,
      resources,
      scheduler,
      infer: (items) => (stopped ? this.lateArrival(serving, items) : scheduler.enqueueAll(items)),
    };
    const stop = () => {
      stopped = true;
      return scheduler.close({ drain: true });
    };
    this.internals.set(serving, { stop, backendKey });
    return serving;
  }

  /**
   * Retires a version that was swapped out or removed: requests that resolved it before the swap enqueue
   * within the same turn of the event loop, so after one more turn its batcher takes no new work; it
   * drains what it has, and then the backend unloads it (its memory comes back).
   */
  async retire(serving: ServingModel): Promise<void> {
    const internals = this.internals.get(serving);
    if (!internals) return;
    this.internals.delete(serving);
    await new Promise((resolve) => {
      setImmediate(resolve);
    });
    await internals.stop();
    await this.backend.unload(internals.backendKey);
  }

  /** Stops taking work; with `drain` (default) finishes what is queued; then closes the backend. */
  async close({ drain = true }: { drain?: boolean } = {}): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    const schedulers = [...this.models.values()].flatMap((model) =>
      [...model.versions.values()].flatMap((v) => (v.serving ? [v.serving.scheduler] : [])),
    );
    await Promise.all(schedulers.map((scheduler) => scheduler.close({ drain })));
    await this.backend.close();
  }

  // A request that resolved a version before it was swapped out, but reached its batcher only after the
  // drain began (one request's later field): the replacement of the same version takes it when it reads
  // and answers the same tensors; otherwise the caller learns the version went away.
  private lateArrival(stopped: ServingModel, items: readonly ItemFeeds[]): Promise<ItemOutputs>[] {
    const current = this.models.get(stopped.name)?.versions.get(stopped.version)?.serving;
    if (current && current !== stopped && sameInterface(current.manifest, stopped.manifest)) return current.infer(items);
    const error = new GatewayError(
      'MODEL_UNAVAILABLE',
      `model "${stopped.name}" version ${stopped.version} was unloaded while this request was under way; retry`,
      {
        model: stopped.name,
        version: stopped.version,
      },
    );
    return items.map(() => Promise.reject(error));
  }
}

// --- helpers -------------------------------------------------------------------------------------

export function keyOf(name: string, version: number): string {
  return `${name}@${version}`;
}

function servingOf(name: string, state: VersionEntry): ServingModel {
  if (state.serving) return state.serving;
  const why = state.status === 'LOADING' ? 'it is still loading' : `it failed to load: ${state.error?.message ?? 'unknown reason'}`;
  throw new GatewayError('MODEL_UNAVAILABLE', `model ${describeName(name)} version ${state.version} is not available: ${why}`, {
    model: name,
    version: state.version,
    reason: state.error?.reason,
  });
}

// Two manifests that feed and read the graph alike, so an item encoded for one fits the other.
function sameInterface(a: ModelManifest, b: ModelManifest): boolean {
  const shape = (m: ModelManifest) => JSON.stringify([m.task, m.inputs, m.outputs, m.features, m.labels, m.tokenizer]);
  return shape(a) === shape(b);
}

// Checks every item against the manifest's inputs before it may join a batch; tasks validate user
// input with friendlier paths first, so this guards against items no batch could take. It runs once per
// item, so the shapes are read once and error paths are only built for errors.
function itemValidator(manifest: ModelManifest): (item: ItemFeeds, index: number) => void {
  const specs = manifest.inputs.map((spec) => ({ name: spec.name, type: spec.type, itemShape: spec.shape.slice(1) }));
  return (item, index) => {
    for (const { name, type, itemShape } of specs) {
      const tensor = item[name];
      const path = () => `items[${index}].${name}`;
      if (!tensor) throw badInput(path(), 'must be present');
      if (tensor.type !== type) throw badInput(path(), `must be ${type}`, tensor.type);
      if (tensor.dims.length !== itemShape.length) throw badInput(path(), `must have rank ${itemShape.length}`, tensor.dims.length);
      for (let d = 0; d < itemShape.length; d += 1) {
        const dim = itemShape[d];
        if (typeof dim === 'number' && tensor.dims[d] !== dim) throw badInput(`${path()}.dims[${d}]`, `must be ${dim}`, tensor.dims[d]);
        if (!Number.isInteger(tensor.dims[d]) || tensor.dims[d] < 1)
          throw badInput(`${path()}.dims[${d}]`, 'must be a positive integer', tensor.dims[d]);
      }
      if (tensor.data.length !== elementCount(tensor.dims))
        throw badInput(path(), `must hold ${elementCount(tensor.dims)} values`, tensor.data.length);
    }
  };
}

/** A caller's model name in a message: whole when it could be a real one, else described by its length. */
function describeName(name: string): string {
  return describeValue(name, MAX_ECHOED_NAME_CHARACTERS);
}
