/**
 * API keys: the key format, the keys file (validated JSON holding only lookup + salt + hash, never a key),
 * and the in-memory store the authenticator checks keys against, kept fresh by watching the file.
 *
 * Key format: `gwk_<lookup>_<secret>`, e.g. `gwk_3fZ9aQ0xLm2B_<43 base64url characters>`.
 * - `lookup`: 12 base62 characters; public, it only finds the record so verifying is one hash, not a scan.
 * - `secret`: 32 bytes from `crypto.randomBytes` (256 bits), base64url.
 * The file stores HMAC-SHA256(salt, whole key). A fast hash is fine here (no scrypt/argon2) because the
 * key is 256 random bits: there is no dictionary to try, so a slow hash would only slow every request.
 * The per-key salt keeps equal keys (there are none) and precomputed tables out of play.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { describeValue } from '../errors/gateway-error.js';
import { isValidScope, type Principal, VALID_SCOPE_DESCRIPTION } from './principal.js';

export const API_KEY_PREFIX = 'gwk_';
const LOOKUP_LENGTH = 12;
const SECRET_BYTES = 32;
const SALT_BYTES = 16;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The lookup is base62 (no `_`), so the first `_` after it reliably splits it from the secret. */
const API_KEY_PATTERN = /^gwk_([0-9A-Za-z]{12})_([A-Za-z0-9_-]{43})$/;

// ---------------------------------------------------------------------------------------------------
// Key generation and hashing
// ---------------------------------------------------------------------------------------------------

/** A fresh key and its public lookup part. */
export function generateApiKey(): { key: string; lookup: string } {
  const lookup = randomBase62(LOOKUP_LENGTH);
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { key: `${API_KEY_PREFIX}${lookup}_${secret}`, lookup };
}

/** The lookup part of a well-formed key, or undefined. */
export function apiKeyLookup(key: string): string | undefined {
  return API_KEY_PATTERN.exec(key)?.[1];
}

/** HMAC-SHA256 of the whole key under the record's salt, base64url (43 characters). */
export function hashApiKey(key: string, salt: string): string {
  return hmac(Buffer.from(salt, 'base64url'), key).toString('base64url');
}

function hmac(salt: Buffer, key: string): Buffer {
  return createHmac('sha256', salt).update(key, 'utf8').digest();
}

/** Uniform base62 characters: bytes >= 248 (= 4 × 62) are rejected so no character is more likely. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The keys file
// ---------------------------------------------------------------------------------------------------

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const KEY_ID_DESCRIPTION = 'be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** Key ids are safe to log and to use as rate-limit buckets. */
export function isValidKeyId(id: string): boolean {
  return ID_PATTERN.test(id);
}

const isoDateTime = () =>
  z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, such as 2027-01-01T00:00:00Z' });

const ApiKeyRecordSchema = z.strictObject(
  {
    id: z.string({ error: 'must be a string' }).regex(ID_PATTERN, `must ${KEY_ID_DESCRIPTION}`),
    lookup: z.string({ error: 'must be a string' }).regex(/^[0-9A-Za-z]{12}$/, 'must be 12 letters or digits'),
    hash: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256 digest of 43 characters'),
    salt: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9_-]{22,}$/, 'must be base64url of at least 16 bytes (22 characters)'),
    scopes: z
      .array(z.string({ error: 'must be a string' }).refine(isValidScope, `must ${VALID_SCOPE_DESCRIPTION}`), {
        error: 'must be an array of scopes',
      })
      .min(1, 'must list at least one scope'),
    createdAt: isoDateTime(),
    expiresAt: isoDateTime().optional(),
    rateLimit: z
      .strictObject(
        { itemsPerMinute: z.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive') },
        { error: 'must be an object such as { "itemsPerMinute": 6000 }' },
      )
      .optional(),
    revokedAt: isoDateTime().optional(),
  },
  { error: 'must be an object' },
);

const KeysFileSchema = z.strictObject(
  { keys: z.array(ApiKeyRecordSchema, { error: 'must be an array' }) },
  { error: 'must be an object { "keys": [...] }' },
);

/** Ids and lookups must be unique; checked on the raw JSON so it is reported along with every other problem. */
function duplicateProblems(json: unknown): string[] {
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return [];
  const problems: string[] = [];
  for (const field of ['id', 'lookup'] as const) {
    const firstAt = new Map<string, number>();
    keys.forEach((record: unknown, index) => {
      const value = (record as Record<string, unknown> | null)?.[field];
      if (typeof value !== 'string') return;
      const earlier = firstAt.get(value);
      if (earlier === undefined) firstAt.set(value, index);
      else problems.push(`keys[${index}].${field}: must be unique, but keys[${earlier}] has the same ${field}`);
    });
  }
  return problems;
}

/** One key as stored: never the key itself. Dates are ISO 8601 strings. */
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;
export interface KeysFile {
  keys: ApiKeyRecord[];
}

/** A keys file that cannot be read or does not match the schema; `problems` name the field. */
export class KeysFileError extends Error {
  override readonly name = 'KeysFileError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid API keys file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }

  /** Whether the file does not exist at all (the keys CLI then starts an empty one). */
  get missing(): boolean {
    return (this.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  }
}

/** Fields whose values are never echoed in error messages. */
const UNECHOED_FIELDS = new Set(['hash', 'salt', 'lookup']);

/** Parses and validates the keys file's text; throws KeysFileError naming the file and every bad field. */
export function parseKeysFile(text: string, file: string): KeysFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KeysFileError(file, [`must be valid JSON, but ${(error as Error).message}`]);
  }
  const parsed = KeysFileSchema.safeParse(json);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((issue) => formatIssue(issue, json))), ...duplicateProblems(json)];
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new KeysFileError(file, problems);
}

function formatIssue(issue: z.core.$ZodIssue, json: unknown): string {
  const where = formatPath(issue.path) || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    // Only field names, never their values (a misplaced "key" field would hold a secret).
    const hint = issue.keys.some((k) => /key|secret/i.test(k)) ? ' (the file holds lookup, salt and hash, never the key itself)' : '';
    return `${where}: must not have ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${hint}`;
  }
  const got = valueAt(json, issue.path);
  if (got === undefined && issue.code === 'invalid_type') return `${where}: is required`;
  const field = issue.path.findLast((segment) => typeof segment === 'string');
  const echo = typeof field === 'string' && UNECHOED_FIELDS.has(field) ? '' : `, but got ${describeValue(got)}`;
  return `${where}: ${issue.message}${echo}`;
}

/** Reads and validates the keys file synchronously (start-up only). */
export function readKeysFileSync(file: string): KeysFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KeysFileError(file, [`cannot be read: ${(error as Error).message}`], { cause: error });
  }
  return parseKeysFile(text, file);
}

/** Reads and validates the keys file. */
export async function readKeysFile(file: string): Promise<KeysFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KeysFileError(file, [`cannot be read: ${(error as Error).message}`], { cause: error });
  }
  return parseKeysFile(text, file);
}

/**
 * Writes the keys file atomically (temp file in the same folder + rename, so readers and the watching
 * gateway never see half a file), readable by the owner only (0600). Validates before writing.
 */
export async function writeKeysFile(file: string, contents: KeysFile): Promise<void> {
  const text = `${JSON.stringify(contents, null, 2)}\n`;
  parseKeysFile(text, file);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export interface NewKeyOptions {
  readonly id: string;
  readonly scopes: readonly string[];
  readonly expiresAt?: Date;
  readonly itemsPerMinute?: number;
  readonly now?: Date;
}

/** A fresh key and the record to store for it. The key is returned once and never stored. */
export function createKeyRecord(options: NewKeyOptions): { key: string; record: ApiKeyRecord } {
  const { key, lookup } = generateApiKey();
  const salt = randomBytes(SALT_BYTES).toString('base64url');
  const record: ApiKeyRecord = {
    id: options.id,
    lookup,
    hash: hashApiKey(key, salt),
    salt,
    scopes: [...options.scopes],
    createdAt: (options.now ?? new Date()).toISOString(),
    ...(options.expiresAt ? { expiresAt: options.expiresAt.toISOString() } : {}),
    ...(options.itemsPerMinute !== undefined ? { rateLimit: { itemsPerMinute: options.itemsPerMinute } } : {}),
  };
  return { key, record };
}

// ---------------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------------

/** Why a key was refused. Expired/revoked are only told to callers who hold the right secret. */
export type ApiKeyFailureReason = 'unknown-api-key' | 'api-key-expired' | 'api-key-revoked';

export type ApiKeyVerification =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      readonly reason: ApiKeyFailureReason /** Known for expired/revoked keys; safe to log. */;
      readonly keyId?: string;
    };

export type KeysReloadResult = { readonly ok: true; readonly keys: number } | { readonly ok: false; readonly error: Error };

export interface ApiKeyStoreOptions {
  /** Re-read the file when it changes (default true). */
  readonly watch?: boolean;
  /** Wait this long after the last change event before re-reading (default 100 ms): editors write in bursts. */
  readonly debounceMs?: number;
  /** Called after every successful (re)load from a change or `reload()`. */
  readonly onReload?: (event: { readonly file: string; readonly keys: number }) => void;
  /** Called when a changed file is invalid; the store keeps its last good keys. */
  readonly onReloadError?: (error: Error) => void;
  /** The clock, in ms since the epoch (tests). */
  readonly now?: () => number;
}

interface StoredKey {
  readonly id: string;
  readonly salt: Buffer;
  readonly hash: Buffer;
  readonly revoked: boolean;
  readonly expiresAtMs?: number;
  /** Built once per load so `verify` allocates nothing on success. */
  readonly principal: Principal;
}

