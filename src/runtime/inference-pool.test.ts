import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearModel, slowModel, writeOnnx } from '../../test/support/tiny-models.js';
import type { InferenceBackend } from '../models/backend.js';
import { InferencePool, type LoadedGraph } from './inference-pool.js';

describe('InferencePool', () => {
  let dir: string;
  let pool: InferencePool;
  let linear: LoadedGraph;
  let corruptLoad: Error | null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pool-'));
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, 'this is not an onnx file');
    pool = new InferencePool({ workers: 1 });
    await pool.start();
    linear = await pool.load({ key: 'linear@1', path: writeOnnx(dir, 'linear', linearModel()) });
    await pool.load({ key: 'slow@1', path: writeOnnx(dir, 'slow', slowModel(1024, 12)) });
    corruptLoad = await pool.load({ key: 'corrupt@1', path: corrupt }).then(
      () => null,
      (error: Error) => error,
    );
  });

  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is an InferenceBackend', () => {
    const backend: InferenceBackend = pool;
    expect(backend.concurrency).toBe(1);
  });

  it('describes a loaded model (inputs and outputs with symbolic dims), or rejects with the load error', () => {
    expect(linear).toEqual({
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['batch', 3] }],
    });
    expect(corruptLoad?.message).toMatch(/protobuf|parse|load/i);
  });

  it('runs a batch in a worker and returns the outputs', async () => {
    const feeds = { x: { type: 'float32' as const, dims: [2, 2], data: new Float32Array([1, 0, 0, 1]) } };
    const { outputs, computeMs } = await pool.run('linear@1', feeds, ['y']);
    expect(outputs.y.dims).toEqual([2, 3]);
    expect(Array.from(outputs.y.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(computeMs).toBeGreaterThanOrEqual(0);
    // the input buffer was transferred, not copied
    expect(feeds.x.data.byteLength).toBe(0);
  });

  it('keeps the main event loop turning while a slow model runs', async () => {
    // No wall-clock bound: the run must stay pending while the main thread goes on turning its loop
    // (a run on the main thread would block it, and every turn would come only after the result).
    const width = 1024;
    let done = false;
    const run = pool.run('slow@1', { x: { type: 'float32', dims: [width, width], data: new Float32Array(width * width).fill(0.5) } }, [
      'y',
    ]);
    void run.then(() => (done = true));
    let turnsWhileRunning = 0;
    for (let i = 0; i < 3; i += 1) {
      await new Promise((resolve) => {
        setImmediate(resolve);
      });
      if (!done) turnsWhileRunning += 1;
    }
    await run;
    expect(done).toBe(true);
    expect(turnsWhileRunning).toBeGreaterThanOrEqual(1);
  });

  it('retires the worker of a run aborted by its signal, and a fresh worker serves the next batch', async () => {
    const width = 1024;
    const controller = new AbortController();
    const running = pool.run(
      'slow@1',
      { x: { type: 'float32', dims: [width, width], data: new Float32Array(width * width) } },
      ['y'],
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error('took too long')), 30);
    await expect(running).rejects.toThrow('took too long');
    expect(pool.counters()).toMatchObject({ retiringWorkers: 1, replacedWorkers: 1 });
    const { outputs } = await pool.run('linear@1', { x: { type: 'float32', dims: [1, 2], data: new Float32Array([2, 1]) } }, ['y']);
    expect(Array.from(outputs.y.data as Float32Array)).toEqual([6, 9, 12]);
    // the retired worker shuts down cleanly once its run returns; the process lives on
    await expect.poll(() => pool.counters().retiringWorkers, { timeout: 10_000 }).toBe(0);
    expect(pool.counters()).toMatchObject({ workers: 1, replacedWorkers: 1 });
  });

  it('fails a batch for a model that did not load, with its key in the message', async () => {
    await expect(pool.run('corrupt@1', { x: { type: 'float32', dims: [1, 2], data: new Float32Array(2) } }, ['y'])).rejects.toThrow(
      'model corrupt@1 is not loaded in this worker',
    );
  });

  it('unloads a model in every worker: its session is released, and runs of it fail afterwards', async () => {
    const sessionsBefore = pool.counters().sessions;
    await pool.load({ key: 'linear@2', path: writeOnnx(dir, 'linear-2', linearModel()) });
    expect(pool.counters().sessions).toBe(sessionsBefore + 1);
    const { outputs } = await pool.run('linear@2', { x: { type: 'float32', dims: [1, 2], data: new Float32Array([1, 1]) } }, ['y']);
    expect(Array.from(outputs.y.data as Float32Array)).toEqual([5, 7, 9]);

    await pool.unload('linear@2');
    expect(pool.counters().sessions).toBe(sessionsBefore);
    await expect(pool.run('linear@2', { x: { type: 'float32', dims: [1, 2], data: new Float32Array(2) } }, ['y'])).rejects.toThrow(
      'model linear@2 is not loaded in this worker',
    );
  });

  it('waits for a running batch of the model before releasing its session', async () => {
    const width = 512;
    await pool.load({ key: 'slow@2', path: writeOnnx(dir, 'slow-2', slowModel(width, 12)) });
    const sessionsWithSlow = pool.counters().sessions;
    const running = pool.run('slow@2', { x: { type: 'float32', dims: [width, width], data: new Float32Array(width * width).fill(0.5) } }, [
      'y',
    ]);
    const unloading = pool.unload('slow@2');
    const { outputs } = await running;
    expect(outputs.y.dims).toEqual([width, width]);
    await unloading;
    expect(pool.counters().sessions).toBe(sessionsWithSlow - 1);
  });

  it('holds one session per loaded model across many load and unload cycles, in every worker', async () => {
    const two = new InferencePool({ workers: 2 });
    try {
      await two.start();
      const path = writeOnnx(dir, 'cycled', linearModel());
      await two.load({ key: 'kept', path });
      for (let cycle = 0; cycle < 20; cycle += 1) {
        await two.load({ key: `cycled#${cycle}`, path });
        if (cycle > 0) await two.unload(`cycled#${cycle - 1}`);
        expect(two.counters().sessions).toBe(2 * 2);
      }
      await two.unload('cycled#19');
      expect(two.counters()).toMatchObject({ workers: 2, sessions: 2 });
    } finally {
      await two.close();
    }
  });
});
