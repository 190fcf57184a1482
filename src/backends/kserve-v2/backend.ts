/**
 * The remote inference backend: models that run on another inference server speaking the Open
 * Inference Protocol over HTTP (KServe v2, Triton, or another gateway's /v2), behind the same
 * `InferenceBackend` interface as the local worker pool. Load = the remote model's v2 metadata (which
 * the lifecycle then cross-checks against the manifest like a local graph); run = one v2 infer call per
 * batch; unload = close that model's connections. The remote's own repository is not changed: the
 * gateway serves what the remote serves.
 *
 * Each loaded key has its own client (an undici Pool of at most `maxConcurrentBatches` keep-alive
 * connections, the batches the scheduler may run at once) and its own circuit breaker. Failures map to
 * the catalogue: MODEL_UNAVAILABLE (unreachable, 503, circuit open), INFERENCE_TIMEOUT (`timeoutMs`),
 * INFERENCE_FAILED (any other refusal, with the remote's message trimmed, or an answer that does not fit).
 */
import { GatewayError } from '../../errors/gateway-error.js';
import {
  type BackendCounters,
  BackendLoadError,
  type BackendModel,
  type BackendRun,
  type GraphDescription,
  type InferenceBackend,
  type TensorMetadata,
} from '../../models/backend.js';
import type { ModelManifest, RemoteBackendSettings } from '../../models/manifest.js';
import type { BatchTensors } from '../../runtime/tensor.js';
import { CircuitOpenError, RemoteCircuit } from './circuit-breaker.js';
import { KServeV2Client, RemoteCallError } from './client.js';
import { resolveHeaders } from './headers.js';
import { answerByteLimit, decodeInferResponse, encodeInferRequest } from './infer-codec.js';
import { graphFromMetadata } from './metadata.js';

// --- public types --------------------------------------------------------------------------------

export interface KServeV2BackendOptions {
  /** Where `${NAME}` in the manifests' headers is looked up (the gateway's environment, from its config). */
  readonly variables: Readonly<Record<string, string | undefined>>;
  /** Batches of one remote model in flight at once, unless its manifest sets `maxConcurrentBatches`. @default 4 */
  readonly concurrency?: number;
  /**
   * How long a load keeps asking for the metadata while the server is unreachable or not ready (503),
   * so that a gateway started before its inference tier still loads the model. @default 30000
   */
  readonly loadWaitMs?: number;
}

/** Most bytes of a metadata answer read. */
const MAX_METADATA_BYTES = 1024 * 1024;
const FIRST_LOAD_RETRY_MS = 250;
const LAST_LOAD_RETRY_MS = 2_000;

// --- the backend ---------------------------------------------------------------------------------

interface RemoteModel {
  readonly name: string;
  readonly client: KServeV2Client;
  readonly circuit: RemoteCircuit;
  readonly settings: RemoteBackendSettings;
  readonly connections: number;
  readonly timeoutMs: number;
  /** `/v2/models/{model}/versions/{version}` */
  readonly path: string;
  readonly outputs: ReadonlyMap<string, TensorMetadata>;
}

export class KServeV2Backend implements InferenceBackend {
  readonly concurrency: number;
  private readonly models = new Map<string, RemoteModel>();
  private running = 0;
  private closed = false;

  constructor(private readonly options: KServeV2BackendOptions) {
    this.concurrency = options.concurrency ?? 4;
  }

  /** Nothing to start: connections open on first use. */
  async start(): Promise<void> {}

  async load({ key, name, manifest }: BackendModel): Promise<GraphDescription> {
    const settings = remoteSettings(name, manifest);
    const headers = resolveHeaders(settings.headers, this.options.variables);
    const timeoutMs = settings.timeoutMs ?? manifest.batching.timeoutMs;
    const connections = manifest.batching.maxConcurrentBatches ?? this.concurrency;
    const client = new KServeV2Client({ url: settings.url, headers, connections });
    const path = `/v2/models/${encodeURIComponent(settings.model)}/versions/${settings.version}`;
    const source = `the remote model "${settings.model}" version ${settings.version} at ${settings.url}`;
    try {
      const graph = graphFromMetadata(await this.fetchMetadata(client, path, timeoutMs, source), source);
      const outputs = new Map(graph.outputs.map((output) => [output.name, output]));
      const circuit = new RemoteCircuit(settings.circuitBreaker, countsAgainstRemote, (error) =>
        error instanceof RemoteCallError ? `the server ${error.message}` : String(error),
      );
      this.models.set(key, { name, client, circuit, settings, connections, timeoutMs, path, outputs });
      return graph;
    } catch (error) {
      await client.close();
      if (error instanceof BackendLoadError) throw error;
      throw new BackendLoadError('REMOTE_LOAD_FAILED', `${source}: ${(error as Error).message}`, 'backend');
    }
  }

