import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { type ApiKeyRecord, createKeyRecord, KeysFileError, writeKeysFile } from './api-key-store.js';
import {
  type Authenticator,
  type AuthLogger,
  createAuthenticator,
  credentialHeadersOf,
  type RequestHeaders,
  UNAUTHENTICATED_REASONS,
  unauthenticated,
} from './authenticator.js';
import { ANONYMOUS, hasScope } from './principal.js';

const SECRET = 'authenticator-test-secret-of-32-characters-or-more';

let dir: string;
let keysFile: string;
let web: { key: string; record: ApiKeyRecord };
let expired: { key: string; record: ApiKeyRecord };
const authenticators: Authenticator[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-auth-'));
  keysFile = join(dir, 'keys.json');
  web = createKeyRecord({ id: 'web-app', scopes: ['sentiment', 'recommend'], itemsPerMinute: 6000 });
  expired = createKeyRecord({ id: 'old-app', scopes: ['predict'], expiresAt: new Date(Date.now() - 60_000) });
  await writeKeysFile(keysFile, { keys: [web.record, expired.record] });
});
afterEach(async () => {
  for (const authenticator of authenticators.splice(0)) await authenticator.close();
  await rm(dir, { recursive: true, force: true });
});

function silentLogger() {
  return { info: vi.fn<AuthLogger['info']>(), warn: vi.fn<AuthLogger['warn']>(), error: vi.fn<AuthLogger['error']>() };
}

function authenticatorFor(env: Record<string, string>, options: Parameters<typeof createAuthenticator>[1] = {}): Authenticator {
  const authenticator = createAuthenticator(loadConfig(env).auth, { watchKeysFile: false, ...options });
  authenticators.push(authenticator);
  return authenticator;
}

/** The UNAUTHENTICATED error `authenticate` throws for these headers. */
async function refusal(authenticator: Authenticator, headers: RequestHeaders): Promise<GatewayError> {
  const error = await authenticator.authenticate(headers).then(
    (principal) => new Error(`expected UNAUTHENTICATED, but got principal ${principal.kind}:${principal.id}`),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('UNAUTHENTICATED');
  return error as GatewayError;
}

async function expectRefused(authenticator: Authenticator, headers: RequestHeaders, reason: string, message: string): Promise<void> {
  const error = await refusal(authenticator, headers);
  expect({ message: error.message, reason: error.details.reason }).toEqual({ message, reason });
}

const hs256 = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

describe('credentials in headers', () => {
  it('treats a request without credentials as anonymous', async () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile });
    expect(await auth.authenticate({})).toBe(ANONYMOUS);
    expect(await auth.authenticate({ 'content-type': 'application/json', authorization: undefined })).toBe(ANONYMOUS);
  });

  it('accepts an API key in x-api-key and as a Bearer token', async () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile });
    for (const headers of [
      { 'x-api-key': web.key },
      { authorization: `Bearer ${web.key}` },
      { authorization: `bearer  ${web.key} ` },
      { 'X-Api-Key': web.key },
    ]) {
      const principal = await auth.authenticate(headers);
      expect(principal).toMatchObject({ kind: 'api-key', id: 'web-app', rateLimit: { itemsPerMinute: 6000 } });
      expect(hasScope(principal, 'sentiment')).toBe(true);
      expect(hasScope(principal, 'predict:iris')).toBe(false);
    }
  });

  it('tells a Bearer JWT from a Bearer API key', async () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile, AUTH_JWT_SECRET: SECRET });
    const fromJwt = await auth.authenticate({
      authorization: `Bearer ${await hs256({ sub: 'alice', scope: 'predict', exp: inFiveMinutes() })}`,
    });
    expect(fromJwt).toMatchObject({ kind: 'jwt', id: 'alice' });
    expect(hasScope(fromJwt, 'predict:iris')).toBe(true);
    expect(await auth.authenticate({ authorization: `Bearer ${web.key}` })).toMatchObject({ kind: 'api-key', id: 'web-app' });
  });

  it('refuses two credentials at once, and unusable Authorization headers', async () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile });
    const both = 'send one credential, not both: x-api-key or Authorization';
    await expectRefused(auth, { 'x-api-key': web.key, authorization: `Bearer ${web.key}` }, 'multiple-credentials', both);
    await expectRefused(
      auth,
      { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
      'unsupported-authorization-scheme',
      'Authorization must use the Bearer scheme',
    );
    await expectRefused(auth, { authorization: 'Bearer' }, 'empty-credential', 'the credential is empty');
    await expectRefused(auth, { authorization: 'Bearer   ' }, 'empty-credential', 'the credential is empty');
    await expectRefused(auth, { 'x-api-key': ' ' }, 'empty-credential', 'the credential is empty');
  });
});

