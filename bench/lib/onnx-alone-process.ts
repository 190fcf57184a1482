/** Child process entry: runs the onnxruntime-alone worker thread once and prints its result as JSON. */
import { Worker } from 'node:worker_threads';
import type { OnnxAloneSpec } from './onnx-alone.js';

const spec = JSON.parse(process.argv[2]) as OnnxAloneSpec;
const worker = new Worker(new URL('./onnx-alone.worker.mjs', import.meta.url), { workerData: spec, name: 'onnx-alone' });
worker.once('message', (result) => {
  process.stdout.write(JSON.stringify(result));
  void worker.terminate();
});
worker.once('error', (error) => {
  console.error(error);
  process.exit(1);
});
