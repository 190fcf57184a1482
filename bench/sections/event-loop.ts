/**
 * 4. The main thread stays responsive while the heavy model runs under load: the server's own
 * event-loop delay (prom-client's monitorEventLoopDelay histogram, read from /metrics: a scrape resets
 * it, so scraping before and after a window measures that window) and /healthz latency from a probe
 * in a second load process, idle and under load.
 */
import type { Section } from '../lib/context.js';
import type { LoadResult, LoadSpec } from '../lib/load-types.js';
import { loadScenario, summarise } from '../lib/measure.js';
import { sampleValue } from '../lib/prometheus.js';
import { graphqlPost, heavyPredict } from '../lib/queries.js';
import type { FactResult, Sample } from '../lib/results.js';
import { checkGoal } from '../lib/results.js';
import type { ServerProcess } from '../lib/server-process.js';
import { median, pairedRatio } from '../lib/stats.js';
import { HEAVY_BATCHED } from '../models/bench-repository.js';
import type { HeavyModelShape } from '../models/heavy-model.js';

const CONNECTIONS = 64;
const PROBE_RATE = 50;
/** prom-client's default monitorEventLoopDelay resolution: its histogram records whole timer intervals. */
const MONITOR_RESOLUTION_MS = 10;

interface Window {
  readonly probe: LoadResult;
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
  readonly load?: Sample;
}

export function eventLoopSection(shape: HeavyModelShape): Section {
  return {
    id: 'event-loop',
    title: '4. Event loop under heavy-model load: main-thread delay and /healthz latency',
    needsHeavyModel: true,
    async run(ctx) {
      const server = await ctx.mainServer();
      const probeSpec: LoadSpec = {
        origin: server.origin,
        connections: 1,
        durationSec: ctx.settings.durationSec,
        overallRate: PROBE_RATE,
        requests: [{ method: 'GET', path: '/healthz' }],
        expect: 'status',
      };
      const heavy = loadScenario({
        load: ctx.load,
        settings: { ...ctx.settings, warmupSec: 0 },
        server,
        name: `heavy batched c${CONNECTIONS}`,
        description: `single-item queries on the heavy model, ${CONNECTIONS} at a time, while the probe runs`,
        unit: 'items/s',
        connections: CONNECTIONS,
        requests: [graphqlPost(heavyPredict(HEAVY_BATCHED, shape.inputs), ctx.key.headers)],
        unitsPerRequest: 1,
        // No batch counters here: scraping /metrics inside the window would reset the event-loop histogram.
      });
      const warmHeavy = () =>
        ctx.load.run({
          origin: server.origin,
          connections: CONNECTIONS,
          durationSec: ctx.settings.warmupSec,
          requests: [graphqlPost(heavyPredict(HEAVY_BATCHED, shape.inputs), ctx.key.headers)],
        });

      const idle: Window[] = [];
      const loaded: Window[] = [];
      for (let round = 0; round < ctx.settings.rounds; round += 1) {
        idle.push(await window(server, () => ctx.probe.run(probeSpec)));
        if (ctx.settings.warmupSec > 0) await warmHeavy();
        let load: Sample | undefined;
        const under = await window(server, async () => {
          const [probe, sample] = await Promise.all([ctx.probe.run(probeSpec), heavy.run()]);
          load = sample;
          return probe;
        });
        loaded.push({ ...under, load });
        ctx.log(
          `  round ${round + 1}/${ctx.settings.rounds}: event loop p99 idle ${idle.at(-1)!.eventLoopP99Ms.toFixed(1)} ms, loaded ${under.eventLoopP99Ms.toFixed(1)} ms; /healthz p99 idle ${idle.at(-1)!.probe.latencyMs.p99.toFixed(2)} ms, loaded ${under.probe.latencyMs.p99.toFixed(2)} ms`,
        );
      }

      const probeSample = (w: Window): Sample => ({
        throughput: w.probe.responsesPerSec,
        requestsPerSec: w.probe.responsesPerSec,
        latencyMs: w.probe.latencyMs,
        extra: { eventLoopP99Ms: w.eventLoopP99Ms, eventLoopMaxMs: w.eventLoopMaxMs },
      });
      const measurements = [
        summarise(
          { name: 'healthz idle', description: `GET /healthz at ${PROBE_RATE}/s on an idle server (second load process)`, unit: 'req/s' },
          idle.map(probeSample),
        ),
        summarise(
          { name: 'healthz under load', description: `GET /healthz at ${PROBE_RATE}/s while the heavy load runs`, unit: 'req/s' },
          loaded.map(probeSample),
        ),
        summarise(
          heavy,
          loaded.map((w) => w.load!),
        ),
      ];
      const loopLoaded = median(loaded.map((w) => w.eventLoopP99Ms));
      const healthLoaded = median(loaded.map((w) => w.probe.latencyMs.p99));
      const facts: FactResult[] = [
        {
          name: 'event-loop delay p99 under load',
          description: `nodejs_eventloop_lag_p99_seconds over the loaded window; includes the monitor's ${MONITOR_RESOLUTION_MS} ms sampling interval (an idle loop reads about ${MONITOR_RESOLUTION_MS} ms)`,
          value: loopLoaded,
          unit: 'ms',
          rounds: loaded.map((w) => w.eventLoopP99Ms),
          goal: { op: '<=', target: 20 },
          met: checkGoal(loopLoaded, { op: '<=', target: 20 }),
        },
        {
          name: 'event-loop delay max under load',
          description: 'nodejs_eventloop_lag_max_seconds over the loaded window',
          value: median(loaded.map((w) => w.eventLoopMaxMs)),
          unit: 'ms',
        },
        {
          name: '/healthz p99 under load',
          description: 'client-side latency of the probe while the heavy load runs',
          value: healthLoaded,
          unit: 'ms',
          rounds: loaded.map((w) => w.probe.latencyMs.p99),
          goal: { op: '<=', target: 50 },
          met: checkGoal(healthLoaded, { op: '<=', target: 50 }),
        },
      ];
      const loop = pairedRatio(
        loaded.map((w) => w.eventLoopP99Ms),
        idle.map((w) => w.eventLoopP99Ms),
      );
      const health = pairedRatio(
        loaded.map((w) => w.probe.latencyMs.p99),
        idle.map((w) => w.probe.latencyMs.p99),
      );
      return {
        measurements,
        ratios: [
          { name: 'event-loop p99 loaded / idle', description: 'main-thread delay under the heavy load against an idle server', ...loop },
          { name: '/healthz p99 loaded / idle', description: 'probe latency under the heavy load against an idle server', ...health },
        ],
        facts,
      };
    },
  };
}

/** Runs `body` between two /metrics scrapes; the second reads the event-loop histogram of the window. */
async function window(server: ServerProcess, body: () => Promise<LoadResult>): Promise<Window> {
  await server.metrics(); // resets prom-client's event-loop histogram
  const probe = await body();
  const samples = await server.metrics();
  return {
    probe,
    eventLoopP99Ms: sampleValue(samples, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    eventLoopMaxMs: sampleValue(samples, 'nodejs_eventloop_lag_max_seconds') * 1000,
  };
}
