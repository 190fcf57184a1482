/**
 * 7. What authorization costs: the same queries on two gateways that differ only in AUTHORIZATION
 * (graphql-shield on or off). Both run in test mode, since production refuses AUTHORIZATION=off; both
 * authenticate the same API key.
 */
import type { Section } from '../lib/context.js';
import { find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { graphqlPost, irisPredict } from '../lib/queries.js';
import { type ServerProcess, startTogether } from '../lib/server-process.js';

const BIG = 256;
const BIG_CONNECTIONS = 8;

export const authorizationSection: Section = {
  id: 'authorization',
  title: '7. Authorization overhead: graphql-shield on vs off',
  needsHeavyModel: false,
  async run(ctx) {
    const servers = await startTogether([
      () => ctx.startGateway('shield-on', { modelsDir: ctx.bundledModelsDir, env: { NODE_ENV: 'test', AUTHORIZATION: 'on' } }),
      () => ctx.startGateway('shield-off', { modelsDir: ctx.bundledModelsDir, env: { NODE_ENV: 'test', AUTHORIZATION: 'off' } }),
    ]);
    const [on, off] = servers;
    try {
      const big = graphqlPost(irisPredict(BIG), ctx.key.headers);
      const single = graphqlPost(irisPredict(1), ctx.key.headers);
      const scenario = (server: ServerProcess, shield: 'on' | 'off', kind: 'big' | 'single') =>
        loadScenario({
          load: ctx.load,
          settings: ctx.settings,
          server,
          name: kind === 'big' ? `${BIG}-instance query, shield ${shield}` : `predict-1 c32, shield ${shield}`,
          description:
            kind === 'big'
              ? `predict with ${BIG} iris instances, ${BIG_CONNECTIONS} queries at a time, AUTHORIZATION=${shield}`
              : `predict with one iris instance, 32 at a time, AUTHORIZATION=${shield}`,
          unit: 'items/s',
          connections: kind === 'big' ? BIG_CONNECTIONS : 32,
          requests: [kind === 'big' ? big : single],
          unitsPerRequest: kind === 'big' ? BIG : 1,
        });
      const bigRuns = await runRounds(ctx.settings.rounds, [scenario(on, 'on', 'big'), scenario(off, 'off', 'big')], ctx.log);
      const singleRuns = await runRounds(ctx.settings.rounds, [scenario(on, 'on', 'single'), scenario(off, 'off', 'single')], ctx.log);
      const measurements = [...bigRuns, ...singleRuns];
      return {
        measurements,
        ratios: [
          ratio(
            `${BIG}-instance query: shield on / off`,
            'throughput kept with authorization on; the goal allows shield at most 10 %',
            find(measurements, `${BIG}-instance query, shield on`),
            find(measurements, `${BIG}-instance query, shield off`),
            {
              goal: { op: '>=', target: 0.9 },
            },
          ),
          ratio(
            'predict-1 c32: shield on / off',
            'the same for single-instance queries',
            find(measurements, 'predict-1 c32, shield on'),
            find(measurements, 'predict-1 c32, shield off'),
          ),
        ],
        notes: ['Both gateways run with NODE_ENV=test (production refuses AUTHORIZATION=off); everything else is as in production.'],
      };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  },
};
