/**
 * Authentication: request headers → Principal (who is calling). Authorization (which scopes a field
 * needs) is a separate layer on top that only reads the Principal.
 *
 * Credentials:
 * - `x-api-key: <key>`                     → API key.
 * - `Authorization: Bearer <jwt>`          → JWT (three base64url segments).
 * - `Authorization: Bearer <anything else>` → API key.
 * - Both `x-api-key` and `Authorization` → refused ("send one credential, not both"): guessing which one
 *   the client meant would hide a misconfiguration.
 * - One of them repeated → 400 DUPLICATE_CREDENTIAL_HEADER. Node keeps only the first `Authorization` and
 *   joins repeated `x-api-key`s with ", ", so HTTP callers pass `credentialHeadersOf(rawHeaders)`.
 * - Neither → ANONYMOUS (no scopes).
 * Credentials that are present but wrong throw GatewayError('UNAUTHENTICATED') with `details.reason`
 * from UNAUTHENTICATED_REASONS; they are never ignored in favour of anonymous access.
 *
 * The hot path does no file I/O and no slow hashing: API keys are one HMAC against an in-memory map,
 * JWKS keys are cached by jose.
 */
import { statSync } from 'node:fs';
import type { AuthConfig } from '../config/config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { type ApiKeyFailureReason, ApiKeyStore, type KeysReloadResult } from './api-key-store.js';
import { createJwtVerifier, type JwtFailureReason, type JwtVerifier, looksLikeJwt, MAX_SUBJECT_LENGTH } from './jwt-verifier.js';
import { ANONYMOUS, DEMO_SCOPES, type Principal } from './principal.js';

/** The development-only demo key. */
export const DEV_KEY = 'dev-key';

export type CredentialFailureReason = 'multiple-credentials' | 'unsupported-authorization-scheme' | 'empty-credential' | 'jwt-not-accepted';
export type UnauthenticatedReason = CredentialFailureReason | ApiKeyFailureReason | JwtFailureReason;

/** Every `details.reason` of an UNAUTHENTICATED error, with its message. Stable: clients may switch on the reason. */
export const UNAUTHENTICATED_REASONS: Readonly<Record<UnauthenticatedReason, string>> = {
  'multiple-credentials': 'send one credential, not both: x-api-key or Authorization',
  'unsupported-authorization-scheme': 'Authorization must use the Bearer scheme',
  'empty-credential': 'the credential is empty',
  'unknown-api-key': 'unknown API key',
  'api-key-expired': 'API key expired',
  'api-key-revoked': 'API key revoked',
  'jwt-not-accepted': 'invalid token: this server does not accept JWTs',
  'token-malformed': 'invalid token: malformed',
  'token-algorithm-not-allowed': 'invalid token: algorithm not allowed',
  'token-bad-signature': 'invalid token: bad signature',
  'token-unknown-key': 'invalid token: signing key not found',
  'token-expired': 'invalid token: expired',
  'token-not-yet-valid': 'invalid token: not yet valid',
  'token-wrong-audience': 'invalid token: wrong audience',
  'token-wrong-issuer': 'invalid token: wrong issuer',
  'token-missing-sub': 'invalid token: missing sub',
  'token-sub-too-long': `invalid token: sub must be at most ${MAX_SUBJECT_LENGTH} characters`,
  'token-missing-exp': 'invalid token: must carry exp (an expiry time)',
  'token-lifetime-too-long': 'invalid token: must expire within the maximum token age (from iat and from now), but lives longer',
  'token-invalid-claim': 'invalid token: invalid claim',
  'token-keys-unavailable': 'cannot verify token: signing keys unavailable, retry later',
};

/** `UNAUTHENTICATED` with the reason's message; `claim` names the offending claim (never its value). */
export function unauthenticated(reason: UnauthenticatedReason, claim?: string): GatewayError {
  const message = claim === undefined ? UNAUTHENTICATED_REASONS[reason] : `${UNAUTHENTICATED_REASONS[reason]} ${claim}`;
  return new GatewayError('UNAUTHENTICATED', message, claim === undefined ? { reason } : { reason, claim });
}

/** Headers as Node/Fastify give them (names lower-cased; arrays for repeated headers). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The subset of a pino logger the authenticator uses. Never given keys or tokens, only ids. */
export interface AuthLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AuthenticatorOptions {
  readonly logger?: AuthLogger;
  /** Watch the keys file for changes (default true). */
  readonly watchKeysFile?: boolean;
  /** Debounce for keys file change events (default 100 ms). */
  readonly keysFileDebounceMs?: number;
}

export interface Authenticator {
  /** Resolves to the caller's Principal (ANONYMOUS without credentials); throws GatewayError('UNAUTHENTICATED'). */
  authenticate(headers: RequestHeaders): Promise<Principal>;
  /** Re-reads the keys file now (e.g. on SIGHUP); undefined when API keys are not configured. */
  reloadKeys(): Promise<KeysReloadResult | undefined>;
  /** One line for the start-up log, e.g. "API keys from /srv/keys.json (3 keys); JWT HS256". */
  describe(): string;
  /** Stops watching the keys file. */
  close(): Promise<void>;
}

/** The principal of the demo key; shared, it never changes. */
const DEMO_PRINCIPAL: Principal = Object.freeze({ kind: 'demo', id: DEV_KEY, scopes: new Set<string>(DEMO_SCOPES) });

