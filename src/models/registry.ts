/**
 * The model registry: loads every model of the repository at start-up (versions loaded in parallel on
 * the inference backend it is handed), cross-checks manifests against the graphs, prepares each task's
 * extra resources, gives every ready version its own dynamic batcher, and resolves name + version for
 * the tasks. A model that fails to load is kept, with its reason, for metadata; it never stops the others.
 */
import type { Task } from './manifest.js';
import { type ModelManifest } from './manifest.js';
import { GatewayError, badInput } from '../errors/gateway-error.js';
import { DynamicBatcher, type BatchScheduler, type BatchStats, type BatcherCounters } from '../scheduler/dynamic-batcher.js';
import { createBatchRunner } from '../runtime/batch-runner.js';
import { elementCount, type ItemFeeds, type ItemOutputs } from '../runtime/tensor.js';
import type { BackendCounters, GraphDescription, InferenceBackend } from './backend.js';
import { loadFailure, scanRepository, MANIFEST_FILE, type LoadFailure, type ScannedModel, type ScannedVersion } from './repository.js';
import { checkAgainstSession } from './session-check.js';
import { join } from 'node:path';

// --- public types --------------------------------------------------------------------------------

export type ModelStatus = 'LOADING' | 'READY' | 'DEGRADED' | 'FAILED';
export type VersionStatus = 'LOADING' | 'READY' | 'FAILED';

/** What a task's preparer gets to build its resources (catalog, vocabulary) for one version. */
export interface PrepareContext {
  readonly name: string;
  readonly version: number;
  readonly manifest: ModelManifest;
  /** Extra files by manifest key, resolved to paths. */
  readonly files: Readonly<Record<string, string>>;
  readonly graph: GraphDescription;
}

/** Builds a task's resources; throws (or rejects with) an Error naming the file and field when they are unusable. */
export type TaskPreparer = (context: PrepareContext) => unknown;
export type TaskPreparers = Partial<Record<Task, TaskPreparer>>;

/** A loaded, ready model version: what the tasks run. */
export interface ServingModel {
  readonly name: string;
  readonly version: number;
  /** `<name>@<version>` */
  readonly key: string;
  readonly manifest: ModelManifest;
  /** Whatever the task's preparer built (catalog, vocabulary), or undefined. */
  readonly resources: unknown;
  /** Enqueues items (each validated first); one promise per item, settled by its batch. */
  infer(items: readonly ItemFeeds[]): Promise<ItemOutputs>[];
  readonly scheduler: BatchScheduler<ItemFeeds, ItemOutputs>;
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
  /** Why the model (or, when DEGRADED, its first failed version) could not load. */
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

export interface ModelRegistryOptions {
  /** The repository folder. */
  readonly root: string;
  /** What loads and runs the models (the local worker pool, in the gateway). */
  readonly backend: InferenceBackend;
  readonly preparers?: TaskPreparers;
  readonly observer?: BatchObserver;
}

export interface ModelCounters extends BatcherCounters {
  readonly queueDepth: number;
  readonly inFlightBatches: number;
}

// --- the registry --------------------------------------------------------------------------------

interface VersionState {
  readonly scanned: ScannedVersion;
  status: VersionStatus;
  error?: LoadFailure;
  graph?: GraphDescription;
  serving?: ServingModel;
}

interface ModelState {
  readonly scanned: ScannedModel;
  readonly versions: Map<number, VersionState>;
}

export class ModelRegistry {
  private readonly models = new Map<string, ModelState>();
  private phase: 'new' | 'loading' | 'ready' | 'closed' = 'new';

  constructor(private readonly options: ModelRegistryOptions) {}

  /** Scans the repository and loads every model; resolves when all are READY or FAILED. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new Error(`start() must be called once, but the registry is ${this.phase}`);
    this.phase = 'loading';
    for (const scanned of scanRepository(this.options.root)) {
      const versions = new Map<number, VersionState>();
      for (const version of scanned.versions) {
        versions.set(version.version, { scanned: version, status: version.failure ? 'FAILED' : 'LOADING', error: version.failure });
      }
      this.models.set(scanned.name, { scanned, versions });
    }

    await this.options.backend.start();
    const loadable = [...this.models.values()].filter((model) => !model.scanned.failure);
    await Promise.all(
      loadable.flatMap((model) => [...model.versions.values()].filter((state) => state.status === 'LOADING').map((state) => this.loadVersion(model, state))),
    );
    this.phase = 'ready';
  }

  /** True once every model is READY or FAILED. */
  get isReady(): boolean {
    return this.phase === 'ready';
  }

