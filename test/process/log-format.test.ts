/**
 * LOG_FORMAT on a real gateway process: pretty lines for people in development (pino-pretty), down to
 * the last line written before the process exits; JSON lines otherwise (every other process test reads
 * those from a pipe, where JSON is the default).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Starts src/main.ts with `env`; `lines` fills as stdout arrives, `exited` resolves with the exit code. */
function startMain(env: Record<string, string>): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', INFERENCE_WORKERS: '1', API_KEYS_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk) => {
    buffered += String(chunk);
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
  });
  return { child, lines, exited };
}

describe('LOG_FORMAT', () => {
  it('pretty: one readable line per entry, not JSON, up to the shutdown line', { timeout: 120_000 }, async () => {
    const { child, lines, exited } = startMain({ LOG_FORMAT: 'pretty' });
    await expect
      .poll(() => lines.some((line) => line.includes('ready: every model loaded or failed')), { timeout: 60_000, interval: 50 })
      .toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const plain = lines.map((line) => stripVTControlCharacters(line));
    expect(plain.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: model iris ready/.test(line))).toBe(true);
    expect(plain.at(-1)).toMatch(/INFO: shutdown complete \{"requestsReceived":0,"requestsAnswered":0\}$/);
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it('json (the default on a pipe): every line is a JSON object', { timeout: 120_000 }, async () => {
    const { child, lines, exited } = startMain({});
    await expect
      .poll(() => lines.some((line) => line.includes('ready: every model loaded or failed')), { timeout: 60_000, interval: 50 })
      .toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const entries = lines.filter((line) => line !== '').map((line) => JSON.parse(line) as { msg: string; service: string });
    expect(entries.at(-1)).toMatchObject({ msg: 'shutdown complete', service: 'onnx-graphql-gateway' });
  });
});
