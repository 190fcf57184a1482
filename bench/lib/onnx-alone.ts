/**
 * Measures onnxruntime-node alone on a model at several batch sizes, in a worker thread of a separate
 * process (the gateway's inference runs in worker threads too), so it competes with nothing but the
 * machine. One process and one session serve every batch size: loading a big model takes a while.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LatencySummary } from './stats.js';

export interface OnnxAloneSpec {
  readonly modelPath: string;
  readonly inputName: string;
  /** One item's values and dims (without the batch dimension). */
  readonly item: readonly number[];
  readonly itemDims: readonly number[];
  readonly batchSizes: readonly number[];
  /** Per batch size. */
  readonly warmupSec: number;
  readonly durationSec: number;
}

export interface OnnxAloneResult {
  readonly batchSize: number;
  readonly runs: number;
  readonly runsPerSec: number;
  readonly itemsPerSec: number;
  readonly runMs: LatencySummary;
}

export async function measureOnnxAlone(spec: OnnxAloneSpec): Promise<OnnxAloneResult[]> {
  const entry = fileURLToPath(new URL('./onnx-alone-process.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', entry, JSON.stringify(spec)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' },
    timeout: (spec.warmupSec + spec.durationSec) * 1000 * spec.batchSizes.length + 60_000,
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as OnnxAloneResult[];
}
