/**
 * onnxruntime-node alone, in a worker thread like the gateway's: one session with the gateway's session
 * options, `session.run` on the same batch over and over, for each batch size asked. No HTTP, no
 * GraphQL, no scheduling, no messages between threads: the raw limit for that model and batch size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions } from '../../src/runtime/session-options.js';
import type { OnnxAloneResult, OnnxAloneSpec } from './onnx-alone.js';
import { summariseLatencies } from './stats.js';

const spec = workerData as OnnxAloneSpec;
const session = await InferenceSession.create(spec.modelPath, sessionOptions({ intraOpThreads: 1 }));

async function measure(batchSize: number): Promise<OnnxAloneResult> {
  const batch = new Float32Array(spec.item.length * batchSize);
  for (let i = 0; i < batchSize; i += 1) batch.set(spec.item, i * spec.item.length);
  const dims = [batchSize, ...spec.itemDims];
  // Like the gateway's worker: a fresh input tensor per run over the batch's buffer.
  const runOnce = () => session.run({ [spec.inputName]: new Tensor('float32', batch, dims) });

  const warmUntil = performance.now() + spec.warmupSec * 1000;
  while (performance.now() < warmUntil) await runOnce();
  const runMs: number[] = [];
  const started = performance.now();
  const until = started + spec.durationSec * 1000;
  while (performance.now() < until) {
    const t = performance.now();
    await runOnce();
    runMs.push(performance.now() - t);
  }
  const elapsedSec = (performance.now() - started) / 1000;
  return {
    batchSize,
    runs: runMs.length,
    runsPerSec: runMs.length / elapsedSec,
    itemsPerSec: (runMs.length * batchSize) / elapsedSec,
    runMs: summariseLatencies(runMs),
  };
}

const results: OnnxAloneResult[] = [];
for (const batchSize of spec.batchSizes) results.push(await measure(batchSize));
await session.release();
parentPort!.postMessage(results);
