/**
 * Runs the gateway as a real process (`src/main.ts` under tsx) and speaks HTTP to it: for tests that
 * change its model repository under load, or read its own memory, apart from the test runner's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface GatewayProcess {
  readonly port: number;
  /** Every JSON log line so far. */
  readonly logs: Record<string, unknown>[];
  /** POSTs a GraphQL request over a keep-alive connection; resolves with status and body. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer<T>>;
  /** GETs a JSON route (`/readyz`); resolves with status and parsed body. */
  getJson<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }>;
  /** One sample of a metric from /metrics (the line that matches `name{labels}` exactly), or undefined. */
  metric(series: string): Promise<number | undefined>;
  /** SIGTERM, and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface HttpAnswer<T> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** Starts `src/main.ts` with `env` on a port the OS picks; resolves once every model is loaded or failed. */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    // development, not test: Apollo installs its own signal handlers only outside NODE_ENV=test, where they would interfere with ours.
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      INFERENCE_WORKERS: '1',
      API_KEYS_FILE: '',
      AUTH_JWT_SECRET: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += String(chunk);
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
  });
  // (expect.poll works only inside a test, and this runs in beforeAll too.)
  for (let waited = 0; !logs.some((l) => String(l.msg).startsWith('ready')); waited += 50) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with code ${child.exitCode}: ${JSON.stringify(logs.slice(-3))}`);
    if (waited > 60_000) {
      child.kill('SIGKILL');
      throw new Error('the gateway did not get ready within 60 s');
    }
    await new Promise((resolve) => {
      setTimeout(resolve, 50);
    });
  }
  const port = Number(new URL(String(logs.find((l) => l.url)!.url)).port);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  return {
    port,
    logs,
    async gql(query, variables, headers = { 'x-api-key': 'dev-key' }) {
      const {
        status,
        headers: answerHeaders,
        text,
      } = await send('POST', '/graphql', { 'content-type': 'application/json', ...headers }, JSON.stringify({ query, variables }));
      return { status, headers: answerHeaders, body: JSON.parse(text) };
    },
    async getJson(path) {
      const { status, text } = await send('GET', path, {});
      return { status, body: JSON.parse(text) };
    },
    async metric(series) {
      const { text } = await send('GET', '/metrics', {});
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    },
    async stop() {
      agent.destroy();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
