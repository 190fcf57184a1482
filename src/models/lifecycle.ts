/**
 * Model control, as Triton's model lifecycle: scan the repository, diff it against what is serving,
 * load what is new or changed (checked against its manifest, task resources built, warmed up), swap it
 * into the registry at once, drain the batcher of what it replaced, then unload that from the backend.
 * A load that fails leaves what was serving untouched and records why. Every operation (start-up,
 * a poll, loadModel, unloadModel) runs alone, in order, so no two ever diff the same model.
 *
 * Modes (Triton's names): `none` reads the repository at start-up only; `poll` re-scans it every
 * `pollSeconds` and applies a model's changes once its files look the same in two scans running
 * (so a half-copied file is never loaded); `explicit` changes nothing until `loadModel`/`unloadModel`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelControl } from '../config/config.js';
import { badInput, GatewayError } from '../errors/gateway-error.js';
import { allocate, type BatchTensors, elementCount } from '../runtime/tensor.js';
import type { GraphDescription } from './backend.js';
import type { ManifestParser, ModelManifest } from './manifest.js';
import type { ModelEntry, ModelInfo, ModelRegistry, PrepareContext, VersionEntry } from './registry.js';
import {
  fingerprint,
  type LoadFailure,
  loadFailure,
  MANIFEST_FILE,
  MODEL_NAME,
  type ScannedModel,
  type ScannedVersion,
  scanModel,
  scanRepository,
} from './repository.js';
import { checkAgainstSession } from './session-check.js';

// --- public types --------------------------------------------------------------------------------

/** Told of every load attempt and every unload, for metrics. Must not throw. */
export interface LifecycleObserver {
  /** `version` is null when the model as a whole could not load (its manifest). */
  onLoad?(event: { model: string; version: number | null; result: 'ok' | 'failed' }): void;
  onUnload?(event: { model: string; version: number }): void;
}

