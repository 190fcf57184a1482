/**
 * 5. Multi-model batched query: one query calling iris, sentiment and the recommender through aliases
 * against the same work sent as three separate queries, one after another and 32 at a time.
 * One unit of work = one iris prediction + one sentiment + one recommendation list.
 */
import type { Section } from '../lib/context.js';
import { find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { graphqlPost, MULTI_MODEL_QUERY, SEPARATE_MODEL_QUERIES } from '../lib/queries.js';

export const multiModelSection: Section = {
  id: 'multi-model',
  title: '5. Multi-model query: three models through aliases in one query vs three queries',
  needsHeavyModel: false,
  async run(ctx) {
    const server = await ctx.mainServer();
    const combined = [graphqlPost(MULTI_MODEL_QUERY, ctx.key.headers)];
    const separate = SEPARATE_MODEL_QUERIES.map((q) => graphqlPost(q, ctx.key.headers));
    const common = { load: ctx.load, settings: ctx.settings, server, unit: 'work/s' };
    const scenarios = [1, 32].flatMap((connections) => [
      loadScenario({
        ...common,
        name: `one query c${connections}`,
        description: `iris + sentiment + recommender as aliases of one query, ${connections === 1 ? 'one after another' : `${connections} at a time`}`,
        connections,
        requests: combined,
        unitsPerRequest: 1,
      }),
      loadScenario({
        ...common,
        name: `three queries c${connections}`,
        description: `the same work as three queries, each connection sending them in turn`,
        connections,
        requests: separate,
        unitsPerRequest: 1 / separate.length,
      }),
    ]);
    const measurements = await runRounds(ctx.settings.rounds, scenarios, ctx.log);
    return {
      measurements,
      ratios: [1, 32].map((c) =>
        ratio(
          `one query / three queries c${c}`,
          `work/s of the aliased query against separate queries, concurrency ${c}`,
          find(measurements, `one query c${c}`),
          find(measurements, `three queries c${c}`),
        ),
      ),
      notes: ['Latency of "three queries" is per query; a unit of work there takes three of them.'],
    };
  },
};
