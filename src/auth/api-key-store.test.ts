import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ApiKeyRecord,
  ApiKeyStore,
  apiKeyLookup,
  createKeyRecord,
  generateApiKey,
  hashApiKey,
  KeysFileError,
  parseKeysFile,
  writeKeysFile,
} from './api-key-store.js';

let dir: string;
let file: string;
const stores: ApiKeyStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-keys-'));
  file = join(dir, 'keys.json');
});
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  await rm(dir, { recursive: true, force: true });
});

function openStore(options: ConstructorParameters<typeof ApiKeyStore>[1] = {}): ApiKeyStore {
  const store = new ApiKeyStore(file, { watch: false, ...options });
  stores.push(store);
  return store;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KeysFileError);
    expect((error as KeysFileError).message).toContain(file);
    return (error as KeysFileError).problems;
  }
  throw new Error('expected a KeysFileError');
}

describe('key format and hashing', () => {
  it('generates gwk_<12 base62>_<43 base64url> keys whose lookup part can be read back', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { key, lookup } = generateApiKey();
      expect(key).toMatch(/^gwk_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/);
      expect(apiKeyLookup(key)).toBe(lookup);
      seen.add(key);
    }
    expect(seen.size).toBe(200);
    expect(apiKeyLookup('gwk_short_x')).toBeUndefined();
    expect(apiKeyLookup('dev-key')).toBeUndefined();
  });

  it('stores a salted hash of the key and never the key', () => {
    const { key, record } = createKeyRecord({
      id: 'web-app',
      scopes: ['sentiment'],
      itemsPerMinute: 600,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(record).toMatchObject({
      id: 'web-app',
      scopes: ['sentiment'],
      createdAt: '2026-01-01T00:00:00.000Z',
      rateLimit: { itemsPerMinute: 600 },
    });
    expect(record.lookup).toBe(apiKeyLookup(key));
    expect(record.hash).toBe(hashApiKey(key, record.salt));
    expect(JSON.stringify(record)).not.toContain(key);
    expect(JSON.stringify(record)).not.toContain(key.slice(17)); // the secret part
    // Same key, another salt: another hash.
    expect(hashApiKey(key, createKeyRecord({ id: 'x', scopes: ['sentiment'] }).record.salt)).not.toBe(record.hash);
  });
});