  async run(key: string, feeds: BatchTensors, fetches: readonly string[], signal?: AbortSignal): Promise<BackendRun> {
    const model = this.models.get(key);
    if (!model) throw new GatewayError('MODEL_UNAVAILABLE', `remote model key ${key} is not loaded`);
    const rows = Object.values(feeds)[0]?.dims[0] ?? 0;
    const started = performance.now();
    this.running += 1;
    try {
      const answer = await model.circuit.run(() =>
        model.client.post(`${model.path}/infer`, encodeInferRequest(feeds, fetches), {
          route: '/v2/models/{name}/versions/{version}/infer',
          timeoutMs: model.timeoutMs,
          maxBytes: answerByteLimit(model.outputs, fetches, rows),
          signal,
        }),
      );
      const outputs = decodeInferResponse(answer, model.outputs, fetches, rows);
      // The remote's compute time is not in the protocol's answer: the whole call is what this backend spent.
      return { outputs, computeMs: performance.now() - started };
    } catch (error) {
      throw asGatewayError(model, error);
    } finally {
      this.running -= 1;
    }
  }

  async unload(key: string): Promise<void> {
    const model = this.models.get(key);
    if (!model) return;
    this.models.delete(key);
    model.circuit.shutdown();
    await model.client.close();
  }

  counters(): BackendCounters {
    let connections = 0;
    for (const model of this.models.values()) connections += model.connections;
    return {
      workers: connections,
      busyWorkers: this.running,
      queuedBatches: 0,
      retiringWorkers: 0,
      replacedWorkers: 0,
      sessions: this.models.size,
    };
  }

  condition(key: string): string | undefined {
    const model = this.models.get(key);
    const condition = model?.circuit.condition;
    return condition && `${model.settings.url}: ${condition}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.models.keys()].map((key) => this.unload(key)));
  }

  // Asks for the metadata; while the server cannot be reached or is not ready yet (503), asks again
  // with growing pauses for up to loadWaitMs, so tiers started together load in any order.
  private async fetchMetadata(client: KServeV2Client, path: string, timeoutMs: number, source: string): Promise<unknown> {
    const deadline = performance.now() + (this.options.loadWaitMs ?? 30_000);
    for (let pause = FIRST_LOAD_RETRY_MS; ; pause = Math.min(pause * 2, LAST_LOAD_RETRY_MS)) {
      try {
        return await client.get(path, { route: '/v2/models/{name}/versions/{version}', timeoutMs, maxBytes: MAX_METADATA_BYTES });
      } catch (error) {
        const notYet = error instanceof RemoteCallError && (error.kind === 'unreachable' || error.status === 503);
        if (!notYet || this.closed || performance.now() + pause > deadline) throw loadError(error, source);
        await new Promise((resolve) => {
          setTimeout(resolve, pause).unref();
        });
      }
    }
  }
}

// --- helpers -------------------------------------------------------------------------------------

function remoteSettings(name: string, manifest: ModelManifest): RemoteBackendSettings {
  if (!manifest.backend) throw new BackendLoadError('MANIFEST_INVALID', `model "${name}" names no remote backend`, 'backend');
  return manifest.backend;
}

// A metadata call that failed: which manifest field to look at, and why.
function loadError(error: unknown, source: string): BackendLoadError {
  if (!(error instanceof RemoteCallError)) return new BackendLoadError('REMOTE_LOAD_FAILED', `${source}: ${String(error)}`, 'backend');
  const field = error.kind === 'unreachable' ? 'backend.url' : error.status === 404 ? 'backend.model' : 'backend';
  return new BackendLoadError('REMOTE_LOAD_FAILED', `${source}: the server ${error.message}`, field);
}

/** Whether a failed call counts against the remote's health (its circuit breaker). */
function countsAgainstRemote(error: unknown): boolean {
  if (!(error instanceof RemoteCallError)) return false; // the batch's own abort: the scheduler counts it
  if (error.kind === 'status') return (error.status ?? 0) >= 500;
  return error.kind === 'unreachable' || error.kind === 'timeout';
}

// Every way a run can fail, as a catalogue error naming the model and the server.
function asGatewayError(model: RemoteModel, error: unknown): unknown {
  const where = `model "${model.name}": the inference server at ${model.settings.url}`;
  const details = { model: model.name, remote: model.settings.url };
  if (error instanceof CircuitOpenError) return new GatewayError('MODEL_UNAVAILABLE', `${where}: ${error.message}`, details);
  if (!(error instanceof RemoteCallError)) return error; // the scheduler's own timeout, already answered
  switch (error.kind) {
    case 'unreachable':
      return new GatewayError('MODEL_UNAVAILABLE', `${where} ${error.message}`, details);
    case 'timeout':
      return new GatewayError('INFERENCE_TIMEOUT', `${where} ${error.message}`, { ...details, timeoutMs: model.timeoutMs });
    case 'status':
      return new GatewayError(error.status === 503 ? 'MODEL_UNAVAILABLE' : 'INFERENCE_FAILED', `${where} ${error.message}`, {
        ...details,
        status: error.status,
      });
    case 'malformed':
      return new GatewayError('INFERENCE_FAILED', `${where} ${error.message}`, details);
  }
}