describe('repeated credential headers', () => {
  it('refuses a repeated x-api-key or Authorization with DUPLICATE_CREDENTIAL_HEADER, even when both copies are valid', async () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile });
    for (const rawHeaders of [
      ['X-Api-Key', web.key, 'x-api-key', web.key],
      ['Authorization', `Bearer ${web.key}`, 'authorization', 'Bearer other'],
    ]) {
      const error = await auth.authenticate(credentialHeadersOf(rawHeaders)).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(GatewayError);
      const name = rawHeaders[0].toLowerCase();
      expect(error).toMatchObject({
        code: 'DUPLICATE_CREDENTIAL_HEADER',
        message: `the ${name} header must be sent once, but got it 2 times`,
        details: { header: name },
      });
    }
  });

  it('reads one credential header from raw headers as usual, and ignores the others', async () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile });
    const rawHeaders = ['Host', 'gateway', 'X-API-KEY', web.key, 'Accept', 'a', 'Accept', 'b'];
    expect(credentialHeadersOf(rawHeaders)).toEqual({ 'x-api-key': [web.key] });
    expect(await auth.authenticate(credentialHeadersOf(rawHeaders))).toMatchObject({ kind: 'api-key', id: 'web-app' });
    expect(await auth.authenticate(credentialHeadersOf(['Host', 'gateway']))).toBe(ANONYMOUS);
  });
});

describe('API keys', () => {
  it('refuses unknown and expired keys with their own reasons', async () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile });
    await expectRefused(auth, { 'x-api-key': createKeyRecord({ id: 'x', scopes: ['admin'] }).key }, 'unknown-api-key', 'unknown API key');
    await expectRefused(auth, { 'x-api-key': 'not-a-key' }, 'unknown-api-key', 'unknown API key');
    await expectRefused(auth, { 'x-api-key': expired.key }, 'api-key-expired', 'API key expired');
  });

  it('refuses a key revoked after start-up once the file is reloaded, by watching or on request', async () => {
    const logger = silentLogger();
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile }, { watchKeysFile: true, keysFileDebounceMs: 20, logger });
    expect(await auth.authenticate({ 'x-api-key': web.key })).toMatchObject({ id: 'web-app' });
    await writeKeysFile(keysFile, { keys: [{ ...web.record, revokedAt: new Date().toISOString() }, expired.record] });
    await vi.waitFor(() => expect(logger.info).toHaveBeenCalledWith({ file: keysFile, keys: 2 }, 'API keys reloaded'), { timeout: 5000 });
    await expectRefused(auth, { 'x-api-key': web.key }, 'api-key-revoked', 'API key revoked');

    await writeKeysFile(keysFile, { keys: [web.record] });
    expect(await auth.reloadKeys()).toEqual({ ok: true, keys: 1 });
    expect(await auth.authenticate({ 'x-api-key': web.key })).toMatchObject({ id: 'web-app' });
  });

  it('keeps the last good keys when the file becomes invalid, logging why', async () => {
    const logger = silentLogger();
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile }, { logger });
    await writeFile(keysFile, JSON.stringify({ keys: [{ ...web.record, scopes: ['everything'] }] }));
    expect((await auth.reloadKeys())?.ok).toBe(false);
    expect(logger.error).toHaveBeenCalledWith({ err: expect.any(KeysFileError) }, 'API keys not reloaded; keeping the last good keys');
    expect(await auth.authenticate({ 'x-api-key': web.key })).toMatchObject({ id: 'web-app' });
    expect(auth.describe()).toBe(`API keys from ${keysFile} (2 keys)`);
  });

  it('refuses to start with an invalid or missing keys file', async () => {
    await writeFile(keysFile, '{"keys": {}}');
    expect(() => authenticatorFor({ API_KEYS_FILE: keysFile })).toThrow(KeysFileError);
    expect(() => authenticatorFor({ API_KEYS_FILE: join(dir, 'missing.json') })).toThrow(/missing\.json:\n {2}- cannot be read/);
  });

  it('never logs keys', async () => {
    const logger = silentLogger();
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile }, { logger, watchKeysFile: true, keysFileDebounceMs: 10 });
    await auth.authenticate({ 'x-api-key': web.key });
    await refusal(auth, { 'x-api-key': expired.key });
    await writeKeysFile(keysFile, { keys: [web.record] });
    await vi.waitFor(() => expect(logger.info).toHaveBeenCalled(), { timeout: 5000 });
    const logged = JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls, logger.error.mock.calls]);
    expect(logged).not.toContain(web.key);
    expect(logged).not.toContain(web.record.hash);
  });
});

