/**
 * Servers under test, each in its own process on a free port: the gateway (compiled `dist/main.js`, or
 * the TypeScript sources through tsx), the bare Fastify server that sets the HTTP limit, and the
 * hand-written REST baseline. Start-up is timed from spawn to the first `/readyz` 200; the server's
 * log goes to a file for diagnosis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, track } from './children.js';
import { type MetricSample, parsePrometheus } from './prometheus.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type ServerEntry = 'dist' | 'source';

/**
 * The V8 flags the gateway is deployed with (`npm start`, the Dockerfile): the bench runs it the same way.
 * A 32 MB young generation cuts scavenges on big answers; a 1 GB old-space ceiling makes Node 24's V8
 * collect before it grows the heap to its multi-GB default (RSS after load: 387 → 276 MB here, while
 * leaving room for bursts of large bodies).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32', '--max-old-space-size=1024'];

export interface GatewayProcessOptions {
  /** Names the server in errors and its log file. */
  readonly label: string;
  readonly entry: ServerEntry;
  readonly modelsDir: string;
  /** Where the server's stdout and stderr go. */
  readonly logDir: string;
  /** Gateway configuration (NODE_ENV, LOG_LEVEL, API_KEYS_FILE, AUTHORIZATION, ...); PORT and HOST are set here. */
  readonly env: Readonly<Record<string, string>>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** V8 flags in place of GATEWAY_NODE_FLAGS (`[]`: Node's defaults). */
  readonly nodeFlags?: readonly string[];
  /** A main.js other than dist/main.js (an experimental build), for profiling. */
  readonly entryFile?: string;
  /** The Node.js binary (default: the one running the bench). */
  readonly nodeBinary?: string;
}

export class ServerProcess {
  private constructor(
    readonly label: string,
    readonly child: ChildProcess,
    readonly origin: string,
    /** The metrics listener (production serves /metrics there, not on the API port). */
    readonly metricsOrigin: string,
    /** From spawn to the first 200 on /readyz. */
    readonly startupMs: number,
    readonly logFile: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts the gateway and waits until /readyz answers 200 (every model loaded or failed). */
  static async startGateway(options: GatewayProcessOptions): Promise<ServerProcess> {
    const distEntry = options.entryFile ?? join(PROJECT_ROOT, 'dist/main.js');
    const flags = [...(options.nodeFlags ?? GATEWAY_NODE_FLAGS), ...(options.nodeArgs ?? [])];
    const args = options.entry === 'dist' ? [...flags, distEntry] : [...flags, '--import', 'tsx', join(PROJECT_ROOT, 'src/main.ts')];
    if (options.entry === 'dist' && !existsSync(distEntry)) {
      throw new Error(
        'dist/main.js must exist to bench the compiled server, but it does not: run `npm run build` first (or pass --server=source)',
      );
    }
    return ServerProcess.start(options.label, args, options.logDir, { MODELS_DIR: options.modelsDir, ...options.env }, options.nodeBinary);
  }

  /** Starts the bare Fastify server (no GraphQL) answering POST /graphql with `responseBody`. */
  static async startBareFastify(label: string, logDir: string, responseBody: string): Promise<ServerProcess> {
    const entry = fileURLToPath(new URL('../servers/bare-fastify.ts', import.meta.url));
    return ServerProcess.start(label, ['--import', 'tsx', entry], logDir, { NODE_ENV: 'production', BARE_RESPONSE: responseBody });
  }

  /**
   * Starts the hand-written REST baseline (bench/servers/rest-baseline.ts): POST /predict on the iris
   * model in `modelDir` (a version folder), accepting only `apiKey`.
   */
  static async startRestBaseline(label: string, logDir: string, modelDir: string, apiKey: string): Promise<ServerProcess> {
    const entry = fileURLToPath(new URL('../servers/rest-baseline.ts', import.meta.url));
    return ServerProcess.start(label, ['--import', 'tsx', entry], logDir, { NODE_ENV: 'production', MODEL_DIR: modelDir, API_KEY: apiKey });
  }

  private static async start(
    label: string,
    args: string[],
    logDir: string,
    env: Record<string, string>,
    nodeBinary = process.execPath,
  ): Promise<ServerProcess> {
    const port = await freePort();
    const metricsPort = await freePort();
    const logFile = join(logDir, `${label}.log`);
    const log = openSync(logFile, 'w');
    const startedAt = performance.now();
    const child = track(
      spawn(nodeBinary, args, {
        cwd: PROJECT_ROOT,
        // A clean environment: only what the server is given, never the bench's (or vitest's) variables.
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          HOST: '127.0.0.1',
          PORT: String(port),
          METRICS_PORT: String(metricsPort),
          ...env,
        },
        stdio: ['ignore', log, log],
      }),
    );
    closeSync(log);
    const origin = `http://127.0.0.1:${port}`;
    let exited: string | null = null;
    child.once('exit', (code, signal) => (exited = `exited with code ${code}, signal ${signal}`));
    const deadline = startedAt + 120_000;
    while (performance.now() < deadline) {
      if (exited) throw new Error(`server ${label} ${exited} before it was ready; its log ends:\n${tail(logFile)}`);
      try {
        const response = await fetch(`${origin}/readyz`);
        await response.arrayBuffer();
        if (response.status === 200)
          return new ServerProcess(label, child, origin, `http://127.0.0.1:${metricsPort}`, performance.now() - startedAt, logFile);
      } catch {
        // not listening yet
      }
      await sleep(5);
    }
    await stopChild(child);
    throw new Error(`server ${label} must answer /readyz with 200 within 120 s, but it did not; its log ends:\n${tail(logFile)}`);
  }