  /** Metadata of every model in the repository, by name. */
  list(): ModelInfo[] {
    return [...this.models.keys()].map((name) => this.info(name)!);
  }

  info(name: string): ModelInfo | undefined {
    const model = this.models.get(name);
    if (!model) return undefined;
    const versions: VersionInfo[] = [...model.versions.values()].map((v) => ({ version: v.scanned.version, status: v.status, error: v.error, graph: v.graph }));
    const ready = versions.filter((v) => v.status === 'READY');
    const failed = versions.filter((v) => v.status === 'FAILED');
    const status: ModelStatus = model.scanned.failure
      ? 'FAILED'
      : versions.some((v) => v.status === 'LOADING')
        ? 'LOADING'
        : ready.length === 0
          ? 'FAILED'
          : failed.length > 0
            ? 'DEGRADED'
            : 'READY';
    return {
      name,
      status,
      manifest: model.scanned.manifest,
      error: model.scanned.failure ?? failed[0]?.error,
      versions,
      defaultVersion: ready.length > 0 ? ready[ready.length - 1].version : null,
    };
  }

  /** The serving version for `name` (the default when `version` is omitted), or a typed error. */
  resolve(name: string, version?: number | null): ServingModel {
    const model = this.models.get(name);
    if (!model) {
      if (this.phase !== 'ready') throw new GatewayError('MODEL_UNAVAILABLE', `model "${name}" is not available yet: the models are still loading`, { model: name });
      throw new GatewayError('MODEL_NOT_FOUND', `model "${name}" does not exist; the models query lists the available ones`, { model: name });
    }
    if (model.scanned.failure) {
      throw new GatewayError('MODEL_UNAVAILABLE', `model "${name}" failed to load: ${model.scanned.failure.message}`, { model: name, reason: model.scanned.failure.reason });
    }
    if (version !== undefined && version !== null) {
      if (!Number.isInteger(version) || version < 1) throw badInput('version', 'must be a positive integer', version);
      const state = model.versions.get(version);
      if (!state) {
        const known = [...model.versions.keys()].join(', ');
        throw new GatewayError('MODEL_VERSION_NOT_FOUND', `model "${name}" has no version ${version}; its versions are ${known}`, { model: name, version });
      }
      return this.servingOf(name, state);
    }
    // The default is the highest ready version; this runs on every call, so no metadata is built for it.
    const versions = [...model.versions.values()];
    for (let i = versions.length - 1; i >= 0; i -= 1) {
      const serving = versions[i].serving;
      if (serving) return serving;
    }
    const info = this.info(name)!;
    const why = info.status === 'LOADING' ? 'it is still loading' : `no version loaded: ${info.error?.message ?? 'unknown reason'}`;
    throw new GatewayError('MODEL_UNAVAILABLE', `model "${name}" is not available: ${why}`, { model: name });
  }

  /** The manifest of `name`, when it could be read (authorization asks this on every call). */
  manifestOf(name: string): ModelManifest | undefined {
    return this.models.get(name)?.scanned.manifest;
  }

  /** Batching counters per `<name>@<version>`. */
  counters(): Record<string, ModelCounters> {
    const result: Record<string, ModelCounters> = {};
    for (const model of this.models.values()) {
      for (const state of model.versions.values()) {
        const scheduler = state.serving?.scheduler;
        if (scheduler) result[state.serving!.key] = { ...scheduler.counters(), queueDepth: scheduler.queueDepth, inFlightBatches: scheduler.inFlightBatches };
      }
    }
    return result;
  }

  backendCounters(): BackendCounters {
    return this.options.backend.counters();
  }

  /** Stops taking work; with `drain` (default) finishes what is queued; then stops the workers. */
  async close({ drain = true }: { drain?: boolean } = {}): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    const schedulers = [...this.models.values()].flatMap((model) => [...model.versions.values()].flatMap((v) => (v.serving ? [v.serving.scheduler] : [])));
    await Promise.all(schedulers.map((scheduler) => scheduler.close({ drain })));
    await this.options.backend.close();
  }

