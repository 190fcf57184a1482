/**
 * Bearer JWTs, verified with `jose`: HS256 with a shared secret, and/or RS256/ES256 with keys from a JWKS
 * URL (fetched once and cached by jose, refetched when a token names an unknown `kid`).
 * Algorithms are pinned per key source, so `none` is never accepted and an HS token is never checked
 * against a JWKS public key (the classic "public key as HMAC secret" confusion).
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, type JWTVerifyOptions, jwtVerify } from 'jose';
import type { Principal } from './principal.js';

export const SECRET_ALGORITHMS = ['HS256'] as const;
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;
/** Leeway for `exp` and `nbf`: clocks of issuers and gateways drift. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Default longest token life: a day. A token without `exp` would otherwise be good forever. */
export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 86_400;
/**
 * Longest `sub` accepted: it becomes the principal id, which is logged and keys the rate limiter, so a
 * 5,000-character one would be both a huge log field and a key of the caller's choosing.
 */
export const MAX_SUBJECT_LENGTH = 256;

/** Three base64url segments (the third is empty in an unsigned `alg: none` token, still a JWT to refuse). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether a Bearer credential is shaped like a JWT (API keys never contain dots). */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

export interface JwtVerifierOptions {
  /** HS256 shared secret (at least 32 characters; config enforces it). */
  readonly secret?: string;
  /** JWKS endpoint for RS256/ES256. */
  readonly jwksUrl?: string;
  /** Required `iss` when set. */
  readonly issuer?: string;
  /** Required `aud` (one of the token's audiences) when set. */
  readonly audience?: string;
  readonly clockToleranceSeconds?: number;
  /**
   * Longest life a token may have, in seconds: `exp` is required, and neither `exp - iat` nor
   * `exp - now` may exceed it (plus the clock tolerance). @default 86400
   */
  readonly maxAgeSeconds?: number;
  /** How long fetched JWKS keys stay cached (default 10 minutes). */
  readonly jwksCacheMaxAgeMs?: number;
  /** HTTP timeout for fetching the JWKS (default 5 s). */
  readonly jwksTimeoutMs?: number;
  /** The clock (tests). */
  readonly now?: () => Date;
}

export type JwtFailureReason =
  | 'token-malformed'
  | 'token-algorithm-not-allowed'
  | 'token-bad-signature'
  | 'token-unknown-key'
  | 'token-expired'
  | 'token-not-yet-valid'
  | 'token-wrong-audience'
  | 'token-wrong-issuer'
  | 'token-missing-sub'
  | 'token-sub-too-long'
  | 'token-missing-exp'
  | 'token-lifetime-too-long'
  | 'token-invalid-claim'
  | 'token-keys-unavailable';

export type JwtVerification =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      readonly reason: JwtFailureReason;
      /** The claim at fault, for `token-invalid-claim` (a claim name, never a value). */
      readonly claim?: string;
      /** The underlying error, for the server log only (e.g. why the JWKS could not be fetched). */
      readonly cause?: unknown;
    };

export interface JwtVerifier {
  verify(token: string): Promise<JwtVerification>;
  /** One line for the start-up log, e.g. "JWT HS256 (issuer https://id.example)". */
  describe(): string;
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  if (options.secret === undefined && options.jwksUrl === undefined) {
    throw new Error('createJwtVerifier needs a secret (AUTH_JWT_SECRET) or a JWKS URL (AUTH_JWKS_URL)');
  }
  const secretKey = options.secret === undefined ? undefined : new TextEncoder().encode(options.secret);
  const jwks =
    options.jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(new URL(options.jwksUrl), {
          cacheMaxAge: options.jwksCacheMaxAgeMs ?? 10 * 60_000,
          timeoutDuration: options.jwksTimeoutMs ?? 5_000,
        });

  const clockTolerance = options.clockToleranceSeconds ?? CLOCK_TOLERANCE_SECONDS;
  const maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS;
  const claimOptions = (): JWTVerifyOptions => ({
    clockTolerance,
    requiredClaims: ['exp'],
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
    ...(options.now ? { currentDate: options.now() } : {}),
  });

  async function verify(token: string): Promise<JwtVerification> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (error) {
      return { ok: false, reason: 'token-malformed', cause: error };
    }
    // The header's alg picks the key source; each source verifies only its own algorithms.
    const useSecret = secretKey !== undefined && (SECRET_ALGORITHMS as readonly string[]).includes(alg ?? '');
    const useJwks = jwks !== undefined && (JWKS_ALGORITHMS as readonly string[]).includes(alg ?? '');