/** The part of a pino logger the lifecycle writes to: one line per change. */
export interface LifecycleLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What the lifecycle needs of the tasks (src/tasks/registry.ts's MODEL_TASKS), which it knows nothing else of. */
export interface ModelTasks {
  readonly parseManifest: ManifestParser;
  /** Builds a version's task resources (catalog, vocabulary); throws or rejects with an Error naming the file when they are unusable. */
  prepareResources(context: PrepareContext): unknown;
}

export interface ModelLifecycleOptions {
  /** The repository folder. */
  readonly root: string;
  readonly registry: ModelRegistry;
  /** Reads manifests and builds each loaded version's task resources. */
  readonly tasks: ModelTasks;
  /** @default 'none' */
  readonly control?: ModelControl;
  /** Seconds between scans in `poll` mode. @default 5 */
  readonly pollSeconds?: number;
  readonly logger?: LifecycleLogger;
  readonly observer?: LifecycleObserver;
}

// --- the lifecycle -------------------------------------------------------------------------------

/** What was last applied of a model: the fingerprints its registry entry was built from. */
interface Applied {
  readonly model: string;
  readonly versions: ReadonlyMap<number, string>;
}

/** What one model's change did, for the log and the metrics. */
interface Change {
  readonly loaded: number[];
  readonly replaced: number[];
  readonly failed: { version: number; error: LoadFailure; stillServing: boolean }[];
  readonly removed: number[];
}

const SILENT: LifecycleLogger = { info() {}, warn() {}, error() {} };

export class ModelLifecycle {
  readonly control: ModelControl;
  private readonly registry: ModelRegistry;
  private readonly logger: LifecycleLogger;
  private readonly applied = new Map<string, Applied>();
  /** Each model's fingerprint in the previous scan ('absent' when it had no folder). */
  private seen = new Map<string, string>();
  /** Models an admin unloaded: polling leaves them alone until loadModel. */
  private readonly held = new Set<string>();
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private phase: 'new' | 'started' | 'closed' = 'new';

  constructor(private readonly options: ModelLifecycleOptions) {
    this.registry = options.registry;
    this.control = options.control ?? 'none';
    this.logger = options.logger ?? SILENT;
    const pollSeconds = options.pollSeconds ?? 5;
    if (!(pollSeconds > 0)) throw new TypeError(`pollSeconds must be a positive number, but got ${String(pollSeconds)}`);
  }

  /**
   * Loads every model of the repository (versions in parallel) and resolves when each is READY or
   * FAILED; rejects when the repository cannot be read at all or the backend cannot start. Then, in
   * `poll` mode, starts scanning.
   */
  start(): Promise<void> {
    if (this.phase !== 'new') return Promise.reject(new Error(`start() must be called once, but the lifecycle is ${this.phase}`));
    this.phase = 'started';
    return this.serialize(async () => {
      await this.registry.backend.start();
      const scanned = scanRepository(this.options.root, this.options.tasks.parseManifest);
      // Listed at once as LOADING, so readiness shows what is coming. No warm-up here: /readyz holds
      // traffic back until start-up ends anyway, and warming every model would add to start-up time.
      for (const model of scanned) this.registry.publish(placeholder(model));
      await Promise.all(scanned.map((model) => this.apply(model.name, model, { startUp: true })));
      this.seen = new Map(scanned.map((model) => [model.name, fingerprint(model).model]));
      this.registry.markReady();
      if (this.control === 'poll') this.schedulePoll();
    });
  }

  /**
   * One scan of the repository: applies the changes of every model whose files look the same as in the
   * previous scan (and differ from what is serving). Called by the poll timer; tests call it directly.
   */
  poll(): Promise<void> {
    return this.serialize(async () => {
      if (this.phase !== 'started') return;
      let scanned: ScannedModel[];
      try {
        scanned = scanRepository(this.options.root, this.options.tasks.parseManifest);
      } catch (error) {
        // A repository that vanished (an unmounted volume) must not unload every model.
        this.logger.error({ err: error }, `model repository scan failed; nothing changed: ${(error as Error).message}`);
        return;
      }
      const byName = new Map(scanned.map((model) => [model.name, model]));
      const now = new Map(scanned.map((model) => [model.name, fingerprint(model).model]));
      const names = new Set([...byName.keys(), ...this.registry.names(), ...this.applied.keys()]);
      const changes: Promise<void>[] = [];
      for (const name of names) {
        if (this.held.has(name)) continue;
        const current = now.get(name) ?? 'absent';
        const stable = (this.seen.get(name) ?? 'absent') === current;
        const applied = this.applied.get(name)?.model ?? 'absent';
        if (stable && current !== applied) changes.push(this.apply(name, byName.get(name)));
      }
      this.seen = now;
      await Promise.all(changes);
    });
  }

  /** Reads one model's folder now and applies what changed (also loads a model not loaded yet). */
  loadModel(name: string): Promise<ModelInfo> {
    return this.serialize(async () => {
      this.checkControl('loadModel');
      checkName(name);
      const dir = join(this.options.root, name);
      const scanned = existsSync(dir) ? scanModel(this.options.root, name, this.options.tasks.parseManifest) : undefined;
      if (!scanned && !this.registry.entry(name)) {
        throw new GatewayError('MODEL_NOT_FOUND', `model "${name}" has no folder in the model repository`, { model: name });
      }
      this.held.delete(name);
      await this.apply(name, scanned);
      if (scanned) this.seen.set(name, fingerprint(scanned).model);
      else this.seen.delete(name);
      const info = this.registry.info(name);
      if (!info)
        throw new GatewayError('MODEL_NOT_FOUND', `model "${name}" has no folder in the model repository any more, so it was unloaded`, {
          model: name,
        });
      return info;
    });
  }

  /** Takes a model away at once, drains it and unloads it; describes what was unloaded. */
  unloadModel(name: string): Promise<ModelInfo> {
    return this.serialize(async () => {
      this.checkControl('unloadModel');
      checkName(name);
      const info = this.registry.info(name);
      if (!info) throw new GatewayError('MODEL_NOT_FOUND', `model "${name}" is not loaded`, { model: name });
      this.held.add(name);
      await this.apply(name, undefined, { reason: 'unloaded on request' });
      return { ...info, status: 'UNLOADED', defaultVersion: null, versions: info.versions.map((v) => ({ ...v, status: 'UNLOADED' })) };
    });
  }

  /** Stops polling, lets the operation under way finish, then closes the registry (draining it). */
  async close({ drain = true }: { drain?: boolean } = {}): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wasStarted = this.phase === 'started';
    this.phase = 'closed';
    if (wasStarted) await this.queue.catch(() => {});
    await this.registry.close({ drain });
  }

  // --- applying a change -------------------------------------------------------------------------

  // Brings one model in line with its folder (`scanned`; undefined: gone): loads what is new or changed,
  // publishes the new entry at once, then drains and unloads what it replaced or what was removed.
  // At start-up nothing is logged per change (the gateway logs each model once) and nothing is warmed up.
  private async apply(
    name: string,
    scanned: ScannedModel | undefined,
    { startUp = false, reason = 'its folder was removed' } = {},
  ): Promise<void> {
    const old = this.registry.entry(name);
    if (!scanned) {
      this.applied.delete(name);
      if (!old) return;
      this.registry.remove(name);
      const removed = [...old.versions.values()].filter((v) => v.serving).map((v) => v.version);
      if (!startUp) this.logger.info({ model: name, versions: removed, reason }, `model ${name} unloaded: ${reason}`);
      await this.retire(name, [...old.versions.values()]);
      return;
    }
    const print = fingerprint(scanned);
    if (!scanned.manifest) {
      // The manifest cannot be read: keep serving what serves (a half-written model.json must not unload a model).
      this.applied.set(name, { model: print.model, versions: new Map() });
      this.observe({ model: name, version: null, result: 'failed' });
      const serving = old && [...old.versions.values()].some((v) => v.serving);
      this.registry.publish(serving ? { ...old, failure: scanned.failure } : { name, failure: scanned.failure, versions: new Map() });
      if (!startUp)
        this.logger.error(
          { model: name, reason: scanned.failure!.reason, error: scanned.failure!.message, stillServing: Boolean(serving) },
          `model ${name} failed to load: ${scanned.failure!.message}`,
        );
      return;
    }

    const previous = this.applied.get(name);
    const oldVersions = old?.versions ?? new Map<number, VersionEntry>();
    const toLoad = scanned.versions.filter(
      (v) =>
        !oldVersions.get(v.version) ||
        oldVersions.get(v.version)!.status === 'LOADING' ||
        previous?.versions.get(v.version) !== print.versions.get(v.version),
    );
    const results = new Map(
      await Promise.all(toLoad.map(async (v) => [v.version, await this.loadVersion(name, scanned, v, { warm: !startUp })] as const)),
    );

    const change: Change = { loaded: [], replaced: [], failed: [], removed: [] };
    const retiring: VersionEntry[] = [];
    const versions = new Map<number, VersionEntry>();
    for (const scannedVersion of scanned.versions) {
      const version = scannedVersion.version;
      const before = oldVersions.get(version);
      const after = results.get(version);
      if (!after) {
        versions.set(version, before!);
      } else if (after.serving) {
        versions.set(version, after);
        if (before?.serving) {
          change.replaced.push(version);
          retiring.push(before);
        } else change.loaded.push(version);
      } else if (before?.serving) {
        // The new files failed: the version keeps serving the old ones, and says why the change was refused.
        versions.set(version, { ...before, error: after.error });
        change.failed.push({ version, error: after.error!, stillServing: true });
      } else {
        versions.set(version, after);
        change.failed.push({ version, error: after.error!, stillServing: false });
      }
    }
    for (const [version, before] of oldVersions) {
      if (versions.has(version)) continue;
      if (before.serving) change.removed.push(version);
      retiring.push(before);
    }

    // A changed manifest takes over once a version serves under it (or when nothing serves at all).
    const servesNew = [...versions.values()].some((v) => v.serving && results.get(v.version) === v);
    const servesAny = [...versions.values()].some((v) => v.serving);
    const manifest = servesNew || !servesAny || !old?.manifest ? scanned.manifest : old.manifest;
    this.registry.publish({ name, manifest, failure: scanned.failure, versions: new Map([...versions].sort(([a], [b]) => a - b)) });
    this.applied.set(name, { model: print.model, versions: print.versions });
    if (!startUp) this.log(name, change);
    await this.retire(name, retiring);
  }

  // Loads one version: backend load, manifest check, task resources, warm-up. Never throws: a failure
  // comes back as a FAILED entry with its reason, and the backend holds nothing of it.
  private async loadVersion(
    name: string,
    model: ScannedModel,
    scanned: ScannedVersion,
    { warm }: { warm: boolean },
  ): Promise<VersionEntry> {
    const { version } = scanned;
    const manifest = model.manifest!;
    const failed = (error: LoadFailure, graph?: GraphDescription): VersionEntry => {
      this.observe({ model: name, version, result: 'failed' });
      return { version, status: 'FAILED', error, graph };
    };
    if (scanned.failure) return failed(scanned.failure);
    const backend = this.registry.backend;
    this.generation += 1;
    const backendKey = `${name}@${version}#${this.generation}`;
    let graph: GraphDescription;
    try {
      graph = await backend.load({ key: backendKey, name, version, path: scanned.onnxPath });
    } catch (error) {
      return failed(loadFailure(name, 'ONNX_LOAD_FAILED', scanned.onnxPath, `onnxruntime could not load it: ${(error as Error).message}`));
    }
    const failure = await this.prepare(name, model, scanned, graph, warm ? backendKey : null);
    if (failure.error) {
      await backend.unload(backendKey);
      return failed(failure.error, graph);
    }
    this.observe({ model: name, version, result: 'ok' });
    const serving = this.registry.createServing({ name, version, manifest, resources: failure.resources, backendKey });
    return { version, status: 'READY', graph, serving };
  }

  // Checks the graph against the manifest exactly as at start-up, builds the task's resources and warms
  // the version up (when given the key to run); the first problem is its load failure.
  private async prepare(
    name: string,
    model: ScannedModel,
    scanned: ScannedVersion,
    graph: GraphDescription,
    warmKey: string | null,
  ): Promise<{ error?: LoadFailure; resources?: unknown }> {
    const manifest = model.manifest!;
    const mismatch = checkAgainstSession(manifest, graph);
    if (mismatch) {
      const onnx = scanned.onnxPath.split(/[\\/]/).slice(-2).join('/');
      return {
        error: loadFailure(name, 'MANIFEST_MISMATCH', join(model.dir, MANIFEST_FILE), `${mismatch.message} (${onnx})`, mismatch.field),
      };
    }
    let resources: unknown;
    try {
      resources = await this.options.tasks.prepareResources({ name, version: scanned.version, manifest, files: scanned.files, graph });
    } catch (error) {
      return { error: loadFailure(name, 'EXTRA_FILE_INVALID', model.dir, (error as Error).message) };
    }
    if (warmKey === null) return { resources };
    for (const size of warmupSizes(manifest)) {
      try {
        await this.registry.backend.run(
          warmKey,
          zeroBatch(manifest, size),
          manifest.outputs.map((spec) => spec.name),
          AbortSignal.timeout(manifest.batching.timeoutMs),
        );
      } catch (error) {
        const why =
          error instanceof Error && error.name === 'TimeoutError'
            ? `did not finish within timeoutMs (${manifest.batching.timeoutMs} ms)`
            : `failed: ${errorMessage(error)}`;
        return { error: loadFailure(name, 'WARMUP_FAILED', scanned.onnxPath, `the warm-up run at batch ${size} ${why}`) };
      }
    }
    return { resources };
  }

  // Drains each swapped-out or removed serving version, then unloads it from the backend.
  private async retire(name: string, entries: readonly VersionEntry[]): Promise<void> {
    const serving = entries.flatMap((entry) => (entry.serving ? [entry.serving] : []));
    await Promise.all(
      serving.map(async (model) => {
        await this.registry.retire(model);
        try {
          this.options.observer?.onUnload?.({ model: name, version: model.version });
        } catch {
          // metrics are best effort
        }
      }),
    );
  }

  // --- helpers -----------------------------------------------------------------------------------

  // One line per change of a model: what loaded, what replaced what, what failed, what went.
  private log(name: string, change: Change): void {
    const parts = [
      change.loaded.length > 0 ? `loaded version ${change.loaded.join(', ')}` : '',
      change.replaced.length > 0 ? `replaced version ${change.replaced.join(', ')}` : '',
      change.removed.length > 0 ? `unloaded version ${change.removed.join(', ')}` : '',
      ...change.failed.map(
        (f) => `version ${f.version} failed to load${f.stillServing ? ' (its previous files still serve)' : ''}: ${f.error.message}`,
      ),
    ].filter(Boolean);
    if (parts.length === 0) return;
    const fields = {
      model: name,
      loaded: change.loaded,
      replaced: change.replaced,
      unloaded: change.removed,
      failed: change.failed.map((f) => ({ version: f.version, reason: f.error.reason, error: f.error.message })),
    };
    const message = `model ${name}: ${parts.join('; ')}`;
    if (change.failed.length > 0) this.logger.error(fields, message);
    else this.logger.info(fields, message);
  }

  private observe(event: { model: string; version: number | null; result: 'ok' | 'failed' }): void {
    try {
      this.options.observer?.onLoad?.(event);
    } catch {
      // metrics are best effort
    }
  }

  private checkControl(mutation: string): void {
    if (this.control === 'none') {
      throw new GatewayError(
        'MODEL_CONTROL_DISABLED',
        `${mutation} must run with MODEL_CONTROL=poll or explicit, but the gateway runs with MODEL_CONTROL=none`,
      );
    }
    if (this.phase !== 'started')
      throw new GatewayError('MODEL_UNAVAILABLE', `${mutation} must wait until the models present at start-up have loaded`);
  }

  private schedulePoll(): void {
    const seconds = this.options.pollSeconds ?? 5;
    this.timer = setTimeout(() => {
      this.poll()
        .catch((error: unknown) => this.logger.error({ err: error }, `model repository poll failed: ${errorMessage(error)}`))
        .finally(() => {
          if (this.phase === 'started') this.schedulePoll();
        });
    }, seconds * 1000);
    this.timer.unref();
  }

  // Runs operations one at a time, in the order asked; a failed one does not stop the next.
  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => {});
    return run;
  }
}

