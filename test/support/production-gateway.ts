/**
 * A production-mode gateway over real HTTP with an API keys file of the given keys, and a pino
 * logger whose lines the test can read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from './gateway-server.js';

/** Log lines as written (raw, to measure them) and parsed. */
export interface CapturedLogs {
  readonly logger: Logger;
  readonly raw: string[];
  parsed(): Record<string, unknown>[];
}

export function captureLogs(level = 'info'): CapturedLogs {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) raw.push(line);
      done();
    },
  });
  return { logger: pino({ level }, sink), raw, parsed: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

export interface ProductionGateway {
  readonly server: TestServer;
  /** Each key's secret by the id it was created with. */
  readonly keys: Readonly<Record<string, string>>;
  readonly logs: CapturedLogs;
  /** `{ 'x-api-key': <key> }` for a key id. */
  as(id: string): Record<string, string>;
  close(): Promise<void>;
}

/** NODE_ENV=production, a keys file holding one key per entry of `scopesById`, and `env` on top. */
export async function startProductionGateway(
  scopesById: Record<string, string[]>,
  env: Record<string, string> = {},
): Promise<ProductionGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'prod-gateway-'));
  const keys: Record<string, string> = {};
  const records = [];
  for (const [id, scopes] of Object.entries(scopesById)) {
    const { key, record } = createKeyRecord({ id, scopes });
    keys[id] = key;
    records.push(record);
  }
  await writeKeysFile(join(dir, 'keys.json'), { keys: records });
  const logs = captureLogs();
  const server = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: join(dir, 'keys.json'), ...env }, { logger: logs.logger });
  return {
    server,
    keys,
    logs,
    as: (id) => ({ 'x-api-key': keys[id] }),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
