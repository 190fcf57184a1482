import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTask } from '../../test/support/preprocess-handler.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { PreprocessPool } from './preprocess-pool.js';

const HANDLER = join(import.meta.dirname, '..', '..', 'test', 'support', 'preprocess-handler.ts');
const BROKEN = join(import.meta.dirname, '..', '..', 'test', 'support', 'broken-handler.ts');

/** The settled outcome of a promise, for asserting on errors without try/catch. */
async function outcomeOf<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: GatewayError }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: error as GatewayError };
  }
}

describe('PreprocessPool', () => {
  let pool: PreprocessPool;
  const run = <T = unknown>(tasks: TestTask[]) => pool.run<T>('test', tasks);

  beforeAll(async () => {
    pool = new PreprocessPool({ handlers: { test: HANDLER }, workers: 1, niceIncrement: 5, maxQueuedTasks: 8 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('runs each input as a task in a worker and answers in order, with transferred buffers', async () => {
    const outputs = await run<Float32Array>([
      { op: 'double', values: [1, 2] },
      { op: 'double', values: [3] },
    ]);
    expect(outputs.map((o) => Array.from(o))).toEqual([[2, 4], [6]]);
    expect(outputs[0]).toBeInstanceOf(Float32Array);
    expect(pool.counters()).toMatchObject({ workers: 1, busyWorkers: 0, queuedTasks: 0 });
  });

  it('runs the worker at a lower priority than the main thread (Linux: a nice value per thread)', async () => {
    const [workerNice] = await run<number>([{ op: 'priority' }]);
    if (process.platform === 'linux') expect(workerNice).toBe(Math.min(19, getPriority() + 5));
    else expect(workerNice).toBe(getPriority());
  });

  it('takes calls in turn: a one-task call submitted after a five-task call finishes first', async () => {
    const finished: string[] = [];
    const spin: TestTask = { op: 'spin', iterations: 200_000 };
    const large = run(Array(5).fill(spin)).then(() => finished.push('large'));
    const small = run([{ op: 'double', values: [1] }]).then(() => finished.push('small'));
    await Promise.all([large, small]);
    expect(finished).toEqual(['small', 'large']);
  });

  it('fails only the call whose task threw, with PREPROCESSING_FAILED, and keeps serving', async () => {
    const [failed, fine] = await Promise.all([
      outcomeOf(
        run([
          { op: 'double', values: [1] },
          { op: 'fail', message: 'no vocabulary' },
        ]),
      ),
      outcomeOf(run([{ op: 'double', values: [2] }])),
    ]);
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.error.code).toBe('PREPROCESSING_FAILED');
    expect(!failed.ok && failed.error.message).toBe('preprocessing failed: no vocabulary');
    expect(fine.ok && Array.from(fine.value[0] as Float32Array)).toEqual([4]);
  });

  it('replaces a worker that crashed, failing only the call it was running', async () => {
    const before = pool.counters().replacedWorkers;
    const crashed = await outcomeOf(run([{ op: 'crash' }]));
    expect(!crashed.ok && crashed.error.code).toBe('PREPROCESSING_FAILED');
    expect(!crashed.ok && crashed.error.message).toMatch(/^the preprocessing worker failed: the preprocessing worker exited with code 3/);
    const after = await run<Float32Array>([{ op: 'double', values: [5] }]);
    expect(Array.from(after[0])).toEqual([10]);
    expect(pool.counters().replacedWorkers).toBe(before + 1);
  });

  it('refuses a call that would overflow the queue with OVERLOADED, whole, before any of it runs', async () => {
    const completed = pool.counters().completedTasks;
    const refused = await outcomeOf(run(Array(9).fill({ op: 'double', values: [1] })));
    expect(!refused.ok && refused.error.code).toBe('OVERLOADED');
    expect(!refused.ok && refused.error.message).toBe(
      'the preprocessing queue must stay within 8 tasks, but it holds 0 and 9 more were offered; retry later',
    );
    expect(pool.counters().completedTasks).toBe(completed);
  });

  it('refuses an unknown handler name', async () => {
    await expect(pool.run('nope', [{}])).rejects.toThrow('handler must be one of test, but got "nope"');
  });
});

describe('PreprocessPool start and close', () => {
  it('refuses work before start, then finishes queued work on close and refuses new work with SHUTTING_DOWN', async () => {
    const pool = new PreprocessPool({ handlers: { test: HANDLER } });
    await expect(pool.run('test', [{ op: 'double', values: [1] }])).rejects.toThrow('start() must be called before run()');
    await pool.start();
    const queued = pool.run<number>('test', Array(3).fill({ op: 'spin', iterations: 100_000 }));
    await pool.close();
    expect(await queued).toHaveLength(3);
    const late = await outcomeOf(pool.run('test', [{ op: 'double', values: [1] }]));
    expect(!late.ok && late.error.code).toBe('SHUTTING_DOWN');
  });

  it('fails to start, and refuses work, when a handler module has no handle function', async () => {
    const pool = new PreprocessPool({ handlers: { broken: BROKEN } });
    await expect(pool.start()).rejects.toThrow(
      /^a preprocessing worker failed to start: the preprocessing handler .*broken-handler\.ts must export a function "handle", but it does not/,
    );
    const refused = await outcomeOf(pool.run('broken', [{}]));
    expect(!refused.ok && refused.error.code).toBe('PREPROCESSING_FAILED');
    await pool.close();
  });

  it('checks its options', () => {
    expect(() => new PreprocessPool({ handlers: {}, workers: 0 })).toThrow('workers must be a positive integer, but got 0');
    expect(() => new PreprocessPool({ handlers: {}, maxQueuedTasks: 1.5 })).toThrow(
      'maxQueuedTasks must be a positive integer, but got 1.5',
    );
  });
});
