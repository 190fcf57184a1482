/**
 * A preprocessing handler for the pool's tests: each input names what the task does, so a test can
 * make a task succeed, fail, crash its thread or report the thread's priority.
 */
import { getPriority } from 'node:os';
import type { HandlerResult } from '../../src/runtime/preprocess-pool.js';

export type TestTask =
  | { readonly op: 'double'; readonly values: readonly number[] }
  | { readonly op: 'fail'; readonly message: string }
  | { readonly op: 'crash' }
  | { readonly op: 'priority' }
  /** Busy for `iterations` loop turns: a long task without a clock. */
  | { readonly op: 'spin'; readonly iterations: number };

export function handle(task: TestTask): HandlerResult {
  switch (task.op) {
    case 'double': {
      const data = Float32Array.from(task.values, (v) => v * 2);
      return { output: data, transfer: [data.buffer] };
    }
    case 'fail':
      throw new Error(task.message);
    case 'crash':
      process.exit(3); // in a worker thread, ends the thread only
      break;
    case 'priority':
      return { output: getPriority() };
    case 'spin': {
      let x = 0;
      for (let i = 0; i < task.iterations; i += 1) x = (x * 31 + i) % 1_000_003;
      return { output: x };
    }
  }
  throw new Error(`unknown op ${(task as { op: string }).op}`);
}
