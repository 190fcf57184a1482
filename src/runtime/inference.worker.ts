/**
 * The inference worker thread: loads the ONNX sessions it starts with, reports what it loaded, then
 * runs batches, and loads and releases sessions, on request: it holds one session per loaded model
 * version. `session.run` blocks this thread, never the main one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions } from './session-options.js';
import type {
  DescribeResult,
  FromWorker,
  ModelDescription,
  RunTask,
  TensorMetadata,
  ToWorker,
  WireTensor,
  WorkerInit,
  WorkerModel,
} from './worker-protocol.js';

const init = workerData as WorkerInit;
if (!parentPort) throw new Error('the inference worker must run in a worker thread');
const port = parentPort;
const sessions = new Map<string, InferenceSession>();
// Loads and runs under way, by key: an unload waits for them, so it never releases a session in use
// nor misses one still being created.
const loading = new Map<string, Promise<ModelDescription>>();
const running = new Map<string, Set<Promise<unknown>>>();

// Listening first: a `load` sent while the initial models are still loading is handled, not lost.
port.on('message', (message: ToWorker) => {
  if (message.kind === 'shutdown') {
    void shutdown();
    return;
  }
  if (message.kind === 'load') {
    void loadOne(message.model).then((description) =>
      port.postMessage({ kind: 'loaded', id: message.id, description, sessions: sessions.size } satisfies FromWorker),
    );
    return;
  }
  if (message.kind === 'unload') {
    void unload(message.key).then(() =>
      port.postMessage({ kind: 'unloaded', id: message.id, sessions: sessions.size } satisfies FromWorker),
    );
    return;
  }
  void tracked(message.task.key, run(message.task)).then(
    ({ result, transfer }) => port.postMessage({ kind: 'result', id: message.id, result } satisfies FromWorker, transfer),
    (error: unknown) =>
      port.postMessage({
        kind: 'error',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
      } satisfies FromWorker),
  );
});

const description = await loadAll(init);
port.postMessage({ kind: 'ready', description } satisfies FromWorker);

// Creates every session in parallel; a model that fails to load is reported, not fatal.
async function loadAll({ models }: WorkerInit): Promise<DescribeResult> {
  const result: DescribeResult = {};
  await Promise.all(models.map(async (model) => (result[model.key] = await loadOne(model))));
  return result;
}

// Creates one session and describes its graph, or says why it could not.
function loadOne(model: WorkerModel): Promise<ModelDescription> {
  const load = createSession(model).finally(() => loading.delete(model.key));
  loading.set(model.key, load);
  return load;
}

async function createSession(model: WorkerModel): Promise<ModelDescription> {
  try {
    const loaded = await InferenceSession.create(model.path, sessionOptions(init.session));
    sessions.set(model.key, loaded);
    return { ok: true, inputs: loaded.inputMetadata.map(metadataOf), outputs: loaded.outputMetadata.map(metadataOf) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

// Releases one session once its load and runs have finished; its native memory goes back.
async function unload(key: string): Promise<void> {
  await loading.get(key);
  await Promise.allSettled(running.get(key) ?? []);
  const session = sessions.get(key);
  if (!session) return;
  sessions.delete(key);
  await session.release();
}

function tracked<T>(key: string, promise: Promise<T>): Promise<T> {
  let runs = running.get(key);
  if (!runs) {
    runs = new Set();
    running.set(key, runs);
  }
  runs.add(promise);
  const done = () => {
    runs.delete(promise);
    if (runs.size === 0 && running.get(key) === runs) running.delete(key);
  };
  promise.then(done, done);
  return promise;
}

// Runs one batch and hands the output buffers back without copying them.
async function run(task: RunTask) {
  const session = sessions.get(task.key);
  if (!session) throw new Error(`model ${task.key} is not loaded in this worker`);
  const feeds: Record<string, Tensor> = {};
  for (const [name, wire] of Object.entries(task.feeds)) feeds[name] = new Tensor(wire.type, wire.data, wire.dims);
  const started = performance.now();
  const results = await session.run(feeds, [...task.fetches]);
  const computeMs = performance.now() - started;
  const outputs: Record<string, WireTensor> = {};
  const transfer: ArrayBuffer[] = [];
  for (const name of task.fetches) {
    const tensor = results[name];
    const data = tensor.data as WireTensor['data'];
    outputs[name] = { type: tensor.type as WireTensor['type'], dims: [...tensor.dims], data };
    transfer.push(data.buffer as ArrayBuffer);
  }
  return { result: { outputs, computeMs, startedAt: performance.timeOrigin + started }, transfer };
}

// Releases native sessions and lets the thread end on its own: terminating a thread while onnxruntime
// runs native code aborts the whole process.
async function shutdown(): Promise<void> {
  await Promise.all([...sessions.values()].map((session) => session.release()));
  sessions.clear();
  port.close();
}

function metadataOf(meta: InferenceSession.ValueMetadata): TensorMetadata {
  if (!meta.isTensor) return { name: meta.name, type: 'non-tensor', shape: [] };
  return { name: meta.name, type: meta.type, shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : String(d))) };
}