// --- helpers -------------------------------------------------------------------------------------

function placeholder(model: ScannedModel): ModelEntry {
  const versions = new Map<number, VersionEntry>(
    model.versions.map((v) => [
      v.version,
      v.failure ? { version: v.version, status: 'FAILED', error: v.failure } : { version: v.version, status: 'LOADING' },
    ]),
  );
  return { name: model.name, manifest: model.manifest, failure: model.failure, versions };
}

function checkName(name: string): void {
  if (!MODEL_NAME.test(name))
    throw badInput('name', 'must be a model folder name (1-64 letters, digits, ".", "_" or "-", starting with a letter or digit)', name);
}

/** The manifest's warm-up sizes, else one run at batch 1 and one at maxBatchSize. */
export function warmupSizes(manifest: ModelManifest): number[] {
  return manifest.warmup?.batchSizes ?? [...new Set([1, manifest.batching.maxBatchSize])];
}

// Zeros in every input, dynamic dimensions other than the batch set to 1: any graph the manifest
// describes can run it (zero weights, masks and ids are padding for the bundled tasks).
function zeroBatch(manifest: ModelManifest, size: number): BatchTensors {
  const feeds: BatchTensors = {};
  for (const spec of manifest.inputs) {
    const dims = [size, ...spec.shape.slice(1).map((d) => (typeof d === 'number' ? d : 1))];
    feeds[spec.name] = { type: spec.type, dims, data: allocate(spec.type, elementCount(dims)) };
  }
  return feeds;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
