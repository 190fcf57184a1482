/** onnxruntime-alone measurements as bench scenarios: one child process per round covers every batch size. */
import type { Scenario } from './measure.js';
import { measureOnnxAlone, type OnnxAloneResult, type OnnxAloneSpec } from './onnx-alone.js';
import type { Sample } from './results.js';

export function onnxScenarios(spec: OnnxAloneSpec, describe: (batchSize: number) => string): Scenario[] {
  // The first scenario of a round measures every batch size; the others read their share of it.
  let pending: Promise<OnnxAloneResult[]> | null = null;
  let served = 0;
  const results = () => {
    if (pending === null || served === spec.batchSizes.length) {
      pending = measureOnnxAlone(spec);
      served = 0;
    }
    served += 1;
    return pending;
  };
  return spec.batchSizes.map((batchSize) => ({
    name: `onnx-alone-b${batchSize}`,
    description: describe(batchSize),
    unit: 'items/s',
    async run(): Promise<Sample> {
      const result = (await results()).find((r) => r.batchSize === batchSize)!;
      return { throughput: result.itemsPerSec, requestsPerSec: result.runsPerSec, latencyMs: result.runMs };
    },
  }));
}
