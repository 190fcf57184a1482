/**
 * Profiles the gateway's main thread under one bench load: starts the compiled gateway with
 * `--cpu-prof` (production mode, bench key, info logging), warms up, records under load, stops it and
 * prints the server's CPU per request (from /proc) and where the time went, by package, by function
 * and inclusive (`bench/lib/profile-summary.ts`). The profile is wall-clock sampled: time the thread
 * spends preempted inside a syscall (writev on a busy machine) shows up there; /proc CPU does not.
 *
 *   npx tsx bench/profile.ts [--scenario=predict-1|noop|big|multi] [--duration=10] [--connections=32]
 *                            [--env=KEY=VALUE,...] [--entry=path/main.js] [--no-profile]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { killAll } from './lib/children.js';
import { createBenchKey } from './lib/keys.js';
import { LoadClient } from './lib/load-client.js';
import { inclusiveMs, summarise, topInclusive } from './lib/profile-summary.js';
import { cliArg, graphqlPost, PROFILE_SCENARIOS } from './lib/queries.js';
import { PROJECT_ROOT, ServerProcess } from './lib/server-process.js';

const SCENARIOS = PROFILE_SCENARIOS;
const arg = cliArg;

async function main(): Promise<void> {
  const name = arg('scenario') ?? 'predict-1';
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, but got "${name}"`);
  const durationSec = Number(arg('duration') ?? 10);
  const connections = Number(arg('connections') ?? scenario.connections);
  const extraEnv = Object.fromEntries(
    (arg('env') ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  /** Another build of the gateway (an experimental copy of dist/, say); default dist/main.js. */
  const entryFile = arg('entry');
  const profiling = !process.argv.includes('--no-profile');

  const profileDir = mkdtempSync(join(tmpdir(), 'gateway-profile-'));
  const key = await createBenchKey();
  const load = await LoadClient.start();
  try {
    const server = await ServerProcess.startGateway({
      label: `profile-${name}`,
      entry: 'dist',
      ...(entryFile ? { entryFile } : {}),
      modelsDir: join(PROJECT_ROOT, 'models'),
      logDir: profileDir,
      env: { NODE_ENV: 'production', LOG_LEVEL: 'info', API_KEYS_FILE: key.file, ...extraEnv },
      nodeArgs: profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const requests = [graphqlPost(scenario.body, key.headers)];
    const warmup = await load.run({ origin: server.origin, connections, durationSec: 3, requests });
    const cpuBefore = server.cpuSeconds();
    const result = await load.run({ origin: server.origin, connections, durationSec, requests });
    const cpuAfter = server.cpuSeconds();
    await server.stop(60_000); // writing the profile at exit takes a while
    const responses = result.responses;
    console.log(`${name} c${connections}: ${result.responsesPerSec.toFixed(0)} req/s, p99 ${result.latencyMs.p99.toFixed(2)} ms`);
    console.log(
      `server CPU per request: main thread ${(((cpuAfter.main - cpuBefore.main) * 1e6) / responses).toFixed(0)} µs, whole process ${(((cpuAfter.total - cpuBefore.total) * 1e6) / responses).toFixed(0)} µs`,
    );
    if (!profiling) return;

    const file = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(profileDir, f))
      .sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const summary = summarise(profile);
    const busy = summary.totalMs - summary.idleMs;
    const servedRequests = served(warmup.responses, responses);
    const perRequest = (ms: number) => `${((ms * 1000) / servedRequests).toFixed(1).padStart(6)} µs/req`;
    console.log(
      `main-thread profile (whole process life): busy ${busy.toFixed(0)} ms over ${servedRequests} requests\n\nself time by package:`,
    );
    for (const [pkg, ms] of summary.byPackage.slice(0, 25))
      console.log(`${((100 * ms) / busy).toFixed(1).padStart(5)}% ${perRequest(ms)}  ${pkg}`);
    console.log('\nself time by function:');
    for (const [fn, ms] of summary.byFunction.slice(0, 40))
      console.log(`${((100 * ms) / busy).toFixed(1).padStart(5)}% ${perRequest(ms)}  ${fn}`);
    console.log('\ninclusive, gateway and GraphQL libraries:');
    const libraries =
      /^(gateway\/|@apollo\/server|@as-integrations|graphql|type-graphql|graphql-shield|graphql-middleware|pino|prom-client|fastify|dataloader|rate-limiter-flexible)/;
    for (const [fn, ms] of topInclusive(profile, (pkg) => libraries.test(pkg), 45)) console.log(`${perRequest(ms)}  ${fn}`);
    console.log(
      `${perRequest(inclusiveMs(profile, (node) => node.callFrame.functionName === '(garbage collector)'))}  (garbage collector)`,
    );
    console.log(`\nprofile: ${file}`);
  } finally {
    await load.stop();
    killAll();
    rmSync(dirname(key.file), { recursive: true, force: true });
  }
}

// The profiles span the whole process life: per-request figures divide by every request it served.
function served(warmup: number, measured: number): number {
  return warmup + measured;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