/** Compared against when the lookup is unknown, so timing does not reveal which lookups exist. */
const DUMMY_SALT = randomBytes(SALT_BYTES);
const DUMMY_HASH = randomBytes(32);
const UNKNOWN_KEY: ApiKeyVerification = Object.freeze({ ok: false, reason: 'unknown-api-key' });
/** Verified keys remembered at most; beyond, the memory is emptied and refills from the next requests. */
const MAX_VERIFIED_KEYS = 10_000;

/**
 * The keys of one keys file, indexed by lookup. Loads synchronously on construction (throws
 * KeysFileError: the server must not start with a bad file); later changes are picked up by watching.
 */
export class ApiKeyStore {
  readonly file: string;
  private byLookup: ReadonlyMap<string, StoredKey>;
  /**
   * Presented keys whose HMAC matched, so a caller's next requests skip the hash (~15 µs each). Only
   * matching keys enter (unknown ones cannot fill it), and it is emptied whenever the keys are swapped,
   * so a revocation applies as soon as the reload does (the file watch: within a second), as before.
   */
  private verified = new Map<string, StoredKey>();
  private readonly now: () => number;
  private readonly options: ApiKeyStoreOptions;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  /** Reloads run one after another so an older read never overwrites a newer one. */
  private reloads: Promise<KeysReloadResult> = Promise.resolve({ ok: true, keys: 0 });

  constructor(file: string, options: ApiKeyStoreOptions = {}) {
    this.file = file;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.byLookup = indexKeys(readKeysFileSync(file));
    if (options.watch ?? true) this.startWatching();
  }

  /** Number of keys in the file (including expired and revoked ones). */
  get size(): number {
    return this.byLookup.size;
  }

  /** Checks a presented key: one HMAC and a constant-time comparison (once per key and reload), no I/O. */
  verify(key: string): ApiKeyVerification {
    let stored = this.verified.get(key);
    if (!stored) {
      const lookup = apiKeyLookup(key);
      const candidate = lookup === undefined ? undefined : this.byLookup.get(lookup);
      const digest = hmac(candidate?.salt ?? DUMMY_SALT, key);
      const matches = timingSafeEqual(digest, candidate?.hash ?? DUMMY_HASH);
      if (!candidate || !matches) return UNKNOWN_KEY;
      stored = candidate;
      if (this.verified.size >= MAX_VERIFIED_KEYS) this.verified.clear();
      this.verified.set(key, stored);
    }
    if (stored.revoked) return { ok: false, reason: 'api-key-revoked', keyId: stored.id };
    if (stored.expiresAtMs !== undefined && stored.expiresAtMs <= this.now())
      return { ok: false, reason: 'api-key-expired', keyId: stored.id };
    return { ok: true, principal: stored.principal };
  }

  /** Re-reads the file now. On an invalid file keeps the last good keys and reports the error. Never rejects. */
  reload(): Promise<KeysReloadResult> {
    this.reloads = this.reloads.then(() => this.readAndSwap());
    return this.reloads;
  }

  /** Stops watching the file. */
  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async readAndSwap(): Promise<KeysReloadResult> {
    try {
      const next = indexKeys(await readKeysFile(this.file));
      this.byLookup = next;
      this.verified = new Map();
      this.options.onReload?.({ file: this.file, keys: next.size });
      return { ok: true, keys: next.size };
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      this.options.onReloadError?.(error);
      return { ok: false, error };
    }
  }

  /**
   * Watches the folder, not the file: tools (and the keys CLI) replace the file by renaming a new one
   * over it, after which a watch on the old file would see nothing more.
   */
  private startWatching(): void {
    const name = basename(this.file);
    try {
      this.watcher = watch(dirname(this.file), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) this.scheduleReload();
      });
      this.watcher.on('error', (error) => {
        this.options.onReloadError?.(new Error(`stopped watching ${this.file}: ${error.message}; call reload() to pick up changes`));
        this.close();
      });
    } catch (error) {
      this.options.onReloadError?.(new Error(`cannot watch ${this.file}: ${(error as Error).message}; call reload() to pick up changes`));
    }
  }

  private scheduleReload(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reload(), this.options.debounceMs ?? 100);
    this.debounce.unref();
  }
}

function indexKeys(file: KeysFile): ReadonlyMap<string, StoredKey> {
  const byLookup = new Map<string, StoredKey>();
  for (const record of file.keys) {
    const expiresAtMs = record.expiresAt === undefined ? undefined : Date.parse(record.expiresAt);
    byLookup.set(record.lookup, {
      id: record.id,
      salt: Buffer.from(record.salt, 'base64url'),
      hash: Buffer.from(record.hash, 'base64url'),
      revoked: record.revokedAt !== undefined,
      expiresAtMs,
      principal: Object.freeze({
        kind: 'api-key',
        id: record.id,
        scopes: new Set(record.scopes),
        ...(record.rateLimit ? { rateLimit: Object.freeze({ itemsPerMinute: record.rateLimit.itemsPerMinute }) } : {}),
        ...(expiresAtMs !== undefined ? { expiresAt: new Date(expiresAtMs) } : {}),
      }),
    });
  }
  return byLookup;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : out ? `${out}.${String(segment)}` : String(segment)),
    '',
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
