import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearManifest, TempRepository } from '../../test/support/temp-repository.js';
import { linearModel, slowModel } from '../../test/support/tiny-models.js';
import { InferencePool } from '../runtime/inference-pool.js';
import { MODEL_TASKS } from '../tasks/registry.js';
import { type LifecycleObserver, ModelLifecycle } from './lifecycle.js';
import { ModelRegistry } from './registry.js';

const row = (a: number, b: number) => ({ x: { type: 'float32' as const, dims: [2], data: new Float32Array([a, b]) } });

/** The lifecycle driven scan by scan (poll() called directly, no timer), over a real worker pool. */
describe('ModelLifecycle in poll mode', () => {
  const repo = new TempRepository();
  const loads: { model: string; version: number | null; result: string }[] = [];
  const unloads: { model: string; version: number }[] = [];
  const observer: LifecycleObserver = { onLoad: (event) => loads.push(event), onUnload: (event) => unloads.push(event) };
  let registry: ModelRegistry;
  let lifecycle: ModelLifecycle;

  const onePoll = () => lifecycle.poll();
  const twoPolls = async () => {
    await lifecycle.poll();
    await lifecycle.poll();
  };
  const outputOf = async (name: string, version?: number) =>
    Array.from((await registry.resolve(name, version).infer([row(1, 1)])[0]).y.data as Float32Array);
  const liveVersions = () => registry.list().reduce((sum, info) => sum + info.versions.filter((v) => v.status === 'READY').length, 0);

  beforeAll(async () => {
    repo
      .manifest('lin', linearManifest())
      .version('lin', 1, linearModel())
      .manifest('other', linearManifest())
      .version('other', 1, linearModel());
    registry = new ModelRegistry({ backend: new InferencePool({ workers: 1 }) });
    // A long interval: the timer never fires during the test; each scan is called by hand.
    lifecycle = new ModelLifecycle({ root: repo.root, registry, tasks: MODEL_TASKS, control: 'poll', pollSeconds: 3600, observer });
    await lifecycle.start();
  });
  afterAll(() => lifecycle.close());

  it('loads a new version folder once it looks the same in two scans, and makes it the default', async () => {
    repo.version('lin', 2, linearModel(2));
    await onePoll();
    expect(registry.info('lin')!.defaultVersion).toBe(1);
    await onePoll();
    expect(registry.info('lin')!.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'READY'],
      [2, 'READY'],
    ]);
    expect(await outputOf('lin')).toEqual([10, 14, 18]);
    expect(await outputOf('lin', 1)).toEqual([5, 7, 9]);
    expect(loads).toContainEqual({ model: 'lin', version: 2, result: 'ok' });
  });

  it('does not load a half-copied file: it waits until size and mtime stop changing', async () => {
    const bytes = linearModel(3);
    const path = join(repo.root, 'lin', '3', 'model.onnx');
    mkdirSync(join(repo.root, 'lin', '3'));
    writeFileSync(path, bytes.subarray(0, 40));
    await onePoll(); // first seen
    appendFileSync(path, bytes.subarray(40, 80));
    await onePoll(); // changed since the last scan: not stable
    appendFileSync(path, bytes.subarray(80));
    await onePoll(); // changed again
    expect(registry.info('lin')!.versions.map((v) => v.version)).toEqual([1, 2]);
    await onePoll(); // stable across two scans: loaded
    expect(registry.info('lin')!.defaultVersion).toBe(3);
    expect(await outputOf('lin')).toEqual([15, 21, 27]);
    expect(loads.filter((load) => load.version === 3)).toEqual([{ model: 'lin', version: 3, result: 'ok' }]);
  });

  it('shows a corrupt new version as FAILED naming the file, and keeps the default serving', async () => {
    repo.version('lin', 4, 'not an onnx file');
    await twoPolls();
    const info = registry.info('lin')!;
    expect(info.status).toBe('DEGRADED');
    expect(info.defaultVersion).toBe(3);
    const v4 = info.versions.find((v) => v.version === 4)!;
    expect(v4.status).toBe('FAILED');
    expect(v4.error).toMatchObject({ reason: 'ONNX_LOAD_FAILED' });
    expect(v4.error!.message).toMatch(/^model "lin": .*lin\/4\/model\.onnx: onnxruntime could not load it/);
    expect(await outputOf('lin')).toEqual([15, 21, 27]);
    expect(loads).toContainEqual({ model: 'lin', version: 4, result: 'failed' });
    // unchanged, it is not retried on every scan
    const attempts = loads.length;
    await twoPolls();
    expect(loads.length).toBe(attempts);
  });

  it('replaces a version whose model.onnx is replaced (rename), and releases the old session', async () => {
    rmSync(join(repo.root, 'lin', '4'), { recursive: true });
    await twoPolls();
    const path = join(repo.root, 'lin', '2', 'model.onnx');
    writeFileSync(`${path}.tmp`, linearModel(20));
    renameSync(`${path}.tmp`, path);
    await twoPolls();
    expect(await outputOf('lin', 2)).toEqual([100, 140, 180]);
    expect(unloads).toContainEqual({ model: 'lin', version: 2 });
    // one session per live version in the one worker: the replaced one is gone
    expect(registry.backendCounters().sessions).toBe(liveVersions());
  });

  it('keeps serving a version whose replacement fails to load, and says why', async () => {
    writeFileSync(join(repo.root, 'lin', '2', 'model.onnx'), 'garbage');
    await twoPolls();
    const v2 = registry.info('lin')!.versions.find((v) => v.version === 2)!;
    expect(v2.status).toBe('READY');
    expect(v2.error).toMatchObject({ reason: 'ONNX_LOAD_FAILED' });
    expect(await outputOf('lin', 2)).toEqual([100, 140, 180]);
    expect(registry.info('lin')!.status).toBe('DEGRADED');
    // fixed files load, and the refusal is gone
    writeFileSync(join(repo.root, 'lin', '2', 'model.onnx'), linearModel(2));
    await twoPolls();
    expect(registry.info('lin')!.versions.find((v) => v.version === 2)).toMatchObject({ status: 'READY', error: undefined });
    expect(await outputOf('lin', 2)).toEqual([10, 14, 18]);
    expect(registry.info('lin')!.status).toBe('READY');
  });

  it('finishes items admitted before a swap on the version they started with', async () => {
    const width = 256;
    repo.manifest('slow', {
      task: 'tensor-regression',
      description: 'slow',
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', width] }],
      outputs: [{ name: 'y' }],
    });
    repo.version('slow', 1, slowModel(width, 12));
    await twoPolls();
    const old = registry.resolve('slow', 1);
    const items = Array.from({ length: 64 }, () => ({
      x: { type: 'float32' as const, dims: [width], data: new Float32Array(width).fill(0.5) },
    }));
    const admitted = old.infer(items);
    writeFileSync(join(repo.root, 'slow', '1', 'model.onnx'), slowModel(width, 11));
    await twoPolls();
    const results = await Promise.all(admitted);
    expect(results).toHaveLength(64);
    expect(old.scheduler.counters().items, 'the admitted items ran on the old version').toBe(64);
    expect(registry.resolve('slow', 1)).not.toBe(old);
    // a late arrival on the swapped-out version goes to its replacement
    const [late] = old.infer([items[0]]);
    expect((await late).y.dims).toEqual([width]);
    expect(registry.backendCounters().sessions).toBe(liveVersions());
  });

  it('keeps serving when model.json becomes unreadable, and shows the reason', async () => {
    repo.manifest('other', '{ "task": ');
    await twoPolls();
    const info = registry.info('other')!;
    expect(info).toMatchObject({ status: 'DEGRADED', defaultVersion: 1, error: { reason: 'MANIFEST_INVALID_JSON' } });
    expect(await outputOf('other')).toEqual([5, 7, 9]);
    repo.manifest('other', linearManifest());
    await twoPolls();
    expect(registry.info('other')!.status).toBe('READY');
  });

  it('unloads a removed version and a removed model', async () => {
    rmSync(join(repo.root, 'lin', '1'), { recursive: true });
    await twoPolls();
    expect(() => registry.resolve('lin', 1)).toThrow(expect.objectContaining({ code: 'MODEL_VERSION_NOT_FOUND' }));
    rmSync(join(repo.root, 'other'), { recursive: true });
    await twoPolls();
    expect(() => registry.resolve('other')).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
    expect(await outputOf('lin')).toEqual([15, 21, 27]);
    expect(unloads).toContainEqual({ model: 'other', version: 1 });
    expect(registry.backendCounters().sessions).toBe(liveVersions());
  });

  it('refuses a version whose warm-up run fails, and leaves the others serving', async () => {
    repo.manifest('tight', {
      task: 'tensor-regression',
      description: 'cannot run a full batch within its timeout',
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 512] }],
      outputs: [{ name: 'y' }],
      batching: { maxBatchSize: 512, timeoutMs: 1 },
    });
    repo.version('tight', 1, slowModel(512, 12));
    await twoPolls();
    const info = registry.info('tight')!;
    expect(info.status).toBe('FAILED');
    expect(info.error).toMatchObject({ reason: 'WARMUP_FAILED' });
    expect(info.error!.message).toMatch(/tight\/1\/model\.onnx: the warm-up run at batch (1|512) did not finish within timeoutMs \(1 ms\)/);
    expect(await outputOf('lin')).toEqual([15, 21, 27]);
  });
});

