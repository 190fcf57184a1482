/**
 * Drives a load-generator child process (`load-process.ts`) over IPC: the load never shares an event
 * loop with the server or with the bench itself.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild, track } from './children.js';
import type { LoadResult, LoadSpec } from './load-types.js';

type Reply = { id: number; ok: true; result: LoadResult } | { id: number; ok: false; error: string };

export class LoadClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: Reply | { ready: true }) => {
      if ('ready' in message) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`the load process failed: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the load process exited (code ${code}, signal ${signal})`));
      this.pending.clear();
    });
  }

  static async start(): Promise<LoadClient> {
    const entry = fileURLToPath(new URL('./load-process.ts', import.meta.url));
    const child = track(
      fork(entry, [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, NODE_ENV: 'production' },
      }),
    );
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the load process exited at start with code ${code}`)));
    });
    return new LoadClient(child);
  }

  /** Runs one load; rejects when any response failed, so a broken query never yields a number. */
  async run(spec: LoadSpec): Promise<LoadResult> {
    const result = await this.runUnchecked(spec);
    if (result.failures > 0 || result.responses === 0) {
      throw new Error(
        `load on ${spec.requests.map((r) => r.path).join(', ')} must succeed, but ${result.failures} of ${result.failures + result.responses} responses failed` +
          (result.failureSample ? `; first: ${result.failureSample}` : ''),
      );
    }
    return result;
  }

  runUnchecked(spec: LoadSpec): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise<LoadResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, spec });
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child, 2_000);
  }
}
