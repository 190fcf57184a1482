/**
 * Prometheus metrics (prom-client), served at /metrics. One registry per gateway instance, so tests
 * can run several gateways in one process. The README's "Metrics" section lists every metric.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LifecycleObserver } from '../models/lifecycle.js';
import type { BatchObserver, ModelRegistry } from '../models/registry.js';

const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
const MAX_OPERATION_LABELS = 100;
const SECONDS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface GatewayMetricsOptions {
  /** Also collect Node.js process metrics (CPU, memory, event loop lag, GC). @default true */
  readonly processMetrics?: boolean;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly inferenceItems: Counter<'model' | 'version'>;
  readonly inferenceRuns: Counter<'model' | 'version' | 'outcome'>;
  readonly batchSize: Histogram<'model' | 'version'>;
  readonly queueWait: Histogram<'model' | 'version'>;
  readonly compute: Histogram<'model' | 'version'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly graphqlDuration: Histogram<'operation' | 'outcome'>;
  readonly errors: Counter<'code'>;
  readonly rateLimited: Counter<'principal_kind'>;
  readonly requestBodyBytes: Histogram<'principal_kind'>;
  readonly connectionsDropped: Counter;
  readonly rateLimitStoreFallbacks: Counter;
  readonly modelLoads: Counter<'model' | 'version' | 'result'>;
  readonly modelUnloads: Counter<'model' | 'version'>;
  private readonly operationNames = new Set<string>();

  constructor(options: GatewayMetricsOptions = {}) {
    const registers = [this.registry];
    this.inferenceItems = new Counter({
      name: 'gateway_inference_items_total',
      help: 'Items inferred, by model and version.',
      labelNames: ['model', 'version'],
      registers,
    });
    this.inferenceRuns = new Counter({
      name: 'gateway_inference_runs_total',
      help: 'ONNX runs (batches), by model, version and outcome (ok, failed, timeout).',
      labelNames: ['model', 'version', 'outcome'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'gateway_batch_size',
      help: 'Items per ONNX run, by model and version.',
      labelNames: ['model', 'version'],
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.queueWait = new Histogram({
      name: 'gateway_queue_wait_seconds',
      help: "Time an item waited in its model's batch queue before its run started.",
      labelNames: ['model', 'version'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.compute = new Histogram({
      name: 'gateway_inference_compute_seconds',
      help: 'Time inside session.run per batch, measured in the worker thread.',
      labelNames: ['model', 'version'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.graphqlDuration = new Histogram({
      name: 'gateway_graphql_request_duration_seconds',
      help: 'GraphQL operations by operation name (authenticated callers only, at most 100 distinct, then "other") and outcome (ok, partial, error).',
      labelNames: ['operation', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'gateway_errors_total',
      help: 'Errors returned to clients, by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused with RATE_LIMITED, by principal kind.',
      labelNames: ['principal_kind'],
      registers,
    });
    this.requestBodyBytes = new Histogram({
      name: 'gateway_http_request_body_bytes',
      help: 'Sizes of the request bodies read and parsed, by principal kind; bodies refused unread are not counted.',
      labelNames: ['principal_kind'],
      buckets: [1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216],
      registers,
    });
    this.connectionsDropped = new Counter({
      name: 'gateway_connections_dropped_total',
      help: 'Connections closed on arrival because MAX_CONNECTIONS were open.',
      registers,
    });
    this.rateLimitStoreFallbacks = new Counter({
      name: 'gateway_rate_limit_store_fallbacks_total',
      help: "Item budget calls (read, spend, refund) this replica's in-memory insurance answered because Redis failed or was slow.",
      registers,
    });
    this.modelLoads = new Counter({
      name: 'gateway_model_loads_total',
      help: 'Model version loads, at start-up and while serving, by model, version (empty: the model as a whole) and result (ok, failed).',
      labelNames: ['model', 'version', 'result'],
      registers,
    });
    this.modelUnloads = new Counter({
      name: 'gateway_model_unloads_total',
      help: 'Model versions unloaded after a replacement, a removal or unloadModel, by model and version.',
      labelNames: ['model', 'version'],
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 5 });
  }

  /**
   * A bounded label for a client-chosen operation name (clients must not blow up the series count):
   * `unauthenticated` for every operation of a caller without credentials, `anonymous` for an unnamed
   * one, the name for the first MAX_OPERATION_LABELS distinct plain names, then `other`.
   */
  operationLabel(name: string | null | undefined, authenticated: boolean): string {
    if (!authenticated) return 'unauthenticated';
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_LABELS) return 'other';
    this.operationNames.add(name);
    return name;
  }

  /** The registry's hook: called once per settled batch and per computed run. */
  readonly batchObserver: BatchObserver = {
    onBatch: ({ name, version }, stats) => {
      const labels = { model: name, version: String(version) };
      this.inferenceRuns.inc({ ...labels, outcome: stats.outcome });
      if (stats.outcome !== 'ok') return;
      this.inferenceItems.inc(labels, stats.size);
      this.batchSize.observe(labels, stats.size);
      // One label lookup per batch, not per item: prom-client hashes the labels on every observe().
      const queueWait = this.queueWait.labels(labels);
      for (const wait of stats.queueWaitsMs) queueWait.observe(wait / 1000);
    },
    onCompute: ({ name, version }, computeMs) => {
      this.compute.observe({ model: name, version: String(version) }, computeMs / 1000);
    },
  };

  /** The lifecycle's hook: called once per load attempt and per unload. */
  readonly lifecycleObserver: LifecycleObserver = {
    onLoad: ({ model, version, result }) => this.modelLoads.inc({ model, version: version === null ? '' : String(version), result }),
    onUnload: ({ model, version }) => this.modelUnloads.inc({ model, version: String(version) }),
  };

  /** Gauges read from the model registry at scrape time. */
  watchRegistry(models: ModelRegistry): void {
    const registers = [this.registry];
    new Gauge({
      name: 'gateway_queue_depth',
      help: "Items waiting in each model version's batch queue.",
      labelNames: ['model', 'version'],
      registers,
      collect() {
        this.reset();
        for (const [key, counters] of Object.entries(models.counters())) {
          const [model, version] = splitKey(key);
          this.set({ model, version }, counters.queueDepth);
        }
      },
    });
    new Gauge({
      name: 'gateway_model_ready',
      help: '1 when a model version is ready, 0 when it failed to load.',
      labelNames: ['model', 'version'],
      registers,
      collect() {
        this.reset();
        for (const info of models.list()) {
          for (const v of info.versions) this.set({ model: info.name, version: String(v.version) }, v.status === 'READY' ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'gateway_inference_workers',
      help: 'Inference worker threads, by state (busy, idle, retiring).',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = models.backendCounters();
        this.set({ state: 'busy' }, pool.busyWorkers);
        this.set({ state: 'idle' }, pool.workers - pool.busyWorkers);
        this.set({ state: 'retiring' }, pool.retiringWorkers);
      },
    });
    new Gauge({
      name: 'gateway_inference_sessions',
      help: 'Model sessions held by the live inference workers, all together: one per loaded model version in each worker.',
      registers,
      collect() {
        this.set(models.backendCounters().sessions);
      },
    });
  }

  /** The gauge of where item budgets are kept: 1 while that store answers (memory always does), 0 while a replica falls back. */
  watchRateLimitStore(store: { readonly kind: 'memory' | 'redis'; isUp(): boolean }): void {
    new Gauge({
      name: 'gateway_rate_limit_store_up',
      help: 'Whether the store of item budgets answers (label store: memory or redis); 0 while each replica keeps budgets in its own memory.',
      labelNames: ['store'],
      registers: [this.registry],
      collect() {
        this.set({ store: store.kind }, store.isUp() ? 1 : 0);
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf('@');
  return [key.slice(0, at), key.slice(at + 1)];
}
