/**
 * 13. What OpenTelemetry tracing costs: the same queries on three gateways that differ only in their
 * OTEL_* variables. Off (no variable: the SDK is not even loaded), on with `OTEL_TRACES_EXPORTER=none`
 * (every span made, propagated and dropped: the cost of tracing itself), and on exporting OTLP/HTTP to a
 * collector stand-in that reads and discards what it gets. "Off" against the code before tracing existed
 * cannot run in one invocation; `bench/ab.ts` does that (see the README's Observability section).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Section } from '../lib/context.js';
import { find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { graphqlPost, irisPredict } from '../lib/queries.js';
import type { MeasurementResult, RatioResult } from '../lib/results.js';
import { type ServerProcess, startTogether } from '../lib/server-process.js';
import { pairedRatio } from '../lib/stats.js';

const BIG = 256;
const BIG_CONNECTIONS = 8;

type Variant = 'off' | 'on-none' | 'on-otlp';

export const tracingSection: Section = {
  id: 'tracing',
  title: '13. Tracing overhead: OpenTelemetry off vs on',
  needsHeavyModel: false,
  async run(ctx) {
    // Stands in for an OpenTelemetry collector: answers every export at once, keeps nothing.
    let exports = 0;
    const collector = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        exports += 1;
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

    const servers = await startTogether([
      () => ctx.startGateway('tracing-off', { modelsDir: ctx.bundledModelsDir }),
      () => ctx.startGateway('tracing-on-none', { modelsDir: ctx.bundledModelsDir, env: { OTEL_TRACES_EXPORTER: 'none' } }),
      () => ctx.startGateway('tracing-on-otlp', { modelsDir: ctx.bundledModelsDir, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } }),
    ]);
    const [off, none, otlp] = servers;
    try {
      const big = graphqlPost(irisPredict(BIG), ctx.key.headers);
      const single = graphqlPost(irisPredict(1), ctx.key.headers);
      const scenario = (server: ServerProcess, variant: Variant, kind: 'big' | 'single') =>
        loadScenario({
          load: ctx.load,
          settings: ctx.settings,
          server,
          name: kind === 'big' ? `${BIG}-instance query, tracing ${variant}` : `predict-1 c32, tracing ${variant}`,
          description:
            kind === 'big'
              ? `predict with ${BIG} iris instances, ${BIG_CONNECTIONS} queries at a time, tracing ${variant}`
              : `predict with one iris instance, 32 at a time, tracing ${variant}`,
          unit: kind === 'big' ? 'items/s' : 'req/s',
          connections: kind === 'big' ? BIG_CONNECTIONS : 32,
          requests: [kind === 'big' ? big : single],
          unitsPerRequest: kind === 'big' ? BIG : 1,
        });
      const variants: [ServerProcess, Variant][] = [
        [off, 'off'],
        [none, 'on-none'],
        [otlp, 'on-otlp'],
      ];
      const singleRuns = await runRounds(
        ctx.settings.rounds,
        variants.map(([server, variant]) => scenario(server, variant, 'single')),
        ctx.log,
      );
      const bigRuns = await runRounds(
        ctx.settings.rounds,
        variants.map(([server, variant]) => scenario(server, variant, 'big')),
        ctx.log,
      );
      const measurements = [...singleRuns, ...bigRuns];
      const onOff = (kind: string, variant: Variant, description: string) =>
        ratio(
          `${kind}: tracing ${variant} / off`,
          description,
          find(measurements, `${kind}, tracing ${variant}`),
          find(measurements, `${kind}, tracing off`),
        );
      // Server CPU per request moves far less than throughput when other work shares the machine.
      const cpuOnOff = (kind: string, variant: Variant, description: string) =>
        cpuRatio(
          `${kind}: server CPU per request, tracing ${variant} / off`,
          description,
          find(measurements, `${kind}, tracing ${variant}`),
          find(measurements, `${kind}, tracing off`),
        );
      return {
        measurements,
        ratios: [
          onOff('predict-1 c32', 'on-none', 'throughput kept with every span made and dropped (OTEL_TRACES_EXPORTER=none)'),
          cpuOnOff('predict-1 c32', 'on-none', 'CPU each request costs the server with every span made and dropped'),
          onOff(`${BIG}-instance query`, 'on-none', 'the same for 256-instance queries (one batch span per query)'),
          cpuOnOff(`${BIG}-instance query`, 'on-none', 'the same for 256-instance queries'),
          onOff('predict-1 c32', 'on-otlp', 'throughput kept exporting every span over OTLP/HTTP (protobuf) to a local collector'),
          cpuOnOff('predict-1 c32', 'on-otlp', 'CPU each request costs the server, exporting'),
          onOff(`${BIG}-instance query`, 'on-otlp', 'the same for 256-instance queries'),
          cpuOnOff(`${BIG}-instance query`, 'on-otlp', 'the same for 256-instance queries'),
        ],
        notes: [
          'All three run in production mode; they differ only in OTEL_* variables. Every request is sampled (parentbased_always_on).',
          `The collector stand-in in the bench process received ${exports} OTLP exports.`,
        ],
      };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      collector.close();
    }
  },
};

// numerator / denominator of the whole server's CPU per request, paired round by round.
function cpuRatio(name: string, description: string, numerator: MeasurementResult, denominator: MeasurementResult): RatioResult {
  const cpu = (m: MeasurementResult) => m.rounds.map((sample) => sample.extra?.cpuUsPerRequest ?? Number.NaN);
  const { value, rounds } = pairedRatio(cpu(numerator), cpu(denominator));
  return { name, description, value, rounds };
}
