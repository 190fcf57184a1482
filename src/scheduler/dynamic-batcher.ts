import { GatewayError, isGatewayError } from '../errors/gateway-error.js';

/**
 * A dynamic batcher in the manner of Triton's: callers enqueue single items and await their own result;
 * queued items, from any number of concurrent requests, are cut into batches of at most `maxBatchSize`
 * and handed to an injected `runBatch` function. A full batch runs at once; a partial one runs when its
 * oldest item has waited `maxQueueDelayMs` (0: at the next turn of the event loop). At most
 * `maxConcurrentBatches` run at a time, so under load items accumulate and batches grow, which is
 * what amortises the cost of a run. It knows nothing of models, tensors or GraphQL.
 */

// --- public types --------------------------------------------------------------------------------

export interface BatchRunContext {
  /** Aborted when the batch exceeds `timeoutMs`; the run function should stop its work. */
  readonly signal: AbortSignal;
  /** The batch's trace, when a tracer is set: the run function records its timed steps under it. */
  readonly trace?: TracedBatch;
}

/** Runs one batch; must resolve with exactly one result per item, in order. */
export type RunBatch<Item, Result> = (items: readonly Item[], context: BatchRunContext) => Promise<readonly Result[]>;

export interface BatchStats {
  readonly size: number;
  /** How long each item waited in the queue before its batch was dispatched. */
  readonly queueWaitsMs: readonly number[];
  /** From dispatch to settlement. */
  readonly runMs: number;
  readonly outcome: 'ok' | 'failed' | 'timeout';
}

/**
 * Traces batches (src/observability/batch-tracing.ts); injected, so that the scheduler knows nothing of
 * the tracing library, and absent when tracing is off, so that batching then does no tracing work.
 */
export interface BatchTracer {
  /** The caller's trace context, taken once per enqueue and kept with its items; opaque here. */
  capture(): unknown;
  /** A batch was dispatched: `callers` holds what `capture` returned for its items, each value once. */
  start(batch: { readonly size: number; readonly callers: readonly unknown[]; readonly maxQueueWaitMs: number }): TracedBatch;
}

export interface TracedBatch {
  /** Runs the batch's work inside its trace context, so that spans the run starts are its children. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** A timed step of the run, measured where it ran (a worker thread's clock): from `startedAt` (ms since the epoch) for `durationMs`. */
  recordStep(name: string, startedAt: number, durationMs: number): void;
  /** Settles the trace with the batch's outcome (called exactly once). */
  end(outcome: BatchStats['outcome'], error?: unknown): void;
}

export interface DynamicBatcherOptions<Item, Result> {
  /** Names the batcher in error messages (e.g. `iris@2`). */
  readonly name: string;
  readonly runBatch: RunBatch<Item, Result>;
  /** Most items in one batch. */
  readonly maxBatchSize: number;
  /** Longest time the oldest queued item waits for company before a partial batch runs. @default 0 */
  readonly maxQueueDelayMs?: number;
  /** Queued (not yet dispatched) items beyond which new work is refused with OVERLOADED. @default 4096 */
  readonly maxQueueSize?: number;
  /** Batches that may run at once. @default 1 */
  readonly maxConcurrentBatches?: number;
  /** A batch running longer fails its callers with INFERENCE_TIMEOUT and its signal is aborted. @default none */
  readonly timeoutMs?: number;
  /** Rejects a bad item before it joins a batch, so it cannot fail the others (throw to reject). */
  readonly validateItem?: (item: Item, index: number) => void;
  /** Called once per settled batch, for metrics. Must not throw. */
  readonly onBatch?: (stats: BatchStats) => void;
  /** Traces each batch, linked to the traces of the callers whose items it carries. @default none */
  readonly tracer?: BatchTracer;
}

export interface BatcherCounters {
  readonly runs: number;
  readonly items: number;
  readonly failedRuns: number;
  readonly timedOutRuns: number;
  readonly rejectedOverloaded: number;
  readonly largestBatch: number;
}

/** The small interface the rest of the gateway depends on. */
export interface BatchScheduler<Item, Result> {
  enqueue(item: Item): Promise<Result>;
  /** Admits all items or none (OVERLOADED), so one request's items are never split by the queue limit. */
  enqueueAll(items: readonly Item[]): Promise<Result>[];
  readonly queueDepth: number;
  readonly inFlightBatches: number;
  readonly inFlightItems: number;
  counters(): BatcherCounters;
  /** Stops taking work; with `drain` (default) runs what is queued, else fails it with SHUTTING_DOWN. */
  close(options?: { drain?: boolean }): Promise<void>;
}

// --- the batcher -----------------------------------------------------------------------------------

