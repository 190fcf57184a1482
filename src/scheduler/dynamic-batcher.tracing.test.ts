import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { type BatchRunContext, type BatchStats, type BatchTracer, DynamicBatcher, type RunBatch } from './dynamic-batcher.js';

/** A tracer that hands out the caller named by `current` and records what the batcher tells it. */
function recordingTracer() {
  const state = {
    current: undefined as unknown,
    captures: 0,
    batches: [] as { size: number; callers: unknown[]; steps: string[]; ends: [BatchStats['outcome'], unknown][]; ranInside: boolean }[],
  };
  let inside = false;
  const tracer: BatchTracer = {
    capture() {
      state.captures += 1;
      return state.current;
    },
    start({ size, callers }) {
      const batch = {
        size,
        callers: [...callers],
        steps: [] as string[],
        ends: [] as [BatchStats['outcome'], unknown][],
        ranInside: false,
      };
      state.batches.push(batch);
      return {
        async run(work) {
          inside = true;
          try {
            const running = work();
            batch.ranInside = true;
            return await running;
          } finally {
            inside = false;
          }
        },
        recordStep: (name) => batch.steps.push(name),
        end: (outcome, error) => batch.ends.push([outcome, error]),
      };
    },
  };
  return { tracer, state, isInside: () => inside };
}

describe('DynamicBatcher with a tracer', () => {
  it('captures the caller once per enqueue call and starts each batch with its distinct callers', async () => {
    const { tracer, state } = recordingTracer();
    const contexts: BatchRunContext[] = [];
    const runBatch: RunBatch<number, number> = async (items, context) => {
      contexts.push(context);
      context.trace?.recordStep('compute', Date.now(), 1);
      return items.map((x) => x + 1);
    };
    const batcher = new DynamicBatcher({ name: 't', runBatch, maxBatchSize: 100, tracer });
    state.current = 'request-a';
    const a = batcher.enqueueAll([1, 2, 3]);
    const again = batcher.enqueueAll([4]); // the same request's second call: one caller, not two
    state.current = 'request-b';
    const b = batcher.enqueueAll([5, 6]);
    state.current = undefined; // a caller outside any trace adds no link
    const c = batcher.enqueue(7);
    expect(await Promise.all([...a, ...again, ...b, c])).toEqual([2, 3, 4, 5, 6, 7, 8]);

    expect(state.captures).toBe(4);
    expect(state.batches).toHaveLength(1);
    expect(state.batches[0]).toMatchObject({ size: 7, callers: ['request-a', 'request-b'], steps: ['compute'], ranInside: true });
    expect(state.batches[0].ends).toEqual([['ok', undefined]]);
    expect(contexts[0].trace).toBeDefined();
  });

  it('ends the trace of a failed batch and of a timed-out one exactly once, with the error', async () => {
    const { tracer, state } = recordingTracer();
    const failing = new DynamicBatcher<number, number>({
      name: 'f',
      maxBatchSize: 10,
      tracer,
      runBatch: async () => {
        throw new Error('boom');
      },
    });
    await expect(failing.enqueue(1)).rejects.toMatchObject({ code: 'INFERENCE_FAILED' });
    const [failed] = state.batches;
    expect(failed.ends).toHaveLength(1);
    expect(failed.ends[0][0]).toBe('failed');
    expect(failed.ends[0][1]).toBeInstanceOf(GatewayError);

    let release: () => void = () => {};
    const stuck = new DynamicBatcher<number, number>({
      name: 's',
      maxBatchSize: 10,
      timeoutMs: 1,
      tracer,
      runBatch: () =>
        new Promise((resolve) => {
          release = () => resolve([0]);
        }),
    });
    await expect(stuck.enqueue(1)).rejects.toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    release(); // the run returning late settles nothing twice
    await stuck.close();
    const timedOut = state.batches[1];
    expect(timedOut.ends).toHaveLength(1);
    expect(timedOut.ends[0][0]).toBe('timeout');
    expect(timedOut.ends[0][1]).toMatchObject({ code: 'INFERENCE_TIMEOUT' });
  });

  it('runs every batch even when the tracer fails to start one', async () => {
    const tracer: BatchTracer = {
      capture: () => 'caller',
      start: () => {
        throw new Error('tracer bug');
      },
    };
    const contexts: BatchRunContext[] = [];
    const batcher = new DynamicBatcher<number, number>({
      name: 't',
      maxBatchSize: 10,
      tracer,
      runBatch: async (items, context) => {
        contexts.push(context);
        return items;
      },
    });
    expect(await batcher.enqueue(4)).toBe(4);
    expect(contexts[0].trace).toBeUndefined();
  });

  it('without a tracer, hands the run no trace', async () => {
    const contexts: BatchRunContext[] = [];
    const batcher = new DynamicBatcher<number, number>({
      name: 't',
      maxBatchSize: 10,
      runBatch: async (items, context) => {
        contexts.push(context);
        return items;
      },
    });
    await batcher.enqueue(1);
    expect(Object.keys(contexts[0])).toEqual(['signal']);
  });
});
