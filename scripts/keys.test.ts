import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Authenticator, createAuthenticator } from '../src/auth/authenticator.js';
import { hasScope } from '../src/auth/principal.js';
import { GatewayError } from '../src/errors/gateway-error.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY_PATTERN = /^gwk_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as a real child process, the way `npm run keys -- ...` does. */
function keys(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(root, 'scripts/keys.ts'), ...args],
      { cwd: root, env: { ...process.env, API_KEYS_FILE: '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
let file: string;
const authenticators: Authenticator[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-keys-cli-'));
  file = join(dir, 'keys.json');
});
afterEach(async () => {
  for (const authenticator of authenticators.splice(0)) await authenticator.close();
  await rm(dir, { recursive: true, force: true });
});

function authenticatorOn(keysFile: string): Authenticator {
  const authenticator = createAuthenticator(
    { isProduction: true, apiKeysFile: keysFile, introspection: 'admin', authorization: true },
    { keysFileDebounceMs: 20 },
  );
  authenticators.push(authenticator);
  return authenticator;
}

async function refusalReason(authenticator: Authenticator, key: string): Promise<unknown> {
  return authenticator.authenticate({ 'x-api-key': key }).then(
    () => 'accepted',
    (error: unknown) => (error instanceof GatewayError ? `${error.code}: ${error.message}` : error),
  );
}

async function createKey(args: readonly string[]): Promise<string> {
  const run = await keys(['create', ...args, '--file', file]);
  expect(run.stderr).not.toMatch(/^keys:/m);
  expect(run.code).toBe(0);
  const key = run.stdout.trim();
  expect(key).toMatch(KEY_PATTERN);
  return key;
}

describe('keys CLI', () => {
  it('creates a key that authenticates with its scopes, storing only its hash', async () => {
    const nextYear = `${new Date().getUTCFullYear() + 1}-06-01`;
    const run = await keys([
      'create',
      '--id',
      'web-app',
      '--scopes',
      'sentiment,recommend',
      '--expires',
      nextYear,
      '--rate-limit',
      '6000',
      '--file',
      file,
    ]);
    expect(run.code).toBe(0);
    const key = run.stdout.trim();
    expect(run.stdout).toBe(`${key}\n`); // stdout holds the key and nothing else, for piping
    expect(key).toMatch(KEY_PATTERN);
    expect(run.stderr).toContain('created API key "web-app" (scopes sentiment, recommend;');
    expect(run.stderr).toContain('it cannot be shown again');
    expect(run.stderr).not.toContain(key);

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(17)); // nor its secret part
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const principal = await authenticatorOn(file).authenticate({ authorization: `Bearer ${key}` });
    expect(principal).toMatchObject({ kind: 'api-key', id: 'web-app', rateLimit: { itemsPerMinute: 6000 } });
    expect([...principal.scopes]).toEqual(['sentiment', 'recommend']);
    expect(hasScope(principal, 'predict')).toBe(false);
    expect(principal.expiresAt?.toISOString()).toBe(`${nextYear}T00:00:00.000Z`);
  });

  it('revokes a key, which a running gateway refuses once it has reloaded the file', async () => {
    const key = await createKey(['--id', 'web-app', '--scopes', 'sentiment']);
    const other = await createKey(['--id', 'batch-job', '--scopes', 'predict:iris']);
    const gateway = authenticatorOn(file);
    expect(await refusalReason(gateway, key)).toBe('accepted');

    const run = await keys(['revoke', '--id', 'web-app', '--file', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('revoked key "web-app"');
    await vi.waitFor(async () => expect(await refusalReason(gateway, key)).toBe('UNAUTHENTICATED: API key revoked'), {
      timeout: 5000,
      interval: 25,
    });
    expect(await refusalReason(gateway, other)).toBe('accepted');

    // Revoking twice changes nothing and is not an error.
    const before = await readFile(file, 'utf8');
    expect((await keys(['revoke', '--id', 'web-app', '--file', file])).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('deletes a key', async () => {
    const key = await createKey(['--id', 'temp', '--scopes', 'models:read']);
    await createKey(['--id', 'keep', '--scopes', 'models:read']);
    const gateway = authenticatorOn(file);
    expect((await keys(['delete', '--id', 'temp', '--file', file])).code).toBe(0);
    await gateway.reloadKeys();
    expect(await refusalReason(gateway, key)).toBe('UNAUTHENTICATED: unknown API key');
    expect(JSON.parse(await readFile(file, 'utf8')).keys.map((k: { id: string }) => k.id)).toEqual(['keep']);
  });

  it('lists ids, scopes, dates and status, never secrets', async () => {
    const key = await createKey(['--id', 'web-app', '--scopes', 'sentiment,recommend', '--rate-limit', '600']);
    await createKey(['--id', 'admin-tool', '--scopes', 'admin']);
    await keys(['revoke', '--id', 'admin-tool', '--file', file]);
    const stored = JSON.parse(await readFile(file, 'utf8')).keys as { lookup: string; hash: string; salt: string }[];

    const table = await keys(['list', '--file', file]);
    const json = await keys(['list', '--json', '--file', file]);
    expect(table.code).toBe(0);
    expect(json.code).toBe(0);
    for (const output of [table.stdout, json.stdout]) {
      expect(output).not.toContain(key);
      for (const record of stored) {
        for (const secret of [record.lookup, record.hash, record.salt]) expect(output).not.toContain(secret);
      }
    }
    expect(table.stdout).toMatch(/^ID +STATUS +SCOPES +CREATED +EXPIRES +REVOKED +ITEMS\/MIN$/m);
    expect(table.stdout).toMatch(/^web-app +active +sentiment,recommend +\S+ +- +- +600$/m);
    expect(table.stdout).toMatch(/^admin-tool +revoked +admin /m);
    const rows = JSON.parse(json.stdout);
    expect(rows.map((row: { id: string; status: string }) => [row.id, row.status])).toEqual([
      ['web-app', 'active'],
      ['admin-tool', 'revoked'],
    ]);
    expect(Object.keys(rows[0]).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'itemsPerMinute', 'revokedAt', 'scopes', 'status']);
  });

  it('uses API_KEYS_FILE when --file is not given', async () => {
    const run = await keys(['create', '--id', 'from-env', '--scopes', 'recommend'], { API_KEYS_FILE: file });
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8')).keys[0].id).toBe('from-env');
  });

  it('fails with exit code 2 and a clear message on bad usage, leaving the file alone', async () => {
    await createKey(['--id', 'web-app', '--scopes', 'sentiment']);
    const before = await readFile(file, 'utf8');
    const cases: [string[], string][] = [
      [
        ['create', '--id', 'x', '--scopes', 'sentiment,write'],
        '--scopes: each must be one of predict, recommend, sentiment, models:read, admin or predict:<model>, but got "write"',
      ],
      [
        ['create', '--id', 'web-app', '--scopes', 'sentiment'],
        `--id: a key "web-app" already exists in ${file}; revoke or delete it first`,
      ],
      [['create', '--scopes', 'sentiment'], '--id is required'],
      [['create', '--id', 'x'], '--scopes is required'],
      [['create', '--id', 'bad id', '--scopes', 'sentiment'], '--id: must be 1-64 letters'],
      [['create', '--id', 'x', '--scopes', 'sentiment', '--expires', '2020-01-01'], '--expires: must be in the future, but got 2020-01-01'],
      [['create', '--id', 'x', '--scopes', 'sentiment', '--expires', 'tomorrow'], '--expires: must be a date such as 2027-01-01'],
      [['create', '--id', 'x', '--scopes', 'sentiment', '--rate-limit', '0'], '--rate-limit: must be a positive whole number'],
      [['revoke', '--id', 'nobody'], `--id: no key "nobody" in ${file}`],
      [['list', '--id', 'web-app'], 'list does not take --id'],
      [['create', '--id', 'x', '--scopes', 'sentiment', '--colour', 'red'], "Unknown option '--colour'"],
      [['rotate'], 'unknown command "rotate": must be create, list, revoke or delete'],
    ];
    const runs = await Promise.all(cases.map(([args]) => keys([...args, '--file', file])));
    runs.forEach((run, index) => {
      expect({ args: cases[index][0], code: run.code }).toEqual({ args: cases[index][0], code: 2 });
      expect(run.stderr).toContain(cases[index][1]);
      expect(run.stdout).toBe('');
    });
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await keys([])).code).toBe(2);
    expect((await keys(['help'])).stdout).toContain('usage: npm run keys -- <command>');
  }, 60_000);

  it('fails with exit code 1 on an invalid keys file, naming the file and the field', async () => {
    await writeFile(file, JSON.stringify({ keys: [{ id: 'hand-made', key: 'gwk_secret' }] }));
    const run = await keys(['create', '--id', 'x', '--scopes', 'sentiment', '--file', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`invalid API keys file ${file}`);
    expect(run.stderr).toContain('keys[0]: must not have "key"');
    expect(run.stderr).not.toContain('gwk_secret');
  });
});
