/**
 * The pool of inference worker threads, the local inference backend (`InferenceBackend` in
 * src/models/backend.ts, satisfied structurally: this layer imports nothing from models/). Every worker
 * holds a session of every loaded model, so any idle worker can take any batch; models are loaded (and
 * unloaded) in every worker at run time, and a replacement worker starts with the models loaded then.
 * Batches travel as transferred buffers both ways.
 *
 * Written by hand rather than with piscina for one reason: a batch that times out must give its worker
 * up, and terminating a worker thread while onnxruntime-node is inside `session.run` aborts the whole
 * process (`terminate called after throwing an instance of 'Napi::Error'`). So a stuck worker is
 * *retired* instead: its callers fail at once, a fresh worker takes its place, and the old one is shut
 * down cleanly as soon as its run returns.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../errors/gateway-error.js';
import type { SessionSettings } from './session-options.js';
import type { BatchTensors, TypedArray } from './tensor.js';
import type {
  FromWorker,
  ModelDescription,
  RunResult,
  RunTask,
  TensorMetadata,
  ToWorker,
  WorkerInit,
  WorkerModel,
} from './worker-protocol.js';

// --- public types --------------------------------------------------------------------------------

export interface InferencePoolOptions {
  /** Worker threads. @default one less than the CPU count, at least 1 (the main thread serves HTTP) */
  readonly workers?: number;
  /** Per-session operator threads. @default 1 */
  readonly intraOpThreads?: number;
}

export interface BatchRun {
  readonly outputs: BatchTensors;
  /** Time inside `session.run`, measured in the worker. */
  readonly computeMs: number;
  /** When `session.run` began, in ms since the epoch (the worker's clock). */
  readonly startedAt: number;
}

export interface PoolCounters {
  readonly workers: number;
  readonly busyWorkers: number;
  readonly queuedBatches: number;
  /** Workers given up after a timeout whose run has not returned yet. */
  readonly retiringWorkers: number;
  /** Workers started to replace a retired or crashed one, since start. */
  readonly replacedWorkers: number;
  /** Sessions held by the live workers, all together (one per loaded model in each). */
  readonly sessions: number;
}

/** A loaded model's graph: its inputs and outputs as onnxruntime reports them. */
export interface LoadedGraph {
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

// --- the pool ------------------------------------------------------------------------------------

interface Job {
  readonly id: number;
  readonly task: RunTask;
  readonly transfer: ArrayBuffer[];
  readonly resolve: (run: BatchRun) => void;
  readonly reject: (error: unknown) => void;
  readonly signal?: AbortSignal;
  onAbort?: () => void;
  slot?: Slot;
  settled: boolean;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  current: Job | null;
  retiring: boolean;
  /** Sessions the worker said it holds. */
  sessions: number;
  /** Replies awaited from this worker (load, unload), by message id; settled with undefined if it goes. */
  readonly replies: Map<number, (reply: FromWorker | undefined) => void>;
}

export class InferencePool {
  readonly size: number;
  private readonly session: SessionSettings;
  /** The models every worker must hold: a new worker starts with these. */
  private readonly models = new Map<string, WorkerModel>();
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closing = false;
  private replaced = 0;
  private starting: Promise<void> | null = null;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  private readyWorkers = 0;

  constructor(options: InferencePoolOptions = {}) {
    this.size = options.workers ?? defaultWorkerCount();
    if (!Number.isInteger(this.size) || this.size < 1)
      throw new TypeError(`workers must be a positive integer, but got ${String(options.workers)}`);
    this.session = { intraOpThreads: options.intraOpThreads ?? 1 };
  }

  /** Batches that may run at once: one per worker. */
  get concurrency(): number {
    return this.size;
  }

