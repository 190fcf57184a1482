/**
 * A real redis-server (Debian's package, /usr/bin/redis-server) for the tests of shared rate limits:
 * on 127.0.0.1 and a free port, nothing written to disk, stopped after. No mock of Redis anywhere.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';

export const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * Why the Redis tests cannot run here, or undefined when they can. A machine without redis-server skips
 * them; in CI (CI set) they always run, and fail if it is missing (`.ci/run` installs it).
 */
export function redisSkipReason(): string | undefined {
  if (existsSync(REDIS_SERVER) || process.env.CI) return undefined;
  return `Redis tests skipped: ${REDIS_SERVER} is missing (install it with \`apt-get install -y redis-server\`; CI always runs them)`;
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGKILL: the server vanishes mid-conversation, as in a crash. Resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its connections open and answers nothing (a hung or overloaded Redis). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Starts a new, empty server on the same port (after kill()). */
  restart(): Promise<void>;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts redis-server on a free port; resolves once it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  // Another process may take the port between our probe and redis-server's bind: then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await serverOn(port);
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

async function serverOn(port: number): Promise<RedisServer> {
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => terminate(child, 'SIGKILL'),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async restart() {
      if (child.exitCode === null && child.signalCode === null) throw new Error('restart() needs the server stopped first (kill())');
      child = await launch(port);
    },
    async stop() {
      child.kill('SIGCONT'); // a paused server would never see the SIGTERM
      await terminate(child, 'SIGTERM');
    },
  };
}

/** Spawns redis-server on `port`; resolves once its log says it accepts connections, rejects if it exits first. */
function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir(), '--loglevel', 'notice'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume(); // keep draining its log so it never blocks on a full pipe
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += String(chunk);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server on port ${port} exited (${code ?? signal}): ${output.slice(-500)}`)),
    );
  });
}

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
  });
  child.kill(signal);
  return exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
