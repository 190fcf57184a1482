/**
 * 6. Start-up and memory: time from spawning the gateway to its first /readyz 200 with the bundled
 * models (production mode, fresh process each time), and its resident memory after a load mix; the
 * bare Fastify server is the baseline for both.
 */
import { readFileSync } from 'node:fs';
import type { Section } from '../lib/context.js';
import type { LoadClient } from '../lib/load-client.js';
import { graphqlPost, irisPredict, MULTI_MODEL_QUERY } from '../lib/queries.js';
import type { BenchSettings, FactResult } from '../lib/results.js';
import { checkGoal } from '../lib/results.js';
import { ServerProcess } from '../lib/server-process.js';
import { median, pairedRatio } from '../lib/stats.js';

export const startupSection: Section = {
  id: 'startup',
  title: '6. Start-up time and memory with the bundled models',
  needsHeavyModel: false,
  async run(ctx) {
    const starts = ctx.settings.mode === 'quick' ? 1 : Math.max(3, ctx.settings.rounds);
    const gatewayMs: number[] = [];
    const bareMs: number[] = [];
    let gatewayRss = Number.NaN;
    let bareRss = Number.NaN;
    for (let i = 0; i < starts; i += 1) {
      const gateway = await ctx.startGateway(`startup-${i + 1}`, { modelsDir: ctx.bundledModelsDir });
      gatewayMs.push(gateway.startupMs);
      const last = i === starts - 1;
      try {
        if (last) {
          await loadMix(ctx.load, ctx.settings, gateway, ctx.key.headers);
          gatewayRss = rssMb(gateway);
        }
      } finally {
        await gateway.stop();
      }
      const bare = await ServerProcess.startBareFastify(`startup-bare-${i + 1}`, ctx.logDir, '{"data":{"ok":true}}');
      bareMs.push(bare.startupMs);
      try {
        if (last) {
          await ctx.load.run({
            origin: bare.origin,
            connections: 32,
            durationSec: ctx.settings.durationSec,
            requests: [graphqlPost('{"query":"{ __typename }"}', {})],
          });
          bareRss = rssMb(bare);
        }
      } finally {
        await bare.stop();
      }
      ctx.log(
        `  start ${i + 1}/${starts}: gateway ready in ${gatewayMs.at(-1)!.toFixed(0)} ms, bare Fastify in ${bareMs.at(-1)!.toFixed(0)} ms`,
      );
    }
    const startup = median(gatewayMs);
    const facts: FactResult[] = [
      {
        name: 'gateway start-up to /readyz 200',
        description: `bundled models, production mode, fresh process; median of ${starts}`,
        value: startup,
        unit: 'ms',
        rounds: gatewayMs,
        goal: { op: '<=', target: 2000 },
        met: checkGoal(startup, { op: '<=', target: 2000 }),
      },
      {
        name: 'bare Fastify start-up (tsx)',
        description: 'node + tsx + Fastify listening, the floor',
        value: median(bareMs),
        unit: 'ms',
        rounds: bareMs,
      },
      {
        name: 'gateway RSS after load',
        description: 'resident memory (main thread + inference workers) after predict, 256-instance and multi-model load',
        value: gatewayRss,
        unit: 'MB',
        goal: { op: '<=', target: 300 },
        met: checkGoal(gatewayRss, { op: '<=', target: 300 }),
      },
      { name: 'bare Fastify RSS after load', description: 'the same after a c32 load on its route', value: bareRss, unit: 'MB' },
    ];
    return {
      measurements: [],
      ratios: [
        {
          name: 'start-up gateway / bare Fastify',
          description: 'how much longer than an empty Fastify process the gateway takes to be ready',
          ...pairedRatio(gatewayMs, bareMs),
        },
        {
          name: 'RSS gateway / bare Fastify',
          description: 'memory after load against an empty Fastify process',
          value: gatewayRss / bareRss,
          rounds: [gatewayRss / bareRss],
        },
      ],
      facts,
    };
  },
};

async function loadMix(
  load: LoadClient,
  settings: BenchSettings,
  server: ServerProcess,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  const durationSec = settings.durationSec;
  await load.run({ origin: server.origin, connections: 32, durationSec, requests: [graphqlPost(irisPredict(1), headers)] });
  await load.run({ origin: server.origin, connections: 4, durationSec, requests: [graphqlPost(irisPredict(256), headers)] });
  await load.run({ origin: server.origin, connections: 8, durationSec, requests: [graphqlPost(MULTI_MODEL_QUERY, headers)] });
}

/** Resident memory of a server process, from /proc (Linux). */
function rssMb(server: ServerProcess): number {
  try {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}