describe('ModelLifecycle in explicit and none modes', () => {
  const repo = new TempRepository();
  let registry: ModelRegistry;
  let lifecycle: ModelLifecycle;

  beforeAll(async () => {
    repo.manifest('lin', linearManifest()).version('lin', 1, linearModel());
    registry = new ModelRegistry({ backend: new InferencePool({ workers: 1 }) });
    lifecycle = new ModelLifecycle({ root: repo.root, registry, tasks: MODEL_TASKS, control: 'explicit' });
    await lifecycle.start();
  });
  afterAll(() => lifecycle.close());

  it('changes nothing until loadModel, which applies at once', async () => {
    repo.version('lin', 2, linearModel(2));
    await lifecycle.poll(); // explicit mode has no timer; even a scan applies only stable changes
    expect(registry.info('lin')!.defaultVersion).toBe(1);
    const info = await lifecycle.loadModel('lin');
    expect(info).toMatchObject({ status: 'READY', defaultVersion: 2 });
  });

  it('unloads a model on request, and loads it again on request', async () => {
    const unloaded = await lifecycle.unloadModel('lin');
    expect(unloaded).toMatchObject({ name: 'lin', status: 'UNLOADED', defaultVersion: null });
    expect(() => registry.resolve('lin')).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
    expect(registry.backendCounters().sessions).toBe(0);
    expect((await lifecycle.loadModel('lin')).defaultVersion).toBe(2);
    expect(registry.backendCounters().sessions).toBe(2);
  });

  it('answers unknown and malformed names with typed errors', async () => {
    await expect(lifecycle.loadModel('nope')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(lifecycle.unloadModel('nope')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(lifecycle.loadModel('../etc')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('but got "../etc"'),
    });
  });

  it('refuses model control in none mode with its own code', async () => {
    const none = new ModelLifecycle({
      root: repo.root,
      registry: new ModelRegistry({ backend: new InferencePool({ workers: 1 }) }),
      tasks: MODEL_TASKS,
      control: 'none',
    });
    try {
      await expect(none.loadModel('lin')).rejects.toMatchObject({ code: 'MODEL_CONTROL_DISABLED' });
      await expect(none.unloadModel('lin')).rejects.toMatchObject({ code: 'MODEL_CONTROL_DISABLED' });
    } finally {
      await none.close();
    }
  });
});