interface Pending<Item, Result> {
  readonly item: Item;
  readonly enqueuedAt: number;
  /** The caller's trace context (`BatchTracer.capture`), when tracing. */
  readonly caller: unknown;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

export class DynamicBatcher<Item, Result> implements BatchScheduler<Item, Result> {
  private readonly options: Required<Omit<DynamicBatcherOptions<Item, Result>, 'timeoutMs' | 'validateItem' | 'onBatch' | 'tracer'>> &
    Pick<DynamicBatcherOptions<Item, Result>, 'timeoutMs' | 'validateItem' | 'onBatch' | 'tracer'>;
  private queue: Pending<Item, Result>[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private running = 0;
  private runningItems = 0;
  private closing = false;
  private idleWaiters: (() => void)[] = [];
  private readonly stats = { runs: 0, items: 0, failedRuns: 0, timedOutRuns: 0, rejectedOverloaded: 0, largestBatch: 0 };

  constructor(options: DynamicBatcherOptions<Item, Result>) {
    this.options = {
      maxQueueDelayMs: 0,
      maxQueueSize: 4096,
      maxConcurrentBatches: 1,
      ...options,
    };
    checkPositiveInteger('maxBatchSize', this.options.maxBatchSize);
    checkPositiveInteger('maxQueueSize', this.options.maxQueueSize);
    checkPositiveInteger('maxConcurrentBatches', this.options.maxConcurrentBatches);
    if (!(this.options.maxQueueDelayMs >= 0)) {
      throw new TypeError(`maxQueueDelayMs must be a number >= 0, but got ${String(this.options.maxQueueDelayMs)}`);
    }
    if (typeof this.options.runBatch !== 'function') {
      throw new TypeError(`runBatch must be a function, but got ${typeof this.options.runBatch}`);
    }
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  get inFlightBatches(): number {
    return this.running;
  }

  get inFlightItems(): number {
    return this.runningItems;
  }

  counters(): BatcherCounters {
    return { ...this.stats };
  }

  enqueue(item: Item): Promise<Result> {
    return this.enqueueAll([item])[0];
  }

  enqueueAll(items: readonly Item[]): Promise<Result>[] {
    const now = performance.now();
    const promises: Promise<Result>[] = [];
    const admitted: Pending<Item, Result>[] = [];
    const refusal = this.admissionError(items.length);
    // Once per call, not per item: one request's items share its trace context.
    const caller = this.options.tracer?.capture();
    items.forEach((item, index) => {
      promises.push(
        new Promise<Result>((resolve, reject) => {
          const error = refusal ?? this.validationError(item, index);
          if (error) reject(error);
          else admitted.push({ item, enqueuedAt: now, caller, resolve, reject });
        }),
      );
    });
    if (refusal?.code === 'OVERLOADED') this.stats.rejectedOverloaded += items.length;
    if (admitted.length > 0) {
      for (const pending of admitted) this.queue.push(pending);
      // Only full batches leave synchronously: items offered in the same turn must be able to meet.
      this.schedule(false);
    }
    return promises;
  }

  async close({ drain = true }: { drain?: boolean } = {}): Promise<void> {
    this.closing = true;
    if (!drain) {
      const dropped = this.queue;
      this.queue = [];
      const error = new GatewayError('SHUTTING_DOWN', `${this.options.name}: the server is shutting down`);
      for (const pending of dropped) pending.reject(error);
    }
    this.schedule(true);
    if (this.queue.length === 0 && this.running === 0) return;
    await new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
    });
  }

  // Refuses a whole enqueue when closing or when it would overflow the queue.
  private admissionError(count: number): GatewayError | null {
    if (this.closing) return new GatewayError('SHUTTING_DOWN', `${this.options.name}: the server is shutting down`);
    if (this.queue.length + count > this.options.maxQueueSize) {
      return new GatewayError(
        'OVERLOADED',
        `${this.options.name}: the queue must stay within ${this.options.maxQueueSize} items, but it holds ${this.queue.length} and ${count} more were offered; retry later`,
        { queueDepth: this.queue.length, maxQueueSize: this.options.maxQueueSize },
      );
    }
    return null;
  }

  // Runs the item validator; its error rejects only that item.
  private validationError(item: Item, index: number): unknown {
    if (!this.options.validateItem) return null;
    try {
      this.options.validateItem(item, index);
      return null;
    } catch (error) {
      return error;
    }
  }

  // Dispatches what is ready and arms the delay timer for what is not. Partial batches go only when
  // `mayRunPartial` and their oldest item has waited out the delay (or the batcher is closing).
  private schedule(mayRunPartial: boolean): void {
    const { maxBatchSize, maxConcurrentBatches, maxQueueDelayMs } = this.options;
    while (this.running < maxConcurrentBatches && this.queue.length > 0) {
      const full = this.queue.length >= maxBatchSize;
      const overdue = mayRunPartial && (this.closing || performance.now() - this.queue[0].enqueuedAt >= maxQueueDelayMs);
      if (!full && !overdue) break;
      this.dispatch(Math.min(maxBatchSize, this.queue.length));
    }
    if (this.queue.length === 0 || this.running >= maxConcurrentBatches) {
      this.clearTimer();
      this.notifyIfIdle();
      return;
    }
    if (this.timer) return;
    const wait = maxQueueDelayMs - (performance.now() - this.queue[0].enqueuedAt);
    const onTimer = () => {
      this.timer = null;
      this.flushOverdue();
    };
    this.timer = maxQueueDelayMs === 0 ? setImmediate(onTimer) : setTimeout(onTimer, Math.max(0, wait));
  }

