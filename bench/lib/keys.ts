/**
 * An API key for the bench, in a throwaway keys file: the servers run with real authentication (the
 * same hashing and lookup as production), and the key's own item budget is set far above anything the
 * bench sends so rate limiting counts items without ever refusing them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';

export interface BenchKey {
  readonly file: string;
  readonly headers: Readonly<Record<string, string>>;
}

export const BENCH_SCOPES = ['predict', 'sentiment', 'recommend', 'models:read'] as const;

export async function createBenchKey(dir = mkdtempSync(join(tmpdir(), 'gateway-bench-keys-'))): Promise<BenchKey> {
  const { key, record } = createKeyRecord({ id: 'bench', scopes: [...BENCH_SCOPES], itemsPerMinute: 1_000_000_000 });
  const file = join(dir, 'keys.json');
  await writeKeysFile(file, { keys: [record] });
  return { file, headers: { 'x-api-key': key } };
}
