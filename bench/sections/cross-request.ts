/**
 * 3. Cross-request dynamic batching: single-item queries on the compute-heavy model, batching on
 * (`heavy`) and off (`heavy-unbatched`, maxBatchSize 1), at several concurrencies; the server's
 * counters give the mean batch size each time. onnxruntime alone on the same model at batch sizes
 * 1..64 shows what a batch can save at most, which is what maxBatchSize should be chosen from.
 */
import type { Section } from '../lib/context.js';
import { find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { onnxScenarios } from '../lib/onnx-scenarios.js';
import { graphqlPost, heavyPredict } from '../lib/queries.js';
import type { FactResult, MeasurementResult, RatioResult } from '../lib/results.js';
import { checkGoal } from '../lib/results.js';
import { HEAVY_BATCHED, HEAVY_UNBATCHED } from '../models/bench-repository.js';
import { HEAVY_INPUT, type HeavyModelShape } from '../models/heavy-model.js';

export const ONNX_BATCH_SIZES = [1, 8, 32, 64];

export function crossRequestSection(shape: HeavyModelShape, batching: { maxBatchSize: number; maxQueueDelayMs: number }): Section {
  return {
    id: 'cross-request',
    title: '3. Cross-request dynamic batching on a compute-heavy model: batching on vs off',
    needsHeavyModel: true,
    async run(ctx) {
      const server = await ctx.mainServer();
      const measurements: MeasurementResult[] = [];
      const ratios: RatioResult[] = [];
      const top = Math.max(...ctx.settings.concurrencies);
      for (const connections of ctx.settings.concurrencies) {
        const scenario = (model: string, on: boolean) =>
          loadScenario({
            load: ctx.load,
            settings: ctx.settings,
            server,
            name: `${on ? 'batched' : 'unbatched'} c${connections}`,
            description: on
              ? `heavy model, one item per query, ${connections} at a time; maxBatchSize ${batching.maxBatchSize}, maxQueueDelayMs ${batching.maxQueueDelayMs}`
              : `the same with maxBatchSize 1: one ONNX run per query`,
            unit: 'items/s',
            connections,
            requests: [graphqlPost(heavyPredict(model, shape.inputs), ctx.key.headers)],
            unitsPerRequest: 1,
            batchModels: [model],
          });
        const pair = await runRounds(ctx.settings.rounds, [scenario(HEAVY_BATCHED, true), scenario(HEAVY_UNBATCHED, false)], ctx.log);
        measurements.push(...pair);
        const [on, off] = pair;
        const atTop = connections === top;
        ratios.push(
          ratio(
            `throughput on / off c${connections}`,
            `items/s with batching against without, ${connections} concurrent queries`,
            on,
            off,
            atTop ? { goal: { op: '>=', target: 4 } } : {},
          ),
          ratio(
            `p99 on / off c${connections}`,
            `p99 latency with batching against without, ${connections} concurrent queries`,
            on,
            off,
            atTop ? { metric: 'p99', goal: { op: '<=', target: 1 } } : { metric: 'p99' },
          ),
        );
      }

      const onnxRuns = onnxScenarios(
        {
          modelPath: ctx.repository.heavyOnnx,
          inputName: HEAVY_INPUT,
          item: Array.from({ length: shape.inputs }, (_, i) => Math.sin(i + 1)),
          itemDims: [shape.inputs],
          batchSizes: ONNX_BATCH_SIZES,
          warmupSec: Math.min(1, ctx.settings.warmupSec),
          durationSec: Math.max(1, ctx.settings.durationSec / 2),
        },
        (batchSize) => `onnxruntime-node alone on the heavy model, batch ${batchSize}, in a worker thread`,
      );
      const onnx = await runRounds(1, onnxRuns, ctx.log);
      measurements.push(...onnx);
      const b1 = find(onnx, 'onnx-alone-b1');
      for (const size of ONNX_BATCH_SIZES.slice(1)) {
        ratios.push(
          ratio(
            `onnx-alone b${size} / b1`,
            `items/s of onnxruntime alone at batch ${size} against batch 1: the most batching can gain`,
            find(onnx, `onnx-alone-b${size}`),
            b1,
          ),
        );
      }
      const singleRunMs = b1.median.p50;
      const facts: FactResult[] = [
        {
          name: 'heavy model, one single-item run',
          description: 'median session.run time at batch 1 (onnxruntime alone); the issue asks for at least 1 ms',
          value: singleRunMs,
          unit: 'ms',
          goal: { op: '>=', target: 1 },
          met: checkGoal(singleRunMs, { op: '>=', target: 1 }),
        },
        ...ctx.settings.concurrencies.map((c) => ({
          name: `mean batch size c${c}`,
          description: `items / ONNX runs of the batched model at concurrency ${c} (server counters)`,
          value: find(measurements, `batched c${c}`).median.extra.meanBatchSize ?? Number.NaN,
          unit: 'items/run',
        })),
      ];
      return {
        measurements,
        ratios,
        facts,
        notes: [
          `The heavy model: ${shape.inputs} → ${shape.width} ×${shape.hiddenLayers + 1} → 1 MLP with seeded random weights, generated by bench/models/heavy-model.ts into a temporary repository.`,
        ],
      };
    },
  };
}
