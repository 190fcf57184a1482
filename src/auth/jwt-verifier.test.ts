import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CompactSign,
  type CryptoKey,
  exportJWK,
  exportSPKI,
  type GenerateKeyPairResult,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, type JwtVerification, looksLikeJwt } from './jwt-verifier.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const secretBytes = new TextEncoder().encode(SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function hs256(claims: JWTPayload, secret: Uint8Array = secretBytes): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret);
}

function reasonOf(result: JwtVerification): string {
  return result.ok ? 'ok' : result.reason;
}

/** An unsigned `alg: none` token, which jose will not build for us. */
function unsignedToken(claims: JWTPayload): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

describe('looksLikeJwt', () => {
  it('tells JWTs from API keys', async () => {
    expect(looksLikeJwt(await hs256({ sub: 'x' }))).toBe(true);
    expect(looksLikeJwt(unsignedToken({ sub: 'x' }))).toBe(true);
    expect(looksLikeJwt('gwk_abcdefABCDEF_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG')).toBe(false);
    expect(looksLikeJwt('dev-key')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
  });
});

describe('HS256', () => {
  const verifier = createJwtVerifier({ secret: SECRET, issuer: 'https://issuer.test', audience: 'gateway' });
  const valid = () => ({
    sub: 'user-1',
    iss: 'https://issuer.test',
    aud: 'gateway',
    exp: nowSeconds() + 300,
    scope: 'sentiment predict:iris',
  });

  it('accepts a good token, with sub, scopes and expiry', async () => {
    const claims = valid();
    const result = await verifier.verify(await hs256(claims));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.principal.kind).toBe('jwt');
    expect(result.principal.id).toBe('user-1');
    expect([...result.principal.scopes]).toEqual(['sentiment', 'predict:iris']);
    expect(result.principal.expiresAt?.getTime()).toBe(claims.exp * 1000);
  });

  it('refuses an expired token, allowing 30 s of clock skew', async () => {
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), exp: nowSeconds() - 60 })))).toBe('token-expired');
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), exp: nowSeconds() - 10 })))).toBe('ok');
  });

  it('refuses a token that is not valid yet (nbf), allowing 30 s of clock skew', async () => {
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), nbf: nowSeconds() + 120 })))).toBe('token-not-yet-valid');
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), nbf: nowSeconds() + 10 })))).toBe('ok');
  });

  it('refuses a bad signature', async () => {
    const other = new TextEncoder().encode('another-secret-that-is-at-least-32-characters');
    expect(reasonOf(await verifier.verify(await hs256(valid(), other)))).toBe('token-bad-signature');
    const token = await hs256(valid());
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...valid(), scope: 'admin' })).toString('base64url');
    expect(reasonOf(await verifier.verify(`${header}.${forgedPayload}.${signature}`))).toBe('token-bad-signature');
  });

  it('refuses the wrong audience or issuer, and a missing one', async () => {
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), aud: 'someone-else' })))).toBe('token-wrong-audience');
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), iss: 'https://evil.test' })))).toBe('token-wrong-issuer');
    const { aud: _aud, ...withoutAudience } = valid();
    expect(reasonOf(await verifier.verify(await hs256(withoutAudience)))).toBe('token-wrong-audience');
    // Audience is one of several: fine.
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), aud: ['other', 'gateway'] })))).toBe('ok');
  });

  it('requires sub', async () => {
    const { sub: _sub, ...withoutSub } = valid();
    expect(reasonOf(await verifier.verify(await hs256(withoutSub)))).toBe('token-missing-sub');
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), sub: '' })))).toBe('token-missing-sub');
  });

  it('requires exp, and refuses a token that lives longer than the maximum age (a day by default)', async () => {
    const { exp: _exp, ...withoutExp } = valid();
    expect(reasonOf(await verifier.verify(await hs256(withoutExp)))).toBe('token-missing-exp');
    expect(reasonOf(await verifier.verify(await hs256({ ...withoutExp, iat: nowSeconds() })))).toBe('token-missing-exp');
    // By its own word (exp - iat), by what is left of it (exp - now, also without iat or with iat in the future).
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), iat: nowSeconds() - 3600, exp: nowSeconds() + 86_400 })))).toBe(
      'token-lifetime-too-long',
    );
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), exp: nowSeconds() + 10 * 365 * 86_400 })))).toBe(
      'token-lifetime-too-long',
    );
    expect(
      reasonOf(await verifier.verify(await hs256({ ...valid(), iat: nowSeconds() + 30 * 86_400, exp: nowSeconds() + 31 * 86_400 }))),
    ).toBe('token-lifetime-too-long');
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), iat: nowSeconds(), exp: nowSeconds() + 86_400 })))).toBe('ok');
    const hourly = createJwtVerifier({ secret: SECRET, maxAgeSeconds: 3600 });
    expect(reasonOf(await hourly.verify(await hs256({ ...valid(), exp: nowSeconds() + 7200 })))).toBe('token-lifetime-too-long');
    expect(reasonOf(await hourly.verify(await hs256({ ...valid(), exp: nowSeconds() + 3000 })))).toBe('ok');
  });

  it('refuses a sub longer than 256 characters (it becomes the logged principal and the rate-limit key)', async () => {
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), sub: 'u'.repeat(256) })))).toBe('ok');
    expect(reasonOf(await verifier.verify(await hs256({ ...valid(), sub: 'u'.repeat(257) })))).toBe('token-sub-too-long');
  });

  it('reads scopes from a scopes array too, and refuses scope claims of the wrong type', async () => {
    const { scope: _scope, ...base } = valid();
    const fromArray = await verifier.verify(await hs256({ ...base, scopes: ['recommend', 'models:read'] }));
    expect(fromArray.ok && [...fromArray.principal.scopes]).toEqual(['recommend', 'models:read']);
    const none = await verifier.verify(await hs256(base));
    expect(none.ok && none.principal.scopes.size).toBe(0);
    expect(await verifier.verify(await hs256({ ...base, scopes: 'recommend' }))).toMatchObject({
      ok: false,
      reason: 'token-invalid-claim',
      claim: 'scopes',
    });
    expect(await verifier.verify(await hs256({ ...base, scope: ['recommend'] }))).toMatchObject({
      ok: false,
      reason: 'token-invalid-claim',
      claim: 'scope',
    });
  });

  it('refuses alg none, other algorithms and garbage', async () => {
    expect(reasonOf(await verifier.verify(unsignedToken(valid())))).toBe('token-algorithm-not-allowed');
    const hs512 = await new SignJWT(valid()).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(SECRET.repeat(2)));
    expect(reasonOf(await verifier.verify(hs512))).toBe('token-algorithm-not-allowed');
    expect(reasonOf(await verifier.verify('abc.def.ghi'))).toBe('token-malformed');
    // Correctly signed, but the payload is not a JSON claims set.
    const notJson = await new CompactSign(new TextEncoder().encode('not json')).setProtectedHeader({ alg: 'HS256' }).sign(secretBytes);
    expect(reasonOf(await verifier.verify(notJson))).toBe('token-malformed');
    // The payload is only read once the signature checks out.
    const header = Buffer.from('{"alg":"HS256"}').toString('base64url');
    expect(reasonOf(await verifier.verify(`${header}.bm90LWpzb24.sig`))).toBe('token-bad-signature');
  });

  it('describes itself without the secret', () => {
    expect(verifier.describe()).toBe('JWT HS256 (issuer https://issuer.test, audience gateway)');
    expect(verifier.describe()).not.toContain(SECRET);
  });
});