  /** Starts the workers (once); rejects when one cannot even start. Building a pool starts nothing. */
  start(): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
      for (let i = 0; i < this.size; i += 1) this.spawn();
    });
    return this.starting;
  }

  /** Loads a model in every worker; resolves with its graph, or rejects with onnxruntime's reason. */
  async load(model: WorkerModel): Promise<LoadedGraph> {
    await this.start();
    if (this.closing) throw new GatewayError('SHUTTING_DOWN', 'the inference pool is shutting down');
    this.models.set(model.key, model);
    const replies = await Promise.all(
      [...this.slots].filter((slot) => !slot.retiring).map((slot) => this.ask(slot, { kind: 'load', id: this.nextId++, model })),
    );
    const descriptions = replies.flatMap((reply) => (reply?.kind === 'loaded' ? [reply.description] : []));
    const failed = descriptions.find((description): description is Extract<ModelDescription, { ok: false }> => !description.ok);
    const loaded = descriptions.find((description): description is Extract<ModelDescription, { ok: true }> => description.ok);
    if (failed || !loaded) {
      await this.unload(model.key);
      throw new Error(failed ? failed.error : 'no inference worker was left to load it');
    }
    return { inputs: loaded.inputs, outputs: loaded.outputs };
  }

  /** Releases a model's session in every worker (each waits for its runs of it to finish). */
  async unload(key: string): Promise<void> {
    if (!this.models.delete(key)) return;
    // Retiring workers are left out: they release everything when their stuck run returns.
    await Promise.all(
      [...this.slots].filter((slot) => !slot.retiring).map((slot) => this.ask(slot, { kind: 'unload', id: this.nextId++, key })),
    );
  }

  /** Runs one batch of model `key`. The input buffers are transferred (unusable afterwards). */
  run(key: string, feeds: BatchTensors, fetches: readonly string[], signal?: AbortSignal): Promise<BatchRun> {
    return new Promise<BatchRun>((resolve, reject) => {
      if (this.closing) {
        reject(new GatewayError('SHUTTING_DOWN', 'the inference pool is shutting down'));
        return;
      }
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const job: Job = {
        id: this.nextId++,
        task: { key, feeds, fetches },
        transfer: uniqueBuffers(Object.values(feeds).map((tensor) => tensor.data)),
        resolve,
        reject,
        signal,
        settled: false,
      };
      if (signal) {
        job.onAbort = () => this.abort(job, signal.reason);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  counters(): PoolCounters {
    let busy = 0;
    let retiring = 0;
    for (const slot of this.slots) {
      if (slot.retiring) retiring += 1;
      else if (slot.current) busy += 1;
    }
    let sessions = 0;
    for (const slot of this.slots) if (!slot.retiring) sessions += slot.sessions;
    return {
      workers: this.slots.size - retiring,
      busyWorkers: busy,
      queuedBatches: this.queue.length,
      retiringWorkers: retiring,
      replacedWorkers: this.replaced,
      sessions,
    };
  }

  /** Lets queued and running batches finish, then shuts every worker down. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.queue.length > 0 || [...this.slots].some((slot) => slot.current && !slot.retiring)) {
      await new Promise((resolve) => {
        setTimeout(resolve, 5);
      });
    }
    const exits = [...this.slots].map(
      (slot) =>
        new Promise<void>((resolve) => {
          slot.worker.once('exit', () => resolve());
        }),
    );
    for (const slot of this.slots) {
      if (!slot.current) slot.worker.postMessage({ kind: 'shutdown' } satisfies ToWorker);
    }
    // Retiring workers shut down when their run returns; do not wait for them forever.
    await Promise.race([
      Promise.all(exits),
      new Promise((resolve) => {
        setTimeout(resolve, 5_000).unref();
      }),
    ]);
  }

  // Starts a worker with the models loaded now, and wires its messages.
  private spawn(): void {
    const init: WorkerInit = { models: [...this.models.values()], session: this.session };
    const worker = new Worker(workerEntry(), { workerData: init, name: 'inference' });
    const slot: Slot = { worker, ready: false, current: null, retiring: false, sessions: 0, replies: new Map() };
    this.slots.add(slot);
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onWorkerGone(slot, error));
    worker.on('exit', (code) => this.onWorkerGone(slot, new Error(`the inference worker exited with code ${code}`)));
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.kind === 'ready') {
      slot.ready = true;
      slot.sessions = Object.values(message.description).filter((description) => description.ok).length;
      this.readyWorkers += 1;
      if (this.readyWorkers === this.size) this.resolveReady();
      this.pump();
      return;
    }
    if (message.kind === 'loaded' || message.kind === 'unloaded') {
      slot.sessions = message.sessions;
      slot.replies.get(message.id)?.(message);
      slot.replies.delete(message.id);
      return;
    }
    const job = slot.current;
    slot.current = null;
    if (job && job.id === message.id) {
      if (message.kind === 'result') this.settle(job, () => job.resolve(asBatchRun(message.result)));
      else this.settle(job, () => job.reject(new Error(message.message)));
    }
    if (slot.retiring || this.closing) slot.worker.postMessage({ kind: 'shutdown' } satisfies ToWorker);
    this.pump();
  }

  // A worker crashed or ended: fail its batch, and replace it unless it was meant to go.
  private onWorkerGone(slot: Slot, error: Error): void {
    if (!this.slots.delete(slot)) return;
    for (const reply of slot.replies.values()) reply(undefined);
    slot.replies.clear();
    const job = slot.current;
    if (job) this.settle(job, () => job.reject(new GatewayError('INFERENCE_FAILED', `the inference worker failed: ${error.message}`)));
    if (!slot.ready && !slot.retiring) {
      // A worker that cannot even start would fail again: report it instead of looping.
      this.rejectReady(new Error(`an inference worker failed to start: ${error.message}`));
      return;
    }
    if (!slot.retiring && !this.closing) {
      this.replaced += 1;
      this.spawn();
    }
  }

  // Sends a worker a message that gets a reply; undefined when the worker goes away first.
  private ask(slot: Slot, message: Extract<ToWorker, { id: number }>): Promise<FromWorker | undefined> {
    return new Promise((resolve) => {
      slot.replies.set(message.id, resolve);
      slot.worker.postMessage(message satisfies ToWorker);
    });
  }

  // Gives queued batches to idle workers, oldest first.
  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.retiring || slot.current) continue;
      const job = this.queue.shift();
      if (!job) return;
      job.slot = slot;
      slot.current = job;
      slot.worker.postMessage({ kind: 'run', id: job.id, task: job.task } satisfies ToWorker, job.transfer);
    }
  }

  // The caller gave up (timeout): fail it now; a running batch's worker is retired and replaced.
  private abort(job: Job, reason: unknown): void {
    if (job.settled) return;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = job.slot;
    if (slot && slot.current === job && !slot.retiring) {
      slot.retiring = true;
      this.replaced += 1;
      this.spawn();
    }
    this.settle(job, () => job.reject(reason));
  }

  private settle(job: Job, action: () => void): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    action();
  }
}

// --- helpers -------------------------------------------------------------------------------------

// Production runs the compiled worker; under tsx or vitest this file is TypeScript and the worker goes
// through a shim that registers tsx's loader first.
function workerEntry(): string {
  const isTypeScript = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(isTypeScript ? './inference.worker.dev.mjs' : './inference.worker.js', import.meta.url));
}

function uniqueBuffers(arrays: readonly TypedArray[]): ArrayBuffer[] {
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}

function asBatchRun(result: RunResult): BatchRun {
  return { outputs: result.outputs, computeMs: result.computeMs, startedAt: result.startedAt };
}
