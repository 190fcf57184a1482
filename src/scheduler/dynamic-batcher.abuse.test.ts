import { describe, expect, it } from 'vitest';
import { DynamicBatcher, type RunBatch } from './dynamic-batcher.js';

const double: RunBatch<number, number> = async (items) => items.map((x) => x * 2);

describe('DynamicBatcher misuse', () => {
  it.each([
    ['maxBatchSize', { maxBatchSize: 0 }, 'maxBatchSize must be a positive integer, but got 0'],
    ['maxBatchSize', { maxBatchSize: 2.5 }, 'maxBatchSize must be a positive integer, but got 2.5'],
    ['maxQueueSize', { maxBatchSize: 1, maxQueueSize: -1 }, 'maxQueueSize must be a positive integer, but got -1'],
    [
      'maxConcurrentBatches',
      { maxBatchSize: 1, maxConcurrentBatches: Number.NaN },
      'maxConcurrentBatches must be a positive integer, but got NaN',
    ],
    ['maxQueueDelayMs', { maxBatchSize: 1, maxQueueDelayMs: -3 }, 'maxQueueDelayMs must be a number >= 0, but got -3'],
  ])('refuses a bad %s', (_name, options, message) => {
    expect(() => new DynamicBatcher({ name: 't', runBatch: double, ...options })).toThrow(message);
  });

  it('refuses a runBatch that is not a function', () => {
    expect(() => new DynamicBatcher({ name: 't', runBatch: 'nope' as unknown as RunBatch<number, number>, maxBatchSize: 1 })).toThrow(
      'runBatch must be a function, but got string',
    );
  });

  it('turns a synchronous throw in runBatch into rejections, not a crash', async () => {
    const batcher = new DynamicBatcher<number, number>({
      name: 'x@1',
      maxBatchSize: 4,
      runBatch: () => {
        throw new TypeError('sync boom');
      },
    });
    await expect(Promise.all(batcher.enqueueAll([1, 2]))).rejects.toMatchObject({
      code: 'INFERENCE_FAILED',
      message: 'x@1: the ONNX run failed: sync boom',
    });
    expect(batcher.inFlightBatches).toBe(0);
  });

  it('fails every caller when runBatch returns the wrong number of results', async () => {
    const batcher = new DynamicBatcher<number, number>({ name: 'x@1', maxBatchSize: 4, runBatch: async () => [1] });
    const settled = await Promise.allSettled(batcher.enqueueAll([1, 2, 3]));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect((settled[0] as PromiseRejectedResult).reason.message).toBe('x@1: runBatch must return 3 results, but got 1 results');
  });

  it('fails every caller when runBatch resolves with something that is not an array', async () => {
    const batcher = new DynamicBatcher<number, number>({
      name: 'x@1',
      maxBatchSize: 4,
      runBatch: async () => undefined as unknown as number[],
    });
    await expect(batcher.enqueue(1)).rejects.toMatchObject({ message: 'x@1: runBatch must return 1 results, but got undefined' });
  });

  it('keeps scheduling when the onBatch observer throws', async () => {
    const batcher = new DynamicBatcher({
      name: 't',
      runBatch: double,
      maxBatchSize: 2,
      onBatch: () => {
        throw new Error('observer bug');
      },
    });
    expect(await Promise.all(batcher.enqueueAll([1, 2, 3]))).toEqual([2, 4, 6]);
  });

  it('accepts an empty enqueueAll and runs nothing', async () => {
    let runs = 0;
    const batcher = new DynamicBatcher({
      name: 't',
      maxBatchSize: 2,
      runBatch: async (items: readonly number[]) => {
        runs++;
        return items;
      },
    });
    expect(batcher.enqueueAll([])).toEqual([]);
    await new Promise((resolve) => {
      setImmediate(resolve);
    });
    expect(runs).toBe(0);
  });

  it('refuses one enqueue larger than the whole queue', async () => {
    const batcher = new DynamicBatcher({ name: 't', runBatch: double, maxBatchSize: 10, maxQueueSize: 3 });
    const settled = await Promise.allSettled(batcher.enqueueAll([1, 2, 3, 4]));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(await batcher.enqueue(1)).toBe(2);
  });

  it('survives a storm of single items from many turns without losing one', async () => {
    const batcher = new DynamicBatcher({ name: 't', runBatch: double, maxBatchSize: 16, maxQueueSize: 100_000, maxConcurrentBatches: 2 });
    const promises: Promise<number>[] = [];
    for (let turn = 0; turn < 50; turn += 1) {
      for (let i = 0; i < 40; i += 1) promises.push(batcher.enqueue(turn * 40 + i));
      await new Promise((resolve) => {
        setImmediate(resolve);
      });
    }
    const results = await Promise.all(promises);
    expect(results).toEqual(Array.from({ length: 2000 }, (_, i) => i * 2));
    const counters = batcher.counters();
    expect(counters.items).toBe(2000);
    expect(counters.largestBatch).toBeLessThanOrEqual(16);
  });

  it('close() twice is harmless, and close on an idle batcher resolves at once', async () => {
    const batcher = new DynamicBatcher({ name: 't', runBatch: double, maxBatchSize: 2 });
    await batcher.close();
    await batcher.close();
    await expect(batcher.enqueue(1)).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});
