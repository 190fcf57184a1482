/**
 * Manages the gateway's API keys file: `npm run keys -- <command>`.
 *
 *   create --id web-app --scopes sentiment,recommend [--expires 2027-01-01] [--rate-limit 6000] [--file keys.json]
 *   list   [--json] [--file keys.json]
 *   revoke --id web-app [--file keys.json]
 *   delete --id web-app [--file keys.json]
 *
 * The file defaults to $API_KEYS_FILE, else ./keys.json. `create` prints the new key once on stdout; the
 * file only ever holds its lookup, salt and hash. A running gateway picks up every change by itself.
 * Exit codes: 0 done, 1 the keys file is unreadable or invalid, 2 bad usage.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ApiKeyRecord,
  createKeyRecord,
  isValidKeyId,
  KEY_ID_DESCRIPTION,
  type KeysFile,
  KeysFileError,
  readKeysFile,
  writeKeysFile,
} from '../src/auth/api-key-store.js';
import { isValidScope, VALID_SCOPE_DESCRIPTION } from '../src/auth/principal.js';
import { describeValue } from '../src/errors/gateway-error.js';

const USAGE = `usage: npm run keys -- <command> [options]

commands:
  create --id <id> --scopes <scope,...> [--expires <date>] [--rate-limit <items per minute>]
         prints the new key once; only its hash is stored
  list   [--json]                 ids, scopes, dates and status; never secrets
  revoke --id <id>                the key stops working (kept in the file, marked revoked)
  delete --id <id>                removes the key from the file

options for every command:
  --file <path>                   keys file (default: $API_KEYS_FILE, else ./keys.json)

scopes: predict, recommend, sentiment, models:read, admin, or predict:<model>
dates:  2027-01-01 (midnight UTC) or an ISO 8601 date-time with a time zone`;

/** Which options each command takes; anything else is a usage error. */
const COMMANDS = {
  create: ['id', 'scopes', 'expires', 'rate-limit', 'file'],
  list: ['json', 'file'],
  revoke: ['id', 'file'],
  delete: ['id', 'file'],
} as const;
type Command = keyof typeof COMMANDS;

class UsageError extends Error {}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: () => new Date(),
};

