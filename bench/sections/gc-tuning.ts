/**
 * 8. V8's young generation: the gateway allocates a lot per item (parsed variables, coerced inputs,
 * per-item promises, result objects), so with Node's default 16 MB semi-space most of a big query's
 * CPU goes to scavenges. The same gateway with `--max-semi-space-size=32` (NODE_OPTIONS) against the
 * default, on the 256-instance query and on single-item predict.
 */
import type { Section } from '../lib/context.js';
import { find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { graphqlPost, irisPredict } from '../lib/queries.js';
import { startTogether, type ServerProcess } from '../lib/server-process.js';

export const SEMI_SPACE_FLAG = '--max-semi-space-size=32';

export const gcTuningSection: Section = {
  id: 'gc-tuning',
  title: `8. GC tuning: NODE_OPTIONS=${SEMI_SPACE_FLAG} vs Node's default young generation`,
  needsHeavyModel: false,
  async run(ctx) {
    const servers = await startTogether([
      () => ctx.startGateway('gc-default', { modelsDir: ctx.bundledModelsDir }),
      () => ctx.startGateway('gc-semi-space-32', { modelsDir: ctx.bundledModelsDir, env: { NODE_OPTIONS: SEMI_SPACE_FLAG } }),
    ]);
    const [plain, tuned] = servers;
    try {
      const scenario = (server: ServerProcess, label: string, big: boolean) =>
        loadScenario({
          load: ctx.load,
          settings: ctx.settings,
          server,
          name: `${big ? '256-instance query c8' : 'predict-1 c32'}, ${label}`,
          description: `${big ? 'predict with 256 iris instances, 8 at a time' : 'predict with one iris instance, 32 at a time'}; ${label === 'default' ? "Node's default heap settings" : `NODE_OPTIONS=${SEMI_SPACE_FLAG}`}`,
          unit: 'items/s',
          connections: big ? 8 : 32,
          requests: [graphqlPost(irisPredict(big ? 256 : 1), ctx.key.headers)],
          unitsPerRequest: big ? 256 : 1,
        });
      const bigRuns = await runRounds(ctx.settings.rounds, [scenario(tuned, 'semi-space 32 MB', true), scenario(plain, 'default', true)], ctx.log);
      const singleRuns = await runRounds(ctx.settings.rounds, [scenario(tuned, 'semi-space 32 MB', false), scenario(plain, 'default', false)], ctx.log);
      const measurements = [...bigRuns, ...singleRuns];
      return {
        measurements,
        ratios: [
          ratio('256-instance query: tuned / default', `items/s with ${SEMI_SPACE_FLAG} against the default`, find(measurements, '256-instance query c8, semi-space 32 MB'), find(measurements, '256-instance query c8, default')),
          ratio('predict-1 c32: tuned / default', 'the same for single-instance queries', find(measurements, 'predict-1 c32, semi-space 32 MB'), find(measurements, 'predict-1 c32, default')),
        ],
        notes: [`Not a goal of the issue: a deployment setting the numbers argue for (see README, Performance). Every other section runs the gateway with Node's defaults.`],
      };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  },
};
