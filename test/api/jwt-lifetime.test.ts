/**
 * Bearer JWTs must expire, within a maximum age, and name a bounded subject (issue 14, item 12),
 * against a production-mode server over real HTTP.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProductionGateway, startProductionGateway } from '../support/production-gateway.js';

const SECRET = 'a-production-secret-that-is-long-enough-for-hs256';
const now = () => Math.floor(Date.now() / 1000);

function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ scope: 'predict', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
}

describe('JWT lifetime and subject limits (production)', () => {
  let gateway: ProductionGateway;
  beforeAll(async () => {
    gateway = await startProductionGateway({}, { AUTH_JWT_SECRET: SECRET, AUTH_JWT_MAX_AGE_SECONDS: '3600' });
  });
  afterAll(() => gateway.close());

  const call = async (jwt: string) => {
    const response = await gateway.server.gql('{ __typename }', undefined, { authorization: `Bearer ${jwt}` });
    return { status: response.status, error: response.body.errors?.[0] };
  };

  it.each<[string, () => Promise<string>, string, string]>([
    [
      'no exp (it would be good forever)',
      () => token({ sub: 'user-1', iat: now() }),
      'token-missing-exp',
      'invalid token: must carry exp (an expiry time)',
    ],
    [
      'exp ten years away',
      () => token({ sub: 'user-1', iat: now(), exp: now() + 10 * 365 * 86_400 }),
      'token-lifetime-too-long',
      'invalid token: must expire within the maximum token age (from iat and from now), but lives longer',
    ],
    [
      'exp two hours after iat (the maximum is one)',
      () => token({ sub: 'user-1', iat: now() - 3_000, exp: now() + 4_200 }),
      'token-lifetime-too-long',
      'invalid token: must expire within the maximum token age (from iat and from now), but lives longer',
    ],
    [
      'a 5,000-character sub',
      () => token({ sub: 's'.repeat(5_000), iat: now(), exp: now() + 600 }),
      'token-sub-too-long',
      'invalid token: sub must be at most 256 characters',
    ],
  ])('refuses a token with %s: 401 UNAUTHENTICATED with its reason', async (_name, jwt, reason, message) => {
    const before = gateway.logs.raw.length;
    const { status, error } = await call(await jwt());
    expect(status).toBe(401);
    expect(error).toMatchObject({ message, extensions: { code: 'UNAUTHENTICATED', reason } });
    const logged = gateway.logs.raw.slice(before).join('\n');
    expect(logged).not.toContain('s'.repeat(300));
    expect(logged).not.toMatch(/"principal":"jwt:/);
  });

  it('accepts a token within the limits, its sub the logged principal', async () => {
    const before = gateway.logs.parsed().length;
    const { status, error } = await call(await token({ sub: 'u'.repeat(256), iat: now(), exp: now() + 3_000 }));
    expect(status).toBe(200);
    expect(error).toBeUndefined();
    const line = gateway.logs
      .parsed()
      .slice(before)
      .find((entry) => entry.msg === 'graphql request')!;
    expect(String(line.principal)).toMatch(/^jwt:u{124}\.\.\. \(260 characters\)$/);
  });
});
