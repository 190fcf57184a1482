/**
 * 12. The inference tier: one front gateway serving iris twice, side by side in the same process and
 * the same rounds: `iris`, run by its own worker thread, and `iris-remote`, whose manifest points at a
 * second gateway process serving the same iris version over KServe v2 (front → remote → model). Each
 * front batch is one v2 infer call; the ratios are what the extra hop costs. Both processes share this
 * machine's cores, so the remote figures include the inference tier's CPU, as a single-host deployment
 * would; on separate hosts the hop costs the network instead.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Section } from '../lib/context.js';
import { batchCounters, find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { type MetricSample, sumOf } from '../lib/prometheus.js';
import { graphqlPost, irisPredict } from '../lib/queries.js';
import type { FactResult } from '../lib/results.js';
import { PROJECT_ROOT } from '../lib/server-process.js';

const BIG = 256;
/** The variable the front's manifest reads its key for the inference tier from. */
const KEY_VARIABLE = 'BENCH_INFERENCE_KEY';
const INFER_ROUTE = { method: 'POST', route: '/v2/models/:name/versions/:version/infer', status_code: '200' };

export const remoteTierSection: Section = {
  id: 'remote-tier',
  title: "12. Inference tier: iris through a remote gateway over KServe v2 vs the same iris in the front's own worker",
  needsHeavyModel: false,
  async run(ctx) {
    const scratch = mkdtempSync(join(tmpdir(), 'gateway-bench-remote-'));
    const inferenceModels = join(scratch, 'inference');
    const frontModels = join(scratch, 'front');
    for (const dir of [inferenceModels, frontModels]) cpSync(join(ctx.bundledModelsDir, 'iris'), join(dir, 'iris'), { recursive: true });
    const inference = await ctx.startGateway('inference', { modelsDir: inferenceModels });
    try {
      // The deployment's own example manifest, pointed at this inference process.
      const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'deploy/front-models/iris-remote/model.json'), 'utf8'));
      manifest.backend = { ...manifest.backend, url: inference.origin, headers: { 'x-api-key': `\${${KEY_VARIABLE}}` } };
      mkdirSync(join(frontModels, 'iris-remote'));
      writeFileSync(join(frontModels, 'iris-remote', 'model.json'), JSON.stringify(manifest, null, 2));
      const front = await ctx.startGateway('front', { modelsDir: frontModels, env: { [KEY_VARIABLE]: ctx.key.headers['x-api-key'] } });
      try {
        const common = { load: ctx.load, settings: ctx.settings, server: front, unit: 'items/s' };
        const scenarios = (['iris', 'iris-remote'] as const).flatMap((model) => [
          loadScenario({
            ...common,
            name: `${model} single c32`,
            description: `single-instance predict on ${model}, 32 at a time`,
            connections: 32,
            requests: [graphqlPost(irisPredict(1, model), ctx.key.headers)],
            unitsPerRequest: 1,
            batchModels: [model],
          }),
          loadScenario({
            ...common,
            name: `${model} ${BIG} c8`,
            description: `predict with ${BIG} instances on ${model}, 8 at a time`,
            connections: 8,
            requests: [graphqlPost(irisPredict(BIG, model), ctx.key.headers)],
            unitsPerRequest: BIG,
            batchModels: [model],
          }),
        ]);
        const measurements = await runRounds(ctx.settings.rounds, scenarios, ctx.log);
        // On the idle pair: one 256-instance query must be one front batch and one v2 call.
        const big = irisPredict(BIG, 'iris-remote');
        const [callsBefore, batchesBefore] = [await inferCalls(inference), await batchCounters(front, ['iris-remote'])];
        await front.graphql(big, ctx.key.headers);
        const [calls, batches] = [
          (await inferCalls(inference)) - callsBefore,
          (await batchCounters(front, ['iris-remote'])).runs - batchesBefore.runs,
        ];
        const facts: FactResult[] = [
          {
            name: `v2 infer calls for one ${BIG}-instance iris-remote query`,
            description: `the inference tier's answered infer requests around one query on the idle pair (the front made ${batches} batch of it)`,
            value: calls,
            unit: 'calls',
            goal: { op: '<=', target: 1 },
            met: calls === 1 && batches === 1,
          },
        ];
        return {
          measurements,
          ratios: [
            ratio(
              'remote / local, single instance c32',
              'items/s of iris-remote (front → inference tier → model) over iris in the front’s own worker',
              find(measurements, 'iris-remote single c32'),
              find(measurements, 'iris single c32'),
            ),
            ratio(
              `remote / local, ${BIG} instances c8`,
              `items/s of iris-remote over local iris, ${BIG}-instance queries`,
              find(measurements, `iris-remote ${BIG} c8`),
              find(measurements, `iris ${BIG} c8`),
            ),
            ratio(
              'remote / local p99, single instance c32',
              'p99 latency of iris-remote over local iris (above 1: the hop adds latency)',
              find(measurements, 'iris-remote single c32'),
              find(measurements, 'iris single c32'),
              { metric: 'p99' },
            ),
          ],
          facts,
          notes: [
            "Both gateways run on this machine and share its cores: the remote path pays the inference process's HTTP, JSON and batching CPU on the same cores as the front.",
          ],
        };
      } finally {
        await front.stop();
      }
    } finally {
      await inference.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

// The inference tier's answered infer requests so far (every model and version).
async function inferCalls(server: { metrics(): Promise<MetricSample[]> }): Promise<number> {
  return sumOf(await server.metrics(), 'gateway_http_request_duration_seconds_count', INFER_ROUTE);
}