  // The delay window has passed: the oldest item may not wait longer, so run what is queued.
  private flushOverdue(): void {
    if (this.queue.length > 0 && this.running < this.options.maxConcurrentBatches) {
      this.dispatch(Math.min(this.options.maxBatchSize, this.queue.length));
    }
    this.schedule(true);
  }

  // Takes `count` items off the queue and runs them as one batch; every caller settles exactly once.
  private dispatch(count: number): void {
    const batch = this.queue.splice(0, count);
    const dispatchedAt = performance.now();
    this.running += 1;
    this.runningItems += batch.length;
    this.stats.runs += 1;
    this.stats.items += batch.length;
    if (batch.length > this.stats.largestBatch) this.stats.largestBatch = batch.length;

    const controller = new AbortController();
    const trace = this.options.tracer ? this.startTrace(this.options.tracer, batch, dispatchedAt) : undefined;
    let settled = false;
    let timeout: NodeJS.Timeout | undefined;
    const finish = (outcome: BatchStats['outcome'], settle: () => void, error?: unknown) => {
      if (settled) return;
      settled = true;
      if (timeout) clearTimeout(timeout);
      this.running -= 1;
      this.runningItems -= batch.length;
      if (outcome === 'failed') this.stats.failedRuns += 1;
      if (outcome === 'timeout') this.stats.timedOutRuns += 1;
      settle();
      trace?.end(outcome, error);
      this.report(batch, dispatchedAt, outcome);
      this.schedule(true);
    };

    if (this.options.timeoutMs !== undefined) {
      const timeoutMs = this.options.timeoutMs;
      timeout = setTimeout(() => {
        const error = new GatewayError(
          'INFERENCE_TIMEOUT',
          `${this.options.name}: the batch must finish within ${timeoutMs} ms, but it did not`,
          {
            timeoutMs,
          },
        );
        finish('timeout', () => failBatch(batch, error), error);
        controller.abort(error);
      }, timeoutMs);
    }

    const items = batch.map((pending) => pending.item);
    const run = trace
      ? () => trace.run(() => this.options.runBatch(items, { signal: controller.signal, trace }))
      : () => this.options.runBatch(items, { signal: controller.signal });
    Promise.resolve()
      .then(run)
      .then(
        (results) => {
          if (!Array.isArray(results) || results.length !== batch.length) {
            const got = Array.isArray(results) ? `${results.length} results` : typeof results;
            const error = new GatewayError(
              'INFERENCE_FAILED',
              `${this.options.name}: runBatch must return ${batch.length} results, but got ${got}`,
            );
            finish('failed', () => failBatch(batch, error), error);
            return;
          }
          finish('ok', () => {
            for (const [index, pending] of batch.entries()) pending.resolve(results[index]);
          });
        },
        (error: unknown) => {
          const failure = asInferenceError(this.options.name, error);
          finish('failed', () => failBatch(batch, failure), failure);
        },
      );
  }

  // Starts the batch's trace from its callers' distinct contexts (a request's items share one).
  private startTrace(tracer: BatchTracer, batch: readonly Pending<Item, Result>[], dispatchedAt: number): TracedBatch | undefined {
    const callers = new Set<unknown>();
    for (const pending of batch) if (pending.caller !== undefined) callers.add(pending.caller);
    try {
      return tracer.start({ size: batch.length, callers: [...callers], maxQueueWaitMs: dispatchedAt - batch[0].enqueuedAt });
    } catch {
      return undefined; // tracing is best effort: a batch runs whatever its trace does
    }
  }

  // Tells the observer how the batch went; an observer's error must not break scheduling.
  private report(batch: readonly Pending<Item, Result>[], dispatchedAt: number, outcome: BatchStats['outcome']): void {
    if (!this.options.onBatch) return;
    try {
      this.options.onBatch({
        size: batch.length,
        queueWaitsMs: batch.map((pending) => dispatchedAt - pending.enqueuedAt),
        runMs: performance.now() - dispatchedAt,
        outcome,
      });
    } catch {
      // metrics are best effort
    }
  }

  private clearTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = null;
  }

  private notifyIfIdle(): void {
    if (this.queue.length > 0 || this.running > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

// --- helpers -------------------------------------------------------------------------------------

// Rejects every caller of a batch with the same error, so none hangs.
function failBatch<Item, Result>(batch: readonly Pending<Item, Result>[], error: unknown): void {
  for (const pending of batch) pending.reject(error);
}

// Keeps the gateway's own errors; wraps anything else as INFERENCE_FAILED with its message.
function asInferenceError(name: string, error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GatewayError('INFERENCE_FAILED', `${name}: the ONNX run failed: ${message}`, {}, { cause: error });
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, but got ${String(value)}`);
  }
}