describe('keys file', () => {
  it('reports every bad field with its path, naming the file', () => {
    const { record } = createKeyRecord({ id: 'ok', scopes: ['sentiment'] });
    const text = JSON.stringify({
      keys: [
        { ...record, scopes: ['sentiment', 'write'], expiresAt: '2027-01-01', rateLimit: { itemsPerMinute: 0 } },
        { ...record, id: 'ok', lookup: 'AAAAAAAAAAAA' },
        { id: 'no-hash', lookup: 'BBBBBBBBBBBB', salt: record.salt, scopes: [], createdAt: record.createdAt },
      ],
    });
    const problems = problemsOf(() => parseKeysFile(text, file));
    expect(problems).toContain(
      'keys[0].scopes[1]: must be one of predict, recommend, sentiment, models:read, admin or predict:<model>, but got "write"',
    );
    expect(problems).toContain(
      'keys[0].expiresAt: must be an ISO 8601 date-time with a time zone, such as 2027-01-01T00:00:00Z, but got "2027-01-01"',
    );
    expect(problems).toContain('keys[0].rateLimit.itemsPerMinute: must be positive, but got 0');
    expect(problems).toContain('keys[1].id: must be unique, but keys[0] has the same id');
    expect(problems).toContain('keys[2].hash: is required');
    expect(problems).toContain('keys[2].scopes: must list at least one scope, but got an array of 0');
    expect(problems).toHaveLength(6);
  });

  it('refuses a plain key in the file without echoing it, and never echoes hashes or salts', () => {
    const { key, record } = createKeyRecord({ id: 'leaky', scopes: ['sentiment'] });
    const problems = problemsOf(() => parseKeysFile(JSON.stringify({ keys: [{ ...record, key, hash: `${record.hash}!` }] }), file));
    expect(problems.join('\n')).not.toContain(key);
    expect(problems.join('\n')).not.toContain(record.hash);
    expect(problems).toContain('keys[0]: must not have "key" (the file holds lookup, salt and hash, never the key itself)');
    expect(problems).toContain('keys[0].hash: must be a base64url SHA-256 digest of 43 characters');
  });

  it('reports invalid JSON and a missing file', () => {
    expect(problemsOf(() => parseKeysFile('{"keys": [', file))[0]).toMatch(/^must be valid JSON, but /);
    expect(problemsOf(() => openStore())[0]).toMatch(/^cannot be read: ENOENT/);
  });

  it('writes atomically, owner-only, leaving no temp file behind', async () => {
    const { record } = createKeyRecord({ id: 'a', scopes: ['recommend'] });
    await writeKeysFile(file, { keys: [record] });
    await writeKeysFile(file, { keys: [record, createKeyRecord({ id: 'b', scopes: ['admin'] }).record] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['keys.json']);
    expect(parseKeysFile(await readFile(file, 'utf8'), file).keys.map((k) => k.id)).toEqual(['a', 'b']);
  });

  it('refuses to write an invalid file', async () => {
    const { record } = createKeyRecord({ id: 'a', scopes: ['recommend'] });
    await expect(writeKeysFile(file, { keys: [record, record] })).rejects.toThrow(KeysFileError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('ApiKeyStore', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  let web: { key: string; record: ApiKeyRecord };
  let old: { key: string; record: ApiKeyRecord };

  beforeEach(async () => {
    web = createKeyRecord({
      id: 'web-app',
      scopes: ['sentiment', 'recommend'],
      itemsPerMinute: 6000,
      expiresAt: new Date('2027-01-01T00:00:00Z'),
    });
    old = createKeyRecord({ id: 'old-app', scopes: ['predict'], expiresAt: new Date('2026-05-01T00:00:00Z') });
    await writeKeysFile(file, { keys: [web.record, old.record] });
  });

  it('accepts a valid key with its scopes, rate limit and expiry', () => {
    const result = openStore({ now: () => now }).verify(web.key);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.principal).toMatchObject({ kind: 'api-key', id: 'web-app', rateLimit: { itemsPerMinute: 6000 } });
    expect([...result.principal.scopes]).toEqual(['sentiment', 'recommend']);
    expect(result.principal.expiresAt?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('refuses unknown lookups, wrong secrets and malformed keys alike', () => {
    const store = openStore({ now: () => now });
    const wrongSecret = `${web.key.slice(0, 17)}${'A'.repeat(43)}`;
    expect(apiKeyLookup(wrongSecret)).toBe(web.record.lookup);
    for (const key of [wrongSecret, generateApiKey().key, 'gwk_nonsense', 'dev-key', '']) {
      expect(store.verify(key)).toEqual({ ok: false, reason: 'unknown-api-key' });
    }
  });

  it('refuses an expired key, telling only a holder of the right secret', () => {
    const store = openStore({ now: () => now });
    expect(store.verify(old.key)).toEqual({ ok: false, reason: 'api-key-expired', keyId: 'old-app' });
    expect(openStore({ now: () => Date.parse('2026-04-30T00:00:00Z') }).verify(old.key).ok).toBe(true);
  });

  it('picks up a revocation on reload()', async () => {
    const store = openStore({ now: () => now });
    expect(store.verify(web.key).ok).toBe(true);
    await writeKeysFile(file, { keys: [{ ...web.record, revokedAt: new Date(now).toISOString() }, old.record] });
    expect(store.verify(web.key).ok).toBe(true); // not before the reload
    expect(await store.reload()).toEqual({ ok: true, keys: 2 });
    expect(store.verify(web.key)).toEqual({ ok: false, reason: 'api-key-revoked', keyId: 'web-app' });
  });

  it('remembers a verified key, still checking its expiry on every request and forgetting it on reload', async () => {
    let clock = now;
    const store = openStore({ now: () => clock });
    expect(store.verify(web.key).ok).toBe(true);
    expect(store.verify(web.key).ok).toBe(true);
    clock = Date.parse('2027-01-01T00:00:01Z');
    expect(store.verify(web.key)).toEqual({ ok: false, reason: 'api-key-expired', keyId: 'web-app' });
    clock = now;
    const wrongSecret = `${web.key.slice(0, 17)}${'A'.repeat(43)}`;
    expect(store.verify(wrongSecret)).toEqual({ ok: false, reason: 'unknown-api-key' });
    await writeKeysFile(file, { keys: [old.record] });
    await store.reload();
    expect(store.verify(web.key)).toEqual({ ok: false, reason: 'unknown-api-key' });
  });

  it('keeps the last good keys when the new file is invalid, and reports why', async () => {
    const onReloadError = vi.fn();
    const store = openStore({ now: () => now, onReloadError });
    await writeFile(file, '{"keys": [{"id": "half-written"');
    const result = await store.reload();
    expect(result.ok).toBe(false);
    expect(onReloadError).toHaveBeenCalledOnce();
    expect(onReloadError.mock.calls[0][0]).toBeInstanceOf(KeysFileError);
    expect(store.verify(web.key).ok).toBe(true);
    expect(store.size).toBe(2);
  });

  it('reloads by itself when the file is replaced, and stops when closed', async () => {
    const onReload = vi.fn();
    const store = openStore({ watch: true, debounceMs: 20, now: () => now, onReload });
    const added = createKeyRecord({ id: 'new-app', scopes: ['models:read'] });
    await writeKeysFile(file, { keys: [web.record, old.record, added.record] });
    await vi.waitFor(() => expect(store.verify(added.key).ok).toBe(true), { timeout: 5000, interval: 20 });
    expect(onReload).toHaveBeenCalledWith({ file, keys: 3 });

    store.close();
    onReload.mockClear();
    await writeKeysFile(file, { keys: [web.record] });
    await new Promise((resolve) => {
      setTimeout(resolve, 200);
    });
    expect(onReload).not.toHaveBeenCalled();
    expect(store.verify(added.key).ok).toBe(true);
  });

  it('refuses to start on an invalid file', async () => {
    await writeFile(file, JSON.stringify({ keys: [{ ...web.record, scopes: ['root'] }] }));
    expect(problemsOf(() => openStore())).toEqual([
      'keys[0].scopes[0]: must be one of predict, recommend, sentiment, models:read, admin or predict:<model>, but got "root"',
    ]);
  });
});
