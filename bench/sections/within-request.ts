/**
 * 2. Within-request batching: one query carrying 256 iris instances against 256 queries of one
 * instance, sent one after another and 32 at a time. The runtime's own counters must show exactly one
 * ONNX run for the 256-instance query.
 */
import type { Section } from '../lib/context.js';
import { find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { graphqlPost, irisPredict, VERSION_COUNTERS } from '../lib/queries.js';
import type { FactResult } from '../lib/results.js';
import type { ServerProcess } from '../lib/server-process.js';

export const ITEMS = 256;

export const withinRequestSection: Section = {
  id: 'within-request',
  title: `2. Within-request batching: one query of ${ITEMS} instances vs ${ITEMS} queries of one`,
  needsHeavyModel: false,
  async run(ctx) {
    const server = await ctx.mainServer();
    const big = graphqlPost(irisPredict(ITEMS), ctx.key.headers);
    const single = graphqlPost(irisPredict(1), ctx.key.headers);
    const common = { load: ctx.load, settings: ctx.settings, server, unit: 'items/s', batchModels: ['iris'] };
    const measurements = await runRounds(
      ctx.settings.rounds,
      [
        loadScenario({
          ...common,
          name: `one-query-${ITEMS} c1`,
          description: `one predict query with ${ITEMS} iris instances, queries sent one after another`,
          connections: 1,
          requests: [big],
          unitsPerRequest: ITEMS,
        }),
        loadScenario({
          ...common,
          name: 'single-queries c1',
          description: 'predict queries of one instance, one after another',
          connections: 1,
          requests: [single],
          unitsPerRequest: 1,
        }),
        loadScenario({
          ...common,
          name: 'single-queries c32',
          description: 'predict queries of one instance, 32 at a time',
          connections: 32,
          requests: [single],
          unitsPerRequest: 1,
        }),
      ],
      ctx.log,
    );
    const runs = await runsForOneQuery(server, ctx.key.headers, big.body!);
    // Exactly one run holding all 256 items (fewer would mean a lost item, more a split batch).
    const oneRun = runs.runs === 1 && runs.items === ITEMS;
    const facts: FactResult[] = [
      {
        name: `ONNX runs for one ${ITEMS}-instance query`,
        description: "delta of the runtime's counters (model(name) { versionDetails { runs items } }) around one query on an idle server",
        value: runs.runs,
        unit: 'runs',
        goal: { op: '<=', target: 1 },
        met: oneRun,
      },
      { name: 'items in those runs', description: 'the same counters: every instance went into the run', value: runs.items, unit: 'items' },
    ];
    const big1 = find(measurements, `one-query-${ITEMS} c1`);
    return {
      measurements,
      ratios: [
        ratio(
          `one-query-${ITEMS} / single-queries c1`,
          'items/s of one big query against sequential single-instance queries',
          big1,
          find(measurements, 'single-queries c1'),
          { goal: { op: '>=', target: 20 } },
        ),
        ratio(
          `one-query-${ITEMS} / single-queries c32`,
          'items/s of one big query (sequential) against single-instance queries 32 at a time',
          big1,
          find(measurements, 'single-queries c32'),
          { goal: { op: '>=', target: 20 } },
        ),
      ],
      facts,
    };
  },
};

/** The runtime's run and item counters for iris (all versions) around one query. */
async function runsForOneQuery(
  server: ServerProcess,
  headers: Readonly<Record<string, string>>,
  query: string,
): Promise<{ runs: number; items: number }> {
  type Counters = { model: { versionDetails: { version: number; runs: number; items: number }[] } | null };
  const read = async () => {
    const data = await server.graphql<Counters>(VERSION_COUNTERS('iris'), headers);
    if (!data.model) throw new Error('model(name: "iris") must be visible to the bench key, but it is null');
    return data.model.versionDetails.reduce((sum, v) => ({ runs: sum.runs + v.runs, items: sum.items + v.items }), { runs: 0, items: 0 });
  };
  const before = await read();
  await server.graphql(query, headers);
  const after = await read();
  return { runs: after.runs - before.runs, items: after.items - before.items };
}
