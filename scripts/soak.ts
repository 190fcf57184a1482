/**
 * Soak test: steady load from this process on a real server process for minutes, with a mix of valid and invalid
 * queries. Passes when no valid query ever gets a 5xx and the server's RSS grows less than 10 % after
 * warm-up. Prints a short report; exits 1 when a goal is missed.
 *
 *   npm run soak                      # 3 minutes after a 30 s warm-up
 *   npm run soak -- --minutes 10 --connections 16
 *   npm run soak -- --seconds 20      # a quick smoke run
 */
import { spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');

interface Mix {
  readonly name: string;
  readonly valid: boolean;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

const flower = (i: number) => ({
  features: { sepalLength: 4.5 + (i % 30) / 10, sepalWidth: 3, petalLength: 1 + (i % 50) / 10, petalWidth: (i % 25) / 10 },
});
const MIX: Mix[] = [
  {
    name: 'predict iris x1',
    valid: true,
    body: JSON.stringify({
      query: 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label score } }',
      variables: { i: [flower(1)] },
    }),
  },
  {
    name: 'predict iris x64',
    valid: true,
    body: JSON.stringify({
      query: 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }',
      variables: { i: Array.from({ length: 64 }, (_, i) => flower(i)) },
    }),
  },
  {
    name: 'multi-model',
    valid: true,
    body: JSON.stringify({
      query:
        '{ a: classifySentiment(text: "I loved this movie") { label } b: recommendMovies(history: [{ movieId: "m0001", rating: 5 }, { movieId: "m0002", rating: 2 }], limit: 5) { score } c: predict(model: "demand-forecast", instances: [{ features: { dayOfWeek: 2, dayOfYear: 100, daysSinceLaunch: 800, price: 24.99, discountPct: 10, isHoliday: 0 } }]) { value } }',
    }),
  },
  { name: 'models', valid: true, body: JSON.stringify({ query: '{ models { name status versions } }' }) },
  {
    name: 'unknown feature',
    valid: false,
    body: JSON.stringify({ query: '{ predict(model: "iris", instances: [{ features: { petals: 1 } }]) { label } }' }),
  },
  {
    name: 'unknown model',
    valid: false,
    body: JSON.stringify({ query: '{ predict(model: "nope", instances: [{ features: {} }]) { label } }' }),
  },
  { name: 'syntax error', valid: false, body: '{"query": "{ predict( "}' },
  { name: 'malformed JSON', valid: false, body: '{"query": ' },
  {
    name: 'bad key',
    valid: false,
    body: JSON.stringify({ query: '{ __typename }' }),
    headers: { 'x-api-key': 'gwk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
  },
  { name: 'empty text', valid: false, body: JSON.stringify({ query: '{ classifySentiment(text: "") { label } }' }) },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '3' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '8' },
    },
  });
  const measureSeconds = values.seconds ? Number(values.seconds) : Number(values.minutes) * 60;
  const warmupSeconds = values.warmup ? Number(values.warmup) : Math.min(30, Math.max(3, Math.round(measureSeconds / 6)));
  const connections = Number(values.connections);

  const server = await startServer();
  try {
    const statuses = new Map<string, Map<number, number>>(MIX.map((m) => [m.name, new Map()]));
    const record = (name: string, status: number) => {
      const counts = statuses.get(name)!;
      counts.set(status, (counts.get(status) ?? 0) + 1);
    };
    // Each client cycles through the mix; every response is attributed to the request that caused it.
    const run = (seconds: number) => load(server.origin, connections, seconds, record);
    console.log(`warming up for ${warmupSeconds} s ...`);
    await run(warmupSeconds);
    const rssAfterWarmup = await rssOf(server.origin);
    for (const counts of statuses.values()) counts.clear();

    console.log(`soaking for ${measureSeconds} s with ${connections} connections ...`);
    const samples: number[] = [rssAfterWarmup];
    const sampler = setInterval(
      () =>
        void rssOf(server.origin).then(
          (rss) => samples.push(rss),
          () => {},
        ),
      5_000,
    );
    const result = await run(measureSeconds);
    clearInterval(sampler);
    samples.push(await rssOf(server.origin));
    // RSS moves with every GC cycle: compare the median of the first and the last quarter of the samples.
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const rssEarly = median(samples.slice(0, quarter));
    const rssLate = median(samples.slice(-quarter));

    const validServerErrors = MIX.filter((m) => m.valid).reduce(
      (sum, m) => sum + [...statuses.get(m.name)!].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0),
      0,
    );
    const anyServerErrors = [...statuses.values()].reduce(
      (sum, counts) => sum + [...counts].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0),
      0,
    );
    const growth = (rssLate - rssEarly) / rssEarly;

    console.log('\nsoak report');
    console.table(
      Object.fromEntries(
        MIX.map((m) => [m.name, { valid: m.valid, statuses: [...statuses.get(m.name)!].map(([s, n]) => `${s}×${n}`).join(' ') }]),
      ),
    );
    console.log(
      `requests ${result.requests}, ${Math.round(result.requests / measureSeconds)} req/s, latency p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, connection errors ${result.errors}`,
    );
    console.log(
      `RSS (median of each quarter of ${samples.length} samples, every 5 s): first ${mb(rssEarly)} MB, last ${mb(rssLate)} MB (growth ${(growth * 100).toFixed(1)} %), max ${mb(Math.max(...samples))} MB`,
    );
    const ok = validServerErrors === 0 && growth < 0.1 && result.errors === 0;
    console.log(
      `${ok ? 'PASS' : 'FAIL'}: 5xx for valid queries ${validServerErrors} (goal 0), 5xx in all ${anyServerErrors}, RSS growth ${(growth * 100).toFixed(1)} % (goal < 10 %)`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    server.stop();
  }
}

/** Starts the gateway as its own process on a free port; resolves once it is ready. */
async function startServer(): Promise<{ origin: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_ITEMS_PER_MINUTE: '100000000',
      API_KEYS_FILE: '',
      AUTH_JWT_SECRET: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let attempt = 0; attempt < 300 && !exited; attempt += 1) {
    const ready = await fetch(`${origin}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { origin, stop: () => child.kill('SIGTERM') };
    await new Promise((resolve) => {
      setTimeout(resolve, 100);
    });
  }
  child.kill('SIGKILL');
  throw new Error(exited ? 'the server exited before it was ready' : 'the server did not become ready within 30 s');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** `connections` clients, each sending the mix in turn over keep-alive for `seconds`. */
async function load(origin: string, connections: number, seconds: number, record: (name: string, status: number) => void) {
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const client = async (offset: number) => {
    for (let i = offset; performance.now() < deadline; i += 1) {
      const mix = MIX[i % MIX.length];
      const started = performance.now();
      try {
        const response = await fetch(`${origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key', ...mix.headers },
          body: mix.body,
        });
        await response.arrayBuffer();
        record(mix.name, response.status);
        latencies.push(performance.now() - started);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, c) => client(c)));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, p50: at(0.5), p99: at(0.99), errors };
}

async function rssOf(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const match = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
  if (!match) throw new Error('/metrics has no process_resident_memory_bytes');
  return Number(match[1]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