/**
 * Builds the authenticator from `config.auth`. Reads the keys file synchronously (start-up only) and
 * throws if it is invalid, or if production has no way to authenticate anyone.
 */
export function createAuthenticator(config: AuthConfig, options: AuthenticatorOptions = {}): Authenticator {
  const { logger } = options;
  const devKeyAccepted = !config.isProduction && config.apiKeysFile === undefined && config.jwt === undefined;
  if (config.isProduction && config.apiKeysFile === undefined && config.jwt === undefined) {
    throw new Error(
      'authentication is not configured: in production set API_KEYS_FILE (create keys with `npm run keys -- create`) ' +
        'and/or AUTH_JWT_SECRET or AUTH_JWKS_URL; the demo key dev-key works only outside production',
    );
  }

  const jwt: JwtVerifier | undefined = config.jwt === undefined ? undefined : createJwtVerifier(config.jwt);
  const keys =
    config.apiKeysFile === undefined
      ? undefined
      : new ApiKeyStore(config.apiKeysFile, {
          watch: options.watchKeysFile ?? true,
          debounceMs: options.keysFileDebounceMs,
          onReload: ({ file, keys: count }) => logger?.info({ file, keys: count }, 'API keys reloaded'),
          onReloadError: (error) => logger?.error({ err: error }, 'API keys not reloaded; keeping the last good keys'),
        });
  if (keys && config.isProduction) warnIfReadableByOthers(keys.file, logger);

  function verifyApiKey(key: string): Principal {
    if (devKeyAccepted && key === DEV_KEY) return DEMO_PRINCIPAL;
    // Without a keys file every key is unknown (including dev-key in production).
    if (!keys) throw unauthenticated('unknown-api-key');
    const result = keys.verify(key);
    if (result.ok) return result.principal;
    throw unauthenticated(result.reason);
  }

  async function verifyJwt(token: string): Promise<Principal> {
    if (!jwt) throw unauthenticated('jwt-not-accepted');
    const result = await jwt.verify(token);
    if (result.ok) return result.principal;
    if (result.reason === 'token-keys-unavailable')
      logger?.warn({ err: result.cause }, 'JWKS could not be fetched; tokens cannot be verified');
    throw unauthenticated(result.reason, result.claim);
  }

  async function authenticate(headers: RequestHeaders): Promise<Principal> {
    const credential = readCredential(headers);
    if (credential === undefined) return ANONYMOUS;
    if (credential.source === 'bearer' && looksLikeJwt(credential.value)) return verifyJwt(credential.value);
    return verifyApiKey(credential.value);
  }

  function describe(): string {
    if (devKeyAccepted) return `development: demo key ${DEV_KEY} accepted (no API_KEYS_FILE or JWT settings)`;
    const parts: string[] = [];
    if (keys) parts.push(`API keys from ${keys.file} (${keys.size} ${keys.size === 1 ? 'key' : 'keys'})`);
    if (jwt) parts.push(jwt.describe());
    return parts.join('; ');
  }

  return {
    authenticate,
    reloadKeys: async () => keys?.reload(),
    describe,
    close: async () => keys?.close(),
  };
}

type Credential = { readonly source: 'x-api-key' | 'bearer'; readonly value: string };

/** Finds the one credential in the headers, or undefined; throws for conflicting or unusable ones. */
function readCredential(headers: RequestHeaders): Credential | undefined {
  const apiKey = singleHeader(headers, 'x-api-key');
  const authorization = singleHeader(headers, 'authorization');
  if (apiKey !== undefined && authorization !== undefined) throw unauthenticated('multiple-credentials');
  if (apiKey !== undefined) {
    const value = apiKey.trim();
    if (value === '') throw unauthenticated('empty-credential');
    return { source: 'x-api-key', value };
  }
  if (authorization === undefined) return undefined;
  const match = /^(\S+)(?:\s+(.*))?$/s.exec(authorization.trim());
  if (match?.[1].toLowerCase() !== 'bearer') throw unauthenticated('unsupported-authorization-scheme');
  const value = (match[2] ?? '').trim();
  if (value === '') throw unauthenticated('empty-credential');
  return { source: 'bearer', value };
}

/** A header's one value; a repeated header is a malformed request, not a choice between credentials. */
function singleHeader(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name] ?? findCaseInsensitive(headers, name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value.length > 1) {
    throw new GatewayError('DUPLICATE_CREDENTIAL_HEADER', `the ${name} header must be sent once, but got it ${value.length} times`, {
      header: name,
    });
  }
  return value[0];
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key']);

/**
 * The credential headers of a request from Node's `rawHeaders` (name, value, name, value, ...), each
 * as the list of every value sent, so that a repeated one is seen as such.
 */
export function credentialHeadersOf(rawHeaders: readonly string[]): RequestHeaders {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!CREDENTIAL_HEADERS.has(name)) continue;
    headers[name] ??= [];
    headers[name].push(rawHeaders[i + 1]);
  }
  return headers;
}

/** Node lower-cases header names; plain objects built by hand (tests, other transports) may not. */
function findCaseInsensitive(headers: RequestHeaders, name: string): string | readonly string[] | undefined {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

function warnIfReadableByOthers(file: string, logger: AuthLogger | undefined): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger?.warn({ file, mode: mode.toString(8) }, 'the API keys file is readable by other users; chmod 600 it');
  }
}