  // Loads one version on the backend and turns the outcome into READY (with a batcher) or FAILED (with the reason).
  private async loadVersion(model: ModelState, state: VersionState): Promise<void> {
    const name = model.scanned.name;
    const manifest = model.scanned.manifest!;
    const version = state.scanned.version;
    const fail = (error: LoadFailure) => {
      state.status = 'FAILED';
      state.error = error;
    };
    let graph: GraphDescription;
    try {
      graph = await this.options.backend.load({ key: keyOf(name, version), name, version, path: state.scanned.onnxPath });
    } catch (error) {
      return fail(loadFailure(name, 'ONNX_LOAD_FAILED', state.scanned.onnxPath, `onnxruntime could not load it: ${(error as Error).message}`));
    }
    state.graph = graph;
    const mismatch = checkAgainstSession(manifest, graph);
    if (mismatch) {
      return fail(loadFailure(name, 'MANIFEST_MISMATCH', join(model.scanned.dir, MANIFEST_FILE), `${mismatch.message} (${state.scanned.onnxPath.split(/[\\/]/).slice(-2).join('/')})`, mismatch.field));
    }
    let resources: unknown;
    const preparer = this.options.preparers?.[manifest.task];
    if (preparer) {
      try {
        resources = await preparer({ name, version, manifest, files: state.scanned.files, graph });
      } catch (error) {
        return fail(loadFailure(name, 'EXTRA_FILE_INVALID', model.scanned.dir, (error as Error).message));
      }
    }
    state.status = 'READY';
    state.serving = this.createServing(name, version, manifest, resources);
  }

  private createServing(name: string, version: number, manifest: ModelManifest, resources: unknown): ServingModel {
    const key = keyOf(name, version);
    const ref = { name, version };
    const observer = this.options.observer;
    const batching = manifest.batching;
    const scheduler = new DynamicBatcher<ItemFeeds, ItemOutputs>({
      name: key,
      maxBatchSize: batching.maxBatchSize,
      maxQueueDelayMs: batching.maxQueueDelayMs,
      maxQueueSize: batching.maxQueueSize,
      maxConcurrentBatches: batching.maxConcurrentBatches ?? this.options.backend.concurrency,
      timeoutMs: batching.timeoutMs,
      validateItem: itemValidator(manifest),
      onBatch: observer?.onBatch ? (stats) => observer.onBatch!(ref, stats) : undefined,
      runBatch: createBatchRunner({
        executor: this.options.backend,
        key,
        inputNames: manifest.inputs.map((spec) => spec.name),
        outputNames: manifest.outputs.map((spec) => spec.name),
        onCompute: observer?.onCompute ? (ms, size) => observer.onCompute!(ref, ms, size) : undefined,
      }),
    });
    return { name, version, key, manifest, resources, scheduler, infer: (items) => scheduler.enqueueAll(items) };
  }

  private servingOf(name: string, state: VersionState): ServingModel {
    if (state.serving) return state.serving;
    const why = state.status === 'LOADING' ? 'it is still loading' : `it failed to load: ${state.error?.message ?? 'unknown reason'}`;
    throw new GatewayError('MODEL_UNAVAILABLE', `model "${name}" version ${state.scanned.version} is not available: ${why}`, {
      model: name,
      version: state.scanned.version,
      reason: state.error?.reason,
    });
  }
}

// --- helpers -------------------------------------------------------------------------------------

export function keyOf(name: string, version: number): string {
  return `${name}@${version}`;
}

// Checks every item against the manifest's inputs before it may join a batch; tasks validate user
// input with friendlier paths first, so this guards against items no batch could take.
function itemValidator(manifest: ModelManifest): (item: ItemFeeds, index: number) => void {
  return (item, index) => {
    for (const spec of manifest.inputs) {
      const tensor = item[spec.name];
      const path = `items[${index}].${spec.name}`;
      if (!tensor) throw badInput(path, 'must be present');
      if (tensor.type !== spec.type) throw badInput(path, `must be ${spec.type}`, tensor.type);
      const itemShape = spec.shape.slice(1);
      if (tensor.dims.length !== itemShape.length) throw badInput(path, `must have rank ${itemShape.length}`, tensor.dims.length);
      itemShape.forEach((dim, d) => {
        if (typeof dim === 'number' && tensor.dims[d] !== dim) throw badInput(`${path}.dims[${d}]`, `must be ${dim}`, tensor.dims[d]);
        if (!Number.isInteger(tensor.dims[d]) || tensor.dims[d] < 1) throw badInput(`${path}.dims[${d}]`, 'must be a positive integer', tensor.dims[d]);
      });
      if (tensor.data.length !== elementCount(tensor.dims)) throw badInput(path, `must hold ${elementCount(tensor.dims)} values`, tensor.data.length);
    }
  };
}
