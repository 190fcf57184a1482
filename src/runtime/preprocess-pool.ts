/**
 * Worker threads for input preprocessing whose cost grows with the input (tokenizing texts), so the
 * main thread only hands inputs over and takes tensors back. What runs is a handler module named at
 * construction; this file knows nothing of what handlers do.
 *
 * Apart from the inference workers on purpose: those run one batch at a time for every model, so a
 * request whose texts take 300 ms to tokenize would hold every other model's batches for as long.
 * Written by hand rather than with piscina for two things it lacks: a call's tasks are taken in turn
 * with other calls' tasks (round robin), so a short text never waits behind a whole large request;
 * and the threads run at a lower OS priority without a native add-on (on Linux a nice value belongs
 * to a thread), so under contention the main thread and inference win the CPU.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../errors/gateway-error.js';

// --- public types --------------------------------------------------------------------------------

export interface PreprocessPoolOptions {
  /** Handler modules by name: absolute paths of modules whose `handle(input)` returns a `HandlerResult`. */
  readonly handlers: Readonly<Record<string, string>>;
  /** Worker threads. @default 1 */
  readonly workers?: number;
  /** Added to each thread's nice value (Linux only; elsewhere a nice value is per process). @default 0 */
  readonly niceIncrement?: number;
  /** Tasks waiting for a worker beyond which new calls are refused with OVERLOADED. @default 1024 */
  readonly maxQueuedTasks?: number;
}

/** What a handler returns: its output, and the buffers in it to transfer rather than copy. */
export interface HandlerResult<Output = unknown> {
  readonly output: Output;
  readonly transfer?: readonly ArrayBuffer[];
}

export interface PreprocessCounters {
  readonly workers: number;
  readonly busyWorkers: number;
  readonly queuedTasks: number;
  /** Tasks completed since start. */
  readonly completedTasks: number;
  /** Workers started to replace a crashed one, since start. */
  readonly replacedWorkers: number;
}

/** `workerData` of every preprocessing worker. */
export interface PreprocessWorkerInit {
  readonly handlers: Readonly<Record<string, string>>;
  readonly niceIncrement: number;
}

export type ToPreprocessWorker = { readonly kind: 'task'; readonly id: number; readonly handler: string; readonly input: unknown };
export type FromPreprocessWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly id: number; readonly output: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };

/** The file of module `name` beside `importMetaUrl`: its .ts source under tsx or vitest, else the compiled .js. */
export function moduleBeside(importMetaUrl: string, name: string): string {
  return fileURLToPath(new URL(`./${name}${importMetaUrl.endsWith('.ts') ? '.ts' : '.js'}`, importMetaUrl));
}

// --- the pool ------------------------------------------------------------------------------------

interface Call {
  readonly handler: string;
  readonly pending: Task[];
  readonly outputs: unknown[];
  remaining: number;
  settled: boolean;
  readonly resolve: (outputs: unknown[]) => void;
  readonly reject: (error: unknown) => void;
}

interface Task {
  readonly call: Call;
  readonly index: number;
  readonly input: unknown;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  current: { readonly id: number; readonly task: Task } | null;
}

export class PreprocessPool {
  readonly size: number;
  private readonly init: PreprocessWorkerInit;
  private readonly maxQueuedTasks: number;
  private readonly slots = new Set<Slot>();
  /** Calls with tasks not yet handed to a worker, served in turn. */
  private readonly waiting: Call[] = [];
  private queuedTasks = 0;
  private completedTasks = 0;
  private nextId = 1;
  private replaced = 0;
  private closing = false;
  private broken: Error | null = null;
  private readyWorkers = 0;
  private readiness: Promise<void> | null = null;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  private idleWaiters: (() => void)[] = [];

  constructor(options: PreprocessPoolOptions) {
    this.size = options.workers ?? 1;
    if (!Number.isInteger(this.size) || this.size < 1)
      throw new TypeError(`workers must be a positive integer, but got ${String(options.workers)}`);
    this.maxQueuedTasks = options.maxQueuedTasks ?? 1024;
    if (!Number.isInteger(this.maxQueuedTasks) || this.maxQueuedTasks < 1) {
      throw new TypeError(`maxQueuedTasks must be a positive integer, but got ${String(options.maxQueuedTasks)}`);
    }
    this.init = { handlers: options.handlers, niceIncrement: options.niceIncrement ?? 0 };
  }

  /**
   * Starts the workers (once; later calls return the same promise). Resolves once every worker has
   * loaded its handlers; rejects when a worker cannot start.
   */
  start(): Promise<void> {
    if (this.readiness !== null) return this.readiness;
    this.readiness = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    for (let i = 0; i < this.size; i += 1) this.spawn();
    return this.readiness;
  }

  /**
   * Runs `handler` on each input, as separate tasks that other calls' tasks may come between, and
   * resolves with the outputs in order. A task that fails fails the whole call.
   */
  run<Output>(handler: string, inputs: readonly unknown[]): Promise<Output[]> {
    const refusal = this.refusalOf(handler, inputs.length);
    if (refusal) return Promise.reject(refusal);
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise<Output[]>((resolve, reject) => {
      const call: Call = {
        handler,
        pending: [],
        outputs: new Array(inputs.length),
        remaining: inputs.length,
        settled: false,
        resolve: resolve as (outputs: unknown[]) => void,
        reject,
      };
      for (const [index, input] of inputs.entries()) call.pending.push({ call, index, input });
      this.queuedTasks += inputs.length;
      this.waiting.push(call);
      this.pump();
    });
  }