describe('JWKS (RS256 and ES256 from a local JWKS server)', () => {
  let server: Server;
  let jwksUrl: string;
  let requests = 0;
  const keys: { rsa?: GenerateKeyPairResult; ec?: GenerateKeyPairResult; stranger?: GenerateKeyPairResult } = {};
  const published: JWK[] = [];

  beforeAll(async () => {
    keys.rsa = await generateKeyPair('RS256');
    keys.ec = await generateKeyPair('ES256');
    keys.stranger = await generateKeyPair('RS256');
    published.push({ ...(await exportJWK(keys.rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' });
    published.push({ ...(await exportJWK(keys.ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' });
    server = createServer((request, response) => {
      requests++;
      if (request.url !== '/jwks.json') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(async () => {
    await new Promise((resolve) => {
      server.close(resolve);
    });
  });

  const claims = () => ({ sub: 'service-7', aud: 'gateway', exp: nowSeconds() + 300, scopes: ['predict'] });
  const sign = (alg: 'RS256' | 'ES256', key: CryptoKey, kid?: string) =>
    new SignJWT(claims()).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).sign(key);

  it('accepts tokens signed by a published key, fetching the JWKS once', async () => {
    const verifier = createJwtVerifier({ jwksUrl, audience: 'gateway' });
    const before = requests;
    const rsa = await verifier.verify(await sign('RS256', keys.rsa!.privateKey, 'rsa-1'));
    expect(rsa.ok && rsa.principal).toMatchObject({ kind: 'jwt', id: 'service-7' });
    const ec = await verifier.verify(await sign('ES256', keys.ec!.privateKey, 'ec-1'));
    expect(reasonOf(ec)).toBe('ok');
    expect(reasonOf(await verifier.verify(await sign('RS256', keys.rsa!.privateKey, 'rsa-1')))).toBe('ok');
    expect(requests - before).toBe(1);
  });

  it('refuses a token signed with another key', async () => {
    const verifier = createJwtVerifier({ jwksUrl });
    // Claims a published kid: the signature does not verify.
    expect(reasonOf(await verifier.verify(await sign('RS256', keys.stranger!.privateKey, 'rsa-1')))).toBe('token-bad-signature');
    // Names a kid the JWKS does not have.
    expect(reasonOf(await verifier.verify(await sign('RS256', keys.stranger!.privateKey, 'unknown')))).toBe('token-unknown-key');
  });

  it('never checks an HS256 token against a JWKS key (algorithm confusion)', async () => {
    const verifier = createJwtVerifier({ jwksUrl });
    const publicPem = new TextEncoder().encode(await exportSPKI(keys.rsa!.publicKey));
    const confused = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).sign(publicPem);
    expect(reasonOf(await verifier.verify(confused))).toBe('token-algorithm-not-allowed');
  });

  it('with both a secret and a JWKS, each algorithm uses its own key source', async () => {
    const verifier = createJwtVerifier({ jwksUrl, secret: SECRET });
    expect(reasonOf(await verifier.verify(await hs256(claims())))).toBe('ok');
    expect(reasonOf(await verifier.verify(await sign('ES256', keys.ec!.privateKey, 'ec-1')))).toBe('ok');
    expect(verifier.describe()).toBe(`JWT HS256 + RS256/ES256 from JWKS ${jwksUrl}`);
  });

  it('reports an unreachable JWKS as keys unavailable', async () => {
    const verifier = createJwtVerifier({ jwksUrl: jwksUrl.replace('/jwks.json', '/missing.json'), jwksTimeoutMs: 2000 });
    const result = await verifier.verify(await sign('RS256', keys.rsa!.privateKey, 'rsa-1'));
    expect(result).toMatchObject({ ok: false, reason: 'token-keys-unavailable' });
  });
});
