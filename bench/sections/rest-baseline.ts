/**
 * 10. The gateway against the REST service a Node developer would write by hand instead
 * (bench/servers/rest-baseline.ts: one Fastify route, API key, JSON schema, the same iris model on
 * onnxruntime-node inline, label and probabilities back). Side by side, single-instance requests at
 * c32 and 256-instance requests at c8; the gateway asks for the same content (`label scores`).
 */
import type { Section } from '../lib/context.js';
import { find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { graphqlPost, irisPredictScores, restPredict } from '../lib/queries.js';
import type { FactResult, MeasurementResult } from '../lib/results.js';
import { ServerProcess } from '../lib/server-process.js';
import { defaultVersionDir } from '../models/versions.js';

const BIG = 256;

export const restBaselineSection: Section = {
  id: 'rest-baseline',
  title: '10. The gateway vs a hand-written REST service (Fastify, API key, onnxruntime-node inline)',
  needsHeavyModel: false,
  async run(ctx) {
    const gateway = await ctx.mainServer();
    const apiKey = ctx.key.headers['x-api-key'];
    const rest = await ServerProcess.startRestBaseline('rest-baseline', ctx.logDir, defaultVersionDir(ctx.repository.root, 'iris'), apiKey);
    const restPost = (instances: number) => ({
      method: 'POST' as const,
      path: '/predict',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: restPredict(instances),
    });
    const common = { load: ctx.load, settings: ctx.settings, unit: 'items/s' };
    let single: MeasurementResult[];
    let big: MeasurementResult[];
    try {
      const answer = await fetch(`${rest.origin}/predict`, { method: 'POST', headers: restPost(1).headers, body: restPost(1).body });
      if (answer.status !== 200) throw new Error(`the REST baseline must answer 200, but got ${answer.status}: ${await answer.text()}`);
      single = await runRounds(
        ctx.settings.rounds,
        [
          loadScenario({
            ...common,
            name: 'gateway 1 c32',
            description: 'gateway: predict with one iris instance { label scores }, 32 at a time',
            server: gateway,
            connections: 32,
            requests: [graphqlPost(irisPredictScores(1), ctx.key.headers)],
            unitsPerRequest: 1,
          }),
          loadScenario({
            ...common,
            name: 'rest-baseline 1 c32',
            description: 'REST baseline: POST /predict with one instance, 32 at a time',
            server: rest,
            connections: 32,
            requests: [restPost(1)],
            unitsPerRequest: 1,
          }),
        ],
        ctx.log,
      );
      big = await runRounds(
        ctx.settings.rounds,
        [
          loadScenario({
            ...common,
            name: `gateway ${BIG} c8`,
            description: `gateway: predict with ${BIG} iris instances { label scores }, 8 at a time`,
            server: gateway,
            connections: 8,
            requests: [graphqlPost(irisPredictScores(BIG), ctx.key.headers)],
            unitsPerRequest: BIG,
          }),
          loadScenario({
            ...common,
            name: `rest-baseline ${BIG} c8`,
            description: `REST baseline: POST /predict with ${BIG} instances, 8 at a time`,
            server: rest,
            connections: 8,
            requests: [restPost(BIG)],
            unitsPerRequest: BIG,
          }),
        ],
        ctx.log,
      );
    } finally {
      await rest.stop();
    }
    const measurements = [...single, ...big];
    const gatewayBig = find(measurements, `gateway ${BIG} c8`);
    const restBig = find(measurements, `rest-baseline ${BIG} c8`);
    const perInstance = (m: typeof gatewayBig) => (m.median.extra.mainCpuUsPerRequest ?? Number.NaN) / BIG;
    const gatewayPerInstance = perInstance(gatewayBig);
    const facts: FactResult[] = [
      {
        name: `gateway main-thread CPU per instance, ${BIG}-instance query`,
        description: 'main-thread CPU (from /proc) per request divided by the instances in it',
        value: gatewayPerInstance,
        unit: 'µs',
        rounds: gatewayBig.rounds.map((s) => (s.extra?.mainCpuUsPerRequest ?? Number.NaN) / BIG),
        goal: { op: '<=', target: 4 },
        met: gatewayPerInstance <= 4,
      },
      {
        name: `REST baseline main-thread CPU per instance, ${BIG}-instance request`,
        description: 'the same for the REST baseline',
        value: perInstance(restBig),
        unit: 'µs',
      },
    ];
    return {
      measurements,
      ratios: [
        ratio(
          'gateway / rest-baseline, 1 instance c32',
          'items/s, single-instance requests (authentication, shield, logs, metrics on in the gateway)',
          find(measurements, 'gateway 1 c32'),
          find(measurements, 'rest-baseline 1 c32'),
          { goal: { op: '>=', target: 0.5 } },
        ),
        ratio(`gateway / rest-baseline, ${BIG} instances c8`, `items/s, ${BIG}-instance requests`, gatewayBig, restBig, {
          goal: { op: '>=', target: 0.8 },
        }),
      ],
      facts,
      notes: [
        'The REST baseline runs each request inline (one session.run on the main thread, no worker, no cross-request batching): for iris (~15 µs a run) that is its fastest form. The gateway runs inference on a worker thread, so its whole-process CPU includes the worker.',
      ],
    };
  },
};
