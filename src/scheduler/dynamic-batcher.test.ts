import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { type BatchStats, DynamicBatcher, type RunBatch } from './dynamic-batcher.js';

/** A run function that records every batch and doubles each number. */
function recordingRun(): { runBatch: RunBatch<number, number>; batches: number[][] } {
  const batches: number[][] = [];
  return {
    batches,
    runBatch: async (items) => {
      batches.push([...items]);
      return items.map((x) => x * 2);
    },
  };
}

/** A run function whose batches finish only when the test says so. */
function gatedRun() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const runBatch: RunBatch<number, number> = (items) => {
    batches.push([...items]);
    return new Promise((resolve) => {
      gates.push(() => resolve(items.map((x) => x * 2)));
    });
  };
  return { batches, runBatch, release: () => gates.shift()?.() };
}

const tick = () =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

describe('DynamicBatcher', () => {
  it('gathers items enqueued in the same turn into one run, in order', async () => {
    const { runBatch, batches } = recordingRun();
    const batcher = new DynamicBatcher({ name: 't', runBatch, maxBatchSize: 100 });
    const results = await Promise.all(Array.from({ length: 37 }, (_, i) => batcher.enqueue(i)));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(37);
    expect(results).toEqual(Array.from({ length: 37 }, (_, i) => i * 2));
    expect(batcher.counters()).toMatchObject({ runs: 1, items: 37, largestBatch: 37 });
  });

  it('splits more than maxBatchSize items into several runs, keeping order', async () => {
    const { runBatch, batches } = recordingRun();
    const batcher = new DynamicBatcher({ name: 't', runBatch, maxBatchSize: 8, maxConcurrentBatches: 4 });
    const results = await Promise.all(batcher.enqueueAll(Array.from({ length: 20 }, (_, i) => i)));
    expect(batches.map((b) => b.length)).toEqual([8, 8, 4]);
    expect(batches.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('merges items from separate turns that arrive while a batch runs (cross-request batching)', async () => {
    const gate = gatedRun();
    const batcher = new DynamicBatcher({ name: 't', runBatch: gate.runBatch, maxBatchSize: 64, maxConcurrentBatches: 1 });
    const first = batcher.enqueue(0);
    await tick();
    expect(gate.batches).toEqual([[0]]);
    const later: Promise<number>[] = [];
    for (let i = 1; i <= 10; i += 1) {
      later.push(batcher.enqueue(i));
      await tick(); // each in its own turn, like separate HTTP requests
    }
    expect(batcher.queueDepth).toBe(10);
    expect(batcher.inFlightBatches).toBe(1);
    gate.release();
    expect(await first).toBe(0);
    await tick();
    expect(gate.batches[1]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    gate.release();
    expect(await Promise.all(later)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
  });

  it('waits up to maxQueueDelayMs for company, then runs a partial batch', async () => {
    // Fake timers and a fake performance.now(): real timers may fire up to ~1 ms before
    // performance.now() says their delay has passed, so a wall-clock bound here would be a race.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
    try {
      const { runBatch, batches } = recordingRun();
      const batcher = new DynamicBatcher({ name: 't', runBatch, maxBatchSize: 100, maxQueueDelayMs: 30 });
      const a = batcher.enqueue(1);
      await vi.advanceTimersByTimeAsync(5);
      const b = batcher.enqueue(2);
      await vi.advanceTimersByTimeAsync(24); // 29 ms after the first item: still waiting for company
      expect(batches).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1); // 30 ms: the window has passed, the partial batch leaves
      expect(batches).toEqual([[1, 2]]);
      expect(await Promise.all([a, b])).toEqual([2, 4]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs a full batch at once without waiting for the delay', async () => {
    const { runBatch, batches } = recordingRun();
    const batcher = new DynamicBatcher({ name: 't', runBatch, maxBatchSize: 4, maxQueueDelayMs: 60_000 });
    const results = await Promise.all(batcher.enqueueAll([1, 2, 3, 4]));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('rejects a bad item before it joins a batch, without failing the others', async () => {
    const { runBatch, batches } = recordingRun();
    const batcher = new DynamicBatcher({
      name: 't',
      runBatch,
      maxBatchSize: 10,
      validateItem: (item, index) => {
        if (item < 0) throw new GatewayError('BAD_USER_INPUT', `items[${index}]: must be >= 0, but got ${item}`);
      },
    });
    const settled = await Promise.allSettled(batcher.enqueueAll([1, -5, 3]));
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(settled[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'BAD_USER_INPUT', message: 'items[1]: must be >= 0, but got -5' },
    });
    expect(settled[2]).toEqual({ status: 'fulfilled', value: 6 });
    expect(batches).toEqual([[1, 3]]);
  });

  it('refuses work beyond maxQueueSize with OVERLOADED, all of an enqueue or none', async () => {
    const gate = gatedRun();
    const batcher = new DynamicBatcher({ name: 'm@1', runBatch: gate.runBatch, maxBatchSize: 2, maxQueueSize: 5 });
    const running = batcher.enqueueAll([1, 2]); // full batch: dispatched at once, leaves the queue
    const queued = batcher.enqueueAll([3, 4, 5, 6]);
    const refused = batcher.enqueueAll([7, 8]);
    const outcome = await Promise.allSettled(refused);
    for (const result of outcome) {
      expect(result).toMatchObject({ status: 'rejected', reason: { code: 'OVERLOADED' } });
    }
    expect((outcome[0] as PromiseRejectedResult).reason.message).toBe(
      'm@1: the queue must stay within 5 items, but it holds 4 and 2 more were offered; retry later',
    );
    expect(batcher.counters().rejectedOverloaded).toBe(2);
    expect(batcher.queueDepth).toBe(4);
    for (let batch = 0; batch < 3; batch += 1) {
      gate.release();
      await tick();
    }
    expect(gate.batches).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(await Promise.all([...running, ...queued])).toEqual([2, 4, 6, 8, 10, 12]);
  });

  it('fails only the callers of a failed run', async () => {
    let call = 0;
    const batcher = new DynamicBatcher<number, number>({
      name: 'm@1',
      maxBatchSize: 2,
      maxConcurrentBatches: 2,
      runBatch: async (items) => {
        call += 1;
        if (call === 1) throw new Error('kernel exploded');
        return items.map((x) => x * 2);
      },
    });
    const settled = await Promise.allSettled(batcher.enqueueAll([1, 2, 3, 4]));
    expect(settled.slice(0, 2)).toMatchObject([
      { status: 'rejected', reason: { code: 'INFERENCE_FAILED', message: 'm@1: the ONNX run failed: kernel exploded' } },
      { status: 'rejected', reason: { code: 'INFERENCE_FAILED' } },
    ]);
    expect(settled.slice(2)).toEqual([
      { status: 'fulfilled', value: 6 },
      { status: 'fulfilled', value: 8 },
    ]);
    expect(batcher.counters()).toMatchObject({ runs: 2, failedRuns: 1 });
    // and the batcher keeps serving
    expect(await batcher.enqueue(5)).toBe(10);
  });

  it('times out a stuck batch with INFERENCE_TIMEOUT, aborts its signal and frees the slot', async () => {
    let seenSignal: AbortSignal | undefined;
    let call = 0;
    const batcher = new DynamicBatcher<number, number>({
      name: 'slow@1',
      maxBatchSize: 4,
      timeoutMs: 20,
      runBatch: (items, { signal }) => {
        call += 1;
        if (call === 1) {
          seenSignal = signal;
          return new Promise(() => {}); // never settles
        }
        return Promise.resolve(items.map((x) => x + 1));
      },
    });
    const stuck = batcher.enqueue(1);
    await expect(stuck).rejects.toMatchObject({
      code: 'INFERENCE_TIMEOUT',
      message: 'slow@1: the batch must finish within 20 ms, but it did not',
    });
    expect(seenSignal?.aborted).toBe(true);
    expect(batcher.inFlightBatches).toBe(0);
    expect(await batcher.enqueue(41)).toBe(42);
    expect(batcher.counters().timedOutRuns).toBe(1);
  });

  it('reports every settled batch to onBatch', async () => {
    const seen: BatchStats[] = [];
    const { runBatch } = recordingRun();
    const batcher = new DynamicBatcher({ name: 't', runBatch, maxBatchSize: 3, maxConcurrentBatches: 2, onBatch: (s) => seen.push(s) });
    await Promise.all(batcher.enqueueAll([1, 2, 3, 4]));
    expect(seen.map((s) => [s.size, s.outcome, s.queueWaitsMs.length])).toEqual([
      [3, 'ok', 3],
      [1, 'ok', 1],
    ]);
    for (const s of seen) expect(s.runMs).toBeGreaterThanOrEqual(0);
  });

  it('close() drains queued work and then refuses new work with SHUTTING_DOWN', async () => {
    const gate = gatedRun();
    const batcher = new DynamicBatcher({ name: 't', runBatch: gate.runBatch, maxBatchSize: 2, maxQueueDelayMs: 60_000 });
    const all = batcher.enqueueAll([1, 2, 3]); // [1,2] runs now, [3] waits for its window
    const closed = batcher.close();
    await expect(batcher.enqueue(9)).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    gate.release();
    await tick();
    gate.release(); // the drained partial batch [3] did not wait out its 60 s window
    await closed;
    expect(await Promise.all(all)).toEqual([2, 4, 6]);
    expect(gate.batches).toEqual([[1, 2], [3]]);
  });

  it('close({ drain: false }) fails queued items with SHUTTING_DOWN but lets the running batch finish', async () => {
    const gate = gatedRun();
    const batcher = new DynamicBatcher({ name: 't', runBatch: gate.runBatch, maxBatchSize: 2, maxQueueDelayMs: 60_000 });
    const [a, b, c] = batcher.enqueueAll([1, 2, 3]);
    const closed = batcher.close({ drain: false });
    await expect(c).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    gate.release();
    await closed;
    expect(await Promise.all([a, b])).toEqual([2, 4]);
  });
});