  /** Why a call of `handler` on `count` inputs cannot be queued now, or null when it can. */
  private refusalOf(handler: string, count: number): Error | null {
    if (this.readiness === null) return new Error('start() must be called before run(), but the preprocessing pool was not started');
    if (this.closing) return new GatewayError('SHUTTING_DOWN', 'the preprocessing pool is shutting down');
    if (this.broken) return new GatewayError('PREPROCESSING_FAILED', `preprocessing is unavailable: ${this.broken.message}`);
    if (!(handler in this.init.handlers)) {
      return new TypeError(`handler must be one of ${Object.keys(this.init.handlers).join(', ')}, but got "${handler}"`);
    }
    if (count > 0 && this.queuedTasks + count > this.maxQueuedTasks) {
      return new GatewayError(
        'OVERLOADED',
        `the preprocessing queue must stay within ${this.maxQueuedTasks} tasks, but it holds ${this.queuedTasks} and ${count} more were offered; retry later`,
        { queuedTasks: this.queuedTasks, maxQueuedTasks: this.maxQueuedTasks },
      );
    }
    return null;
  }

  counters(): PreprocessCounters {
    let busy = 0;
    for (const slot of this.slots) if (slot.current) busy += 1;
    return {
      workers: this.slots.size,
      busyWorkers: busy,
      queuedTasks: this.queuedTasks,
      completedTasks: this.completedTasks,
      replacedWorkers: this.replaced,
    };
  }

  /** Refuses new calls, lets queued and running tasks finish, then stops the workers. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.queuedTasks > 0 || this.busy())
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
      });
    const slots = [...this.slots];
    this.slots.clear();
    // Plain JavaScript runs here (no native code), so terminating a thread is safe.
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  // Starts a worker and wires its messages.
  private spawn(): void {
    const worker = new Worker(workerEntry(), { workerData: this.init, name: 'preprocess' });
    const slot: Slot = { worker, ready: false, current: null };
    this.slots.add(slot);
    worker.on('message', (message: FromPreprocessWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onWorkerGone(slot, error));
    worker.on('exit', (code) => this.onWorkerGone(slot, new Error(`the preprocessing worker exited with code ${code}`)));
  }

  private onMessage(slot: Slot, message: FromPreprocessWorker): void {
    if (message.kind === 'ready') {
      slot.ready = true;
      this.readyWorkers += 1;
      if (this.readyWorkers === this.size) this.resolveReady();
      this.pump();
      return;
    }
    const running = slot.current;
    slot.current = null;
    if (running && running.id === message.id) {
      this.completedTasks += 1;
      if (message.kind === 'result') this.complete(running.task, message.output);
      else this.fail(running.task.call, new GatewayError('PREPROCESSING_FAILED', `preprocessing failed: ${message.message}`));
    }
    this.pump();
  }

  // A worker crashed: fail the call of its task, and replace it (unless it never started: that would loop).
  private onWorkerGone(slot: Slot, error: Error): void {
    if (!this.slots.delete(slot)) return;
    const running = slot.current;
    if (running)
      this.fail(running.task.call, new GatewayError('PREPROCESSING_FAILED', `the preprocessing worker failed: ${error.message}`));
    if (!slot.ready) {
      this.broken = new Error(`a preprocessing worker failed to start: ${error.message}`);
      this.rejectReady(this.broken);
      for (const call of [...this.waiting]) this.fail(call, new GatewayError('PREPROCESSING_FAILED', this.broken.message));
      return;
    }
    if (!this.closing) {
      this.replaced += 1;
      this.spawn();
    }
    this.notifyIfIdle();
  }

  // Gives waiting tasks to idle workers, one task per call in turn.
  private pump(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) break;
      if (!slot.ready || slot.current) continue;
      const call = this.waiting.shift()!;
      const task = call.pending.shift()!;
      this.queuedTasks -= 1;
      if (call.pending.length > 0) this.waiting.push(call);
      const id = this.nextId++;
      slot.current = { id, task };
      slot.worker.postMessage({ kind: 'task', id, handler: call.handler, input: task.input } satisfies ToPreprocessWorker);
    }
    this.notifyIfIdle();
  }

  private complete(task: Task, output: unknown): void {
    const call = task.call;
    if (call.settled) return;
    call.outputs[task.index] = output;
    call.remaining -= 1;
    if (call.remaining === 0) {
      call.settled = true;
      call.resolve(call.outputs);
    }
  }

  // Fails a call once, and drops its tasks that have not started.
  private fail(call: Call, error: unknown): void {
    if (call.settled) return;
    call.settled = true;
    this.queuedTasks -= call.pending.length;
    call.pending.length = 0;
    const index = this.waiting.indexOf(call);
    if (index >= 0) this.waiting.splice(index, 1);
    call.reject(error);
  }

  private busy(): boolean {
    for (const slot of this.slots) if (slot.current) return true;
    return false;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || this.queuedTasks > 0 || this.busy()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

// --- helpers -------------------------------------------------------------------------------------

// Production runs the compiled worker; under tsx or vitest the worker goes through a shim that
// registers tsx's loader first.
function workerEntry(): string {
  const isTypeScript = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(isTypeScript ? './preprocess.worker.dev.mjs' : './preprocess.worker.js', import.meta.url));
}