  /**
   * CPU seconds the server process has used so far: the main thread and all threads (inference workers
   * included), from /proc (Linux; NaN elsewhere). Unlike throughput, barely disturbed by other load.
   */
  cpuSeconds(): { main: number; total: number } {
    return processCpuSeconds(this.pid);
  }

  /** The server's Prometheus metrics, parsed. */
  async metrics(): Promise<MetricSample[]> {
    const response = await fetch(`${this.metricsOrigin}/metrics`);
    if (response.status !== 200) throw new Error(`GET /metrics on ${this.label} must answer 200, but got ${response.status}`);
    return parsePrometheus(await response.text());
  }

  /** POSTs a GraphQL request and returns the parsed body; throws on HTTP errors or GraphQL errors. */
  async graphql<T = Record<string, unknown>>(body: string, headers: Readonly<Record<string, string>>): Promise<T> {
    const response = await fetch(`${this.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const text = await response.text();
    const parsed = JSON.parse(text) as { data?: T; errors?: unknown[] };
    if (response.status !== 200 || parsed.errors)
      throw new Error(`the query on ${this.label} must succeed, but got HTTP ${response.status}: ${text.slice(0, 500)}`);
    return parsed.data as T;
  }

  /** SIGTERM (the gateway drains and exits), SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs = 10_000): Promise<void> {
    return stopChild(this.child, graceMs);
  }

  logTail(): string {
    return tail(this.logFile);
  }
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node runs on

export function processCpuSeconds(pid: number): { main: number; total: number } {
  const ticks = (statFile: string) => {
    // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  try {
    return {
      main: ticks(`/proc/${pid}/task/${pid}/stat`) / CLOCK_TICKS_PER_SECOND,
      total: ticks(`/proc/${pid}/stat`) / CLOCK_TICKS_PER_SECOND,
    };
  } catch {
    return { main: Number.NaN, total: Number.NaN };
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

/** Starts several servers at once; if any fails, stops the others and rethrows. */
export async function startTogether(starts: readonly (() => Promise<ServerProcess>)[]): Promise<ServerProcess[]> {
  const settled = await Promise.allSettled(starts.map((start) => start()));
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((server) => server.stop()));
    throw failure.reason;
  }
  return started;
}