/** Runs one command; returns the exit code. */
export async function runKeysCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      (command === undefined ? io.stderr : io.stdout)(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (!Object.hasOwn(COMMANDS, command))
      throw new UsageError(`unknown command ${JSON.stringify(command)}: must be create, list, revoke or delete`);
    const options = parseOptions(command as Command, rest);
    // An empty API_KEYS_FILE means unset, as in the gateway's config.
    const file = resolve(options.file ?? (io.env.API_KEYS_FILE || './keys.json'));
    switch (command as Command) {
      case 'create':
        return await create(file, options, io);
      case 'list':
        return await list(file, options, io);
      case 'revoke':
        return await revoke(file, requireId(options), io);
      case 'delete':
        return await remove(file, requireId(options), io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`keys: ${error.message}\nrun \`npm run keys -- help\` for usage\n`);
      return 2;
    }
    io.stderr(`keys: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return 2;
}

type Options = { id?: string; scopes?: string; expires?: string; 'rate-limit'?: string; file?: string; json?: boolean };

function parseOptions(command: Command, args: readonly string[]): Options {
  let parsed: { values: Record<string, string | boolean | undefined> };
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        id: { type: 'string' },
        scopes: { type: 'string' },
        expires: { type: 'string' },
        'rate-limit': { type: 'string' },
        file: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const allowed: readonly string[] = COMMANDS[command];
  const misplaced = Object.keys(parsed.values).filter((name) => !allowed.includes(name));
  if (misplaced.length > 0) throw new UsageError(`${command} does not take ${misplaced.map((name) => `--${name}`).join(', ')}`);
  return parsed.values as Options;
}

function requireId(options: Options): string {
  if (options.id === undefined) throw new UsageError('--id is required');
  if (!isValidKeyId(options.id)) throw new UsageError(`--id: must ${KEY_ID_DESCRIPTION}, but got ${describeValue(options.id)}`);
  return options.id;
}

function parseScopes(value: string | undefined): string[] {
  if (value === undefined) throw new UsageError('--scopes is required, e.g. --scopes sentiment,recommend');
  const scopes = [
    ...new Set(
      value
        .split(',')
        .map((scope) => scope.trim())
        .filter(Boolean),
    ),
  ];
  if (scopes.length === 0) throw new UsageError(`--scopes: must list at least one scope, but got ${describeValue(value)}`);
  const invalid = scopes.filter((scope) => !isValidScope(scope));
  if (invalid.length > 0)
    throw new UsageError(`--scopes: each must ${VALID_SCOPE_DESCRIPTION}, but got ${invalid.map((s) => JSON.stringify(s)).join(', ')}`);
  return scopes;
}

function parseExpiry(value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const expiresAt = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if ((!dateOnly && !dateTime) || Number.isNaN(expiresAt.getTime())) {
    throw new UsageError(`--expires: must be a date such as 2027-01-01 or 2027-01-01T12:00:00Z, but got ${describeValue(value)}`);
  }
  if (expiresAt <= now) throw new UsageError(`--expires: must be in the future, but got ${value}`);
  return expiresAt;
}

function parseRateLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(limit) || limit <= 0) {
    throw new UsageError(`--rate-limit: must be a positive whole number of items per minute, but got ${describeValue(value)}`);
  }
  return limit;
}

/** The keys file, or an empty one if it does not exist yet. */
async function load(file: string): Promise<{ contents: KeysFile; exists: boolean }> {
  try {
    return { contents: await readKeysFile(file), exists: true };
  } catch (error) {
    if (error instanceof KeysFileError && error.missing) return { contents: { keys: [] }, exists: false };
    throw error;
  }
}

async function loadForChange(file: string, id: string): Promise<{ contents: KeysFile; record: ApiKeyRecord }> {
  const { contents, exists } = await load(file);
  const record = contents.keys.find((key) => key.id === id);
  if (!record) throw new UsageError(`--id: no key ${JSON.stringify(id)} in ${file}${exists ? '' : ' (the file does not exist)'}`);
  return { contents, record };
}

async function create(file: string, options: Options, io: CliIo): Promise<number> {
  const id = requireId(options);
  const scopes = parseScopes(options.scopes);
  const now = io.now();
  const expiresAt = parseExpiry(options.expires, now);
  const itemsPerMinute = parseRateLimit(options['rate-limit']);
  const { contents } = await load(file);
  if (contents.keys.some((key) => key.id === id))
    throw new UsageError(`--id: a key ${JSON.stringify(id)} already exists in ${file}; revoke or delete it first`);

  const { key, record } = createKeyRecord({ id, scopes, expiresAt, itemsPerMinute, now });
  await writeKeysFile(file, { keys: [...contents.keys, record] });
  io.stdout(`${key}\n`);
  const facts = [
    `scopes ${scopes.join(', ')}`,
    expiresAt && `expires ${record.expiresAt}`,
    itemsPerMinute && `${itemsPerMinute} items/minute`,
  ].filter(Boolean);
  io.stderr(`created API key ${JSON.stringify(id)} (${facts.join('; ')}) in ${file}\n`);
  io.stderr('store the key now: it cannot be shown again (the file holds only its hash)\n');
  return 0;
}

function status(record: ApiKeyRecord, now: Date): string {
  if (record.revokedAt !== undefined) return 'revoked';
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

async function list(file: string, options: Options, io: CliIo): Promise<number> {
  const { contents, exists } = await load(file);
  const now = io.now();
  // Only public facts: no lookup, salt or hash.
  const rows = contents.keys.map((record) => ({
    id: record.id,
    status: status(record, now),
    scopes: record.scopes,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt ?? null,
    revokedAt: record.revokedAt ?? null,
    itemsPerMinute: record.rateLimit?.itemsPerMinute ?? null,
  }));
  if (options.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (!exists) io.stderr(`${file} does not exist yet\n`);
  if (rows.length === 0) {
    io.stdout('no keys\n');
    return 0;
  }
  const table = [
    ['ID', 'STATUS', 'SCOPES', 'CREATED', 'EXPIRES', 'REVOKED', 'ITEMS/MIN'],
    ...rows.map((row) => [
      row.id,
      row.status,
      row.scopes.join(','),
      row.createdAt,
      row.expiresAt ?? '-',
      row.revokedAt ?? '-',
      String(row.itemsPerMinute ?? '-'),
    ]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((line) => line[column].length)));
  io.stdout(
    `${table
      .map((line) =>
        line
          .map((cell, column) => cell.padEnd(widths[column]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n')}\n`,
  );
  return 0;
}

async function revoke(file: string, id: string, io: CliIo): Promise<number> {
  const { contents, record } = await loadForChange(file, id);
  if (record.revokedAt !== undefined) {
    io.stderr(`key ${JSON.stringify(id)} was already revoked at ${record.revokedAt}; nothing changed\n`);
    return 0;
  }
  const revokedAt = io.now().toISOString();
  await writeKeysFile(file, { keys: contents.keys.map((key) => (key.id === id ? { ...key, revokedAt } : key)) });
  io.stderr(`revoked key ${JSON.stringify(id)} in ${file}\n`);
  return 0;
}

async function remove(file: string, id: string, io: CliIo): Promise<number> {
  const { contents } = await loadForChange(file, id);
  await writeKeysFile(file, { keys: contents.keys.filter((key) => key.id !== id) });
  io.stderr(`deleted key ${JSON.stringify(id)} from ${file}\n`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await runKeysCli(process.argv.slice(2));
}