describe('JWTs', () => {
  it('maps each token problem to its reason and message', async () => {
    const auth = authenticatorFor({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: 'https://id.test', AUTH_JWT_AUDIENCE: 'gateway' });
    const good = { sub: 'alice', iss: 'https://id.test', aud: 'gateway', exp: inFiveMinutes() };
    const bearer = async (claims: Record<string, unknown>) => ({ authorization: `Bearer ${await hs256(claims)}` });
    expect(await auth.authenticate(await bearer(good))).toMatchObject({ kind: 'jwt', id: 'alice' });
    await expectRefused(auth, await bearer({ ...good, exp: inFiveMinutes() - 600 }), 'token-expired', 'invalid token: expired');
    await expectRefused(auth, await bearer({ ...good, nbf: inFiveMinutes() }), 'token-not-yet-valid', 'invalid token: not yet valid');
    await expectRefused(auth, await bearer({ ...good, aud: 'other' }), 'token-wrong-audience', 'invalid token: wrong audience');
    await expectRefused(auth, await bearer({ ...good, iss: 'https://other.test' }), 'token-wrong-issuer', 'invalid token: wrong issuer');
    await expectRefused(auth, await bearer({ ...good, sub: undefined }), 'token-missing-sub', 'invalid token: missing sub');
    await expectRefused(auth, await bearer({ ...good, scopes: 'predict' }), 'token-invalid-claim', 'invalid token: invalid claim scopes');
    const forged = await new SignJWT(good).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(40)));
    await expectRefused(auth, { authorization: `Bearer ${forged}` }, 'token-bad-signature', 'invalid token: bad signature');
    await expectRefused(auth, { authorization: 'Bearer e30.e30.' }, 'token-algorithm-not-allowed', 'invalid token: algorithm not allowed');
    await expectRefused(auth, { authorization: 'Bearer abc.def.ghi' }, 'token-malformed', 'invalid token: malformed');
    // Without a keys file every API key is unknown.
    await expectRefused(auth, { 'x-api-key': web.key }, 'unknown-api-key', 'unknown API key');
  });

  it('refuses JWTs when only API keys are configured', async () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile });
    const token = await hs256({ sub: 'alice', exp: inFiveMinutes() });
    await expectRefused(auth, { authorization: `Bearer ${token}` }, 'jwt-not-accepted', 'invalid token: this server does not accept JWTs');
  });
});

describe('the development demo key', () => {
  it('is accepted outside production when nothing is configured, with every fixed scope but admin', async () => {
    for (const NODE_ENV of ['development', 'test']) {
      const auth = authenticatorFor({ NODE_ENV });
      expect(auth.describe()).toBe('development: demo key dev-key accepted (no API_KEYS_FILE or JWT settings)');
      for (const headers of [{ 'x-api-key': 'dev-key' }, { authorization: 'Bearer dev-key' }]) {
        const principal = await auth.authenticate(headers);
        expect(principal.kind).toBe('demo');
        expect(principal.id).toBe('dev-key');
        expect([...principal.scopes].sort()).toEqual(['models:read', 'predict', 'recommend', 'sentiment']);
        expect(hasScope(principal, 'admin')).toBe(false);
      }
      await expectRefused(auth, { 'x-api-key': 'dev-key2' }, 'unknown-api-key', 'unknown API key');
    }
  });

  it('is refused as soon as a keys file or JWT settings exist, and always in production', async () => {
    const configs: Record<string, string>[] = [
      { API_KEYS_FILE: keysFile },
      { AUTH_JWT_SECRET: SECRET },
      { NODE_ENV: 'production', API_KEYS_FILE: keysFile },
      { NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET },
    ];
    for (const env of configs) {
      await expectRefused(authenticatorFor(env), { 'x-api-key': 'dev-key' }, 'unknown-api-key', 'unknown API key');
    }
  });
});

describe('start-up', () => {
  it('refuses to start in production without API keys or JWT settings', () => {
    expect(() => createAuthenticator(loadConfig({ NODE_ENV: 'production' }).auth)).toThrow(
      /^authentication is not configured: in production set API_KEYS_FILE .* and\/or AUTH_JWT_SECRET or AUTH_JWKS_URL/,
    );
  });

  it('warns in production when the keys file is readable by others', async () => {
    await chmod(keysFile, 0o644);
    const logger = silentLogger();
    authenticatorFor({ NODE_ENV: 'production', API_KEYS_FILE: keysFile }, { logger });
    expect(logger.warn).toHaveBeenCalledWith({ file: keysFile, mode: '644' }, 'the API keys file is readable by other users; chmod 600 it');
  });

  it('describes what it accepts in one line, without secrets', () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile, AUTH_JWT_SECRET: SECRET, AUTH_JWT_AUDIENCE: 'gateway' });
    expect(auth.describe()).toBe(`API keys from ${keysFile} (2 keys); JWT HS256 (audience gateway)`);
    expect(authenticatorFor({ AUTH_JWKS_URL: 'https://id.test/.well-known/jwks.json' }).describe()).toBe(
      'JWT RS256/ES256 from JWKS https://id.test/.well-known/jwks.json',
    );
  });

  it('takes a pino logger as it is', () => {
    const auth = authenticatorFor({ API_KEYS_FILE: keysFile }, { logger: pino({ level: 'silent' }) });
    expect(auth.describe()).toContain('2 keys');
  });
});

describe('UNAUTHENTICATED reasons', () => {
  it('are all UNAUTHENTICATED (401) errors carrying their reason', () => {
    for (const [reason, message] of Object.entries(UNAUTHENTICATED_REASONS)) {
      const error = unauthenticated(reason as keyof typeof UNAUTHENTICATED_REASONS);
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message, details: { reason } });
      expect(error.httpStatus).toBe(401);
      expect(reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });
});