    let payload: JWTPayload;
    try {
      if (useSecret) ({ payload } = await jwtVerify(token, secretKey, { ...claimOptions(), algorithms: [...SECRET_ALGORITHMS] }));
      else if (useJwks) ({ payload } = await jwtVerify(token, jwks, { ...claimOptions(), algorithms: [...JWKS_ALGORITHMS] }));
      else return { ok: false, reason: 'token-algorithm-not-allowed' };
    } catch (error) {
      return failure(error, useJwks);
    }
    const nowSeconds = (options.now?.() ?? new Date()).getTime() / 1000;
    return checkLifetime(payload, nowSeconds, maxAgeSeconds + clockTolerance) ?? principalFrom(payload);
  }

  const describe = () => {
    const parts: string[] = [];
    if (secretKey) parts.push(SECRET_ALGORITHMS.join('/'));
    if (options.jwksUrl !== undefined) parts.push(`${JWKS_ALGORITHMS.join('/')} from JWKS ${options.jwksUrl}`);
    const checks = [
      options.issuer !== undefined && `issuer ${options.issuer}`,
      options.audience !== undefined && `audience ${options.audience}`,
    ].filter(Boolean);
    return `JWT ${parts.join(' + ')}${checks.length ? ` (${checks.join(', ')})` : ''}`;
  };

  return { verify, describe };
}

/**
 * A refusal when the token may live longer than `maxSeconds`, by what it says (`exp - iat`) or from now
 * (`exp - now`, which also covers a token without `iat` or with one in the future); jose has checked
 * that `exp` is present and a number.
 */
function checkLifetime(payload: JWTPayload, nowSeconds: number, maxSeconds: number): JwtVerification | undefined {
  const { exp, iat } = payload;
  if (typeof exp !== 'number') return { ok: false, reason: 'token-missing-exp' };
  if (exp - nowSeconds > maxSeconds || (typeof iat === 'number' && exp - iat > maxSeconds))
    return { ok: false, reason: 'token-lifetime-too-long' };
  return undefined;
}

/** Scopes from `scope` (space-separated, RFC 8693 / OAuth style) and/or `scopes` (string array). */
function principalFrom(payload: JWTPayload): JwtVerification {
  if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'token-missing-sub' };
  if (payload.sub.length > MAX_SUBJECT_LENGTH) return { ok: false, reason: 'token-sub-too-long' };
  const scopes = new Set<string>();
  const { scope, scopes: scopeList } = payload as { scope?: unknown; scopes?: unknown };
  if (scope !== undefined) {
    if (typeof scope !== 'string') return { ok: false, reason: 'token-invalid-claim', claim: 'scope' };
    for (const item of scope.split(' ')) if (item) scopes.add(item);
  }
  if (scopeList !== undefined) {
    if (!Array.isArray(scopeList) || !scopeList.every((item) => typeof item === 'string')) {
      return { ok: false, reason: 'token-invalid-claim', claim: 'scopes' };
    }
    for (const item of scopeList) if (item) scopes.add(item);
  }
  return {
    ok: true,
    principal: Object.freeze({
      kind: 'jwt',
      id: payload.sub,
      scopes,
      ...(typeof payload.exp === 'number' ? { expiresAt: new Date(payload.exp * 1000) } : {}),
    }),
  };
}

/** Maps jose's errors to stable reasons. Unexpected errors on the JWKS path mean the keys could not be fetched. */
function failure(error: unknown, viaJwks: boolean): JwtVerification {
  if (error instanceof errors.JWTExpired) return { ok: false, reason: 'token-expired' };
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp' && error.reason === 'missing') return { ok: false, reason: 'token-missing-exp' };
    switch (error.claim) {
      case 'nbf':
        return { ok: false, reason: 'token-not-yet-valid' };
      case 'aud':
        return { ok: false, reason: 'token-wrong-audience' };
      case 'iss':
        return { ok: false, reason: 'token-wrong-issuer' };
      default:
        return { ok: false, reason: 'token-invalid-claim', claim: error.claim };
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'token-bad-signature' };
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return { ok: false, reason: 'token-unknown-key' };
  if (error instanceof errors.JOSEAlgNotAllowed) return { ok: false, reason: 'token-algorithm-not-allowed' };
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid)
    return { ok: false, reason: 'token-keys-unavailable', cause: error };
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return { ok: false, reason: 'token-malformed', cause: error };
  }
  if (viaJwks) return { ok: false, reason: 'token-keys-unavailable', cause: error };
  throw error;
}
