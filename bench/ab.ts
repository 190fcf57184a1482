/**
 * A/B comparison of gateway builds or settings under one bench load, for performance work: both
 * servers run side by side (production mode, bench key, info logging), the load alternates between
 * them for several rounds, and the medians of throughput and server CPU per request are printed.
 *
 *   npx tsx bench/ab.ts --scenario=predict-1 --b-entry=/tmp/experiment/dist/main.js [--a-env=K=V,...] [--b-env=K=V,...]
 *                       [--a-flags=--flag,...] [--b-flags=...] [--rounds=5] [--duration=4] [--connections=32]
 * Both run with the deployed V8 flags (GATEWAY_NODE_FLAGS) unless --a-flags / --b-flags replace them
 * (`--a-flags=` alone: Node's defaults).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { killAll } from './lib/children.js';
import { createBenchKey } from './lib/keys.js';
import { LoadClient } from './lib/load-client.js';
import { cliArg, graphqlPost, PROFILE_SCENARIOS } from './lib/queries.js';
import { PROJECT_ROOT, ServerProcess } from './lib/server-process.js';
import { median } from './lib/stats.js';

const SCENARIOS = PROFILE_SCENARIOS;
const arg = cliArg;
const envOf = (text: string | undefined) =>
  Object.fromEntries(
    (text ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );

async function main(): Promise<void> {
  const name = arg('scenario') ?? 'predict-1';
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, but got "${name}"`);
  const rounds = Number(arg('rounds') ?? 5);
  const durationSec = Number(arg('duration') ?? 4);
  const connections = Number(arg('connections') ?? scenario.connections);
  const logDir = mkdtempSync(join(tmpdir(), 'gateway-ab-'));
  const key = await createBenchKey();
  const load = await LoadClient.start();
  try {
    const variants = await Promise.all(
      (['a', 'b'] as const).map(async (v) => {
        const entryFile = arg(`${v}-entry`);
        const flags = arg(`${v}-flags`);
        const server = await ServerProcess.startGateway({
          label: `ab-${v}`,
          entry: 'dist',
          ...(entryFile ? { entryFile } : {}),
          ...(flags !== undefined ? { nodeFlags: flags.split(',').filter(Boolean) } : {}),
          modelsDir: join(PROJECT_ROOT, 'models'),
          logDir,
          env: { NODE_ENV: 'production', LOG_LEVEL: 'info', API_KEYS_FILE: key.file, ...envOf(arg(`${v}-env`)) },
        });
        return { v, server, entryFile: entryFile ?? 'dist/main.js', rps: [] as number[], cpu: [] as number[], main: [] as number[] };
      }),
    );
    const requests = [graphqlPost(scenario.body, key.headers)];
    for (const variant of variants) await load.run({ origin: variant.server.origin, connections, durationSec: 3, requests });
    for (let round = 0; round < rounds; round += 1) {
      for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
        const before = variant.server.cpuSeconds();
        const result = await load.run({ origin: variant.server.origin, connections, durationSec, requests });
        const after = variant.server.cpuSeconds();
        variant.rps.push(result.responsesPerSec);
        variant.cpu.push(((after.total - before.total) * 1e6) / result.responses);
        variant.main.push(((after.main - before.main) * 1e6) / result.responses);
      }
    }
    for (const variant of variants) {
      console.log(
        `${variant.v} (${variant.entryFile} ${arg(`${variant.v}-env`) ?? ''} ${arg(`${variant.v}-flags`) ?? ''}): ${median(variant.rps).toFixed(0)} req/s, server CPU ${median(variant.cpu).toFixed(0)} µs/req (main thread ${median(variant.main).toFixed(0)}); rounds: ${variant.rps.map((x) => x.toFixed(0)).join(' ')}`,
      );
    }
    const [a, b] = variants;
    const paired = (xs: number[], ys: number[]) => median(xs.map((x, i) => x / ys[i]));
    console.log(`b / a: throughput ${paired(b.rps, a.rps).toFixed(3)}, main-thread CPU per request ${paired(b.main, a.main).toFixed(3)}`);
    for (const variant of variants) await variant.server.stop();
  } finally {
    await load.stop();
    killAll();
    rmSync(dirname(key.file), { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
