import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { loadConfig } from '../../src/config/config.js';
import { createGateway } from '../../src/server/gateway.js';
import { codesOf, type GraphQLResponse, startTestServer, type TestServer } from '../support/gateway-server.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!';
const ISSUER = 'https://id.test';
const AUDIENCE = 'gateway';
const FLOWER = '{ sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }';
const PIXELS = `[${Array(784).fill(0).join(',')}]`;

/** One query per root field; each asks for one leaf so the cell is that field's verdict alone. */
const FIELDS = {
  'predict(iris)': `{ predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`,
  'predict(digits)': `{ predict(model: "digits", instances: [{ tensor: { values: ${PIXELS} } }]) { label } }`,
  recommendMovies: `{ recommendMovies(history: [{ movieId: "m0001", rating: 5 }], limit: 2) { score } }`,
  movies: `{ movies(limit: 1) { id } }`,
  classifySentiment: `{ classifySentiment(text: "great") { label } }`,
  classifySentiments: `{ classifySentiments(texts: ["great"]) { label } }`,
  models: `{ models { name } }`,
  model: `{ model(name: "iris") { name } }`,
} as const;
type Field = keyof typeof FIELDS;
const ALL = Object.keys(FIELDS) as Field[];

/**
 * 'ok', a field-level code (HTTP 200), or 401 for the whole request. A model the caller may not call
 * answers as a missing one would: MODEL_NOT_FOUND where the caller may predict with a model of that name.
 */
type Cell = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'MODEL_NOT_FOUND' | 401;

describe('authentication and authorization matrix over real HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-'));
  const keysFile = join(dir, 'keys.json');
  const keys: Record<string, string> = {};
  let server: TestServer;
  let jwks: Server;
  let jwksSign: (claims: Record<string, unknown>) => Promise<string>;

  const hs256 = (claims: Record<string, unknown>, { secret = SECRET, expiresIn = '5m', audience = AUDIENCE } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(secret));

  beforeAll(async () => {
    const records = [];
    for (const [id, scopes] of Object.entries({
      predict: ['predict'],
      'predict-iris': ['predict:iris'],
      'predict-digits': ['predict:digits'],
      recommend: ['recommend'],
      sentiment: ['sentiment'],
      'models-read': ['models:read'],
      admin: ['admin'],
    })) {
      const { key, record } = createKeyRecord({ id, scopes });
      keys[id] = key;
      records.push(record);
    }
    await writeKeysFile(keysFile, { keys: records });

    // A local identity provider: a JWKS endpoint serving one RS256 public key.
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => {
      jwks.listen(0, '127.0.0.1', resolve);
    });
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`;
    jwksSign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('svc-1')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);

    server = await startTestServer({
      API_KEYS_FILE: keysFile,
      AUTH_JWT_SECRET: SECRET,
      AUTH_JWKS_URL: jwksUrl,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    });
  });

  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => {
      jwks.close(resolve);
    });
    rmSync(dir, { recursive: true, force: true });
  });

  const ok = (...fields: Field[]) =>
    Object.fromEntries(ALL.map((f) => [f, fields.includes(f) ? 'ok' : 'FORBIDDEN'])) as Record<Field, Cell>;
  const every = (cell: Cell) => Object.fromEntries(ALL.map((f) => [f, cell])) as Record<Field, Cell>;

  const rows: [string, () => Promise<Record<string, string>>, Record<Field, Cell>][] = [
    ['no credentials', async () => ({}), every('UNAUTHENTICATED')],
    ['an unknown API key', async () => ({ 'x-api-key': 'gwk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), every(401)],
    ['the demo key (refused once a keys file is configured)', async () => ({ 'x-api-key': 'dev-key' }), every(401)],
    ['key with predict', async () => ({ 'x-api-key': keys.predict }), { ...ok('predict(iris)'), 'predict(digits)': 'MODEL_NOT_FOUND' }],
    ['key with predict:iris only', async () => ({ 'x-api-key': keys['predict-iris'] }), ok('predict(iris)')],
    ['key with predict:digits (as Bearer)', async () => ({ authorization: `Bearer ${keys['predict-digits']}` }), ok('predict(digits)')],
    ['key with recommend', async () => ({ 'x-api-key': keys.recommend }), ok('recommendMovies', 'movies')],
    ['key with sentiment', async () => ({ 'x-api-key': keys.sentiment }), ok('classifySentiment', 'classifySentiments')],
    ['key with models:read', async () => ({ 'x-api-key': keys['models-read'] }), ok('models', 'model')],
    ['key with admin', async () => ({ 'x-api-key': keys.admin }), every('ok')],
    [
      'valid HS256 JWT (scope claim)',
      async () => ({ authorization: `Bearer ${await hs256({ scope: 'predict sentiment' })}` }),
      { ...ok('predict(iris)', 'classifySentiment', 'classifySentiments'), 'predict(digits)': 'MODEL_NOT_FOUND' },
    ],
    ['expired JWT', async () => ({ authorization: `Bearer ${await hs256({ scope: 'admin' }, { expiresIn: '-10m' })}` }), every(401)],
    [
      'JWT with a bad signature',
      async () => ({ authorization: `Bearer ${await hs256({ scope: 'admin' }, { secret: 'another-secret-that-is-long-enough-too!!' })}` }),
      every(401),
    ],
    [
      'JWT with the wrong audience',
      async () => ({ authorization: `Bearer ${await hs256({ scope: 'admin' }, { audience: 'someone-else' })}` }),
      every(401),
    ],
    [
      'JWKS-signed RS256 JWT (scopes claim)',
      async () => ({ authorization: `Bearer ${await jwksSign({ scopes: ['recommend', 'models:read'] })}` }),
      ok('recommendMovies', 'movies', 'models', 'model'),
    ],
  ];

  describe.each(rows)('%s', (_name, headersOf, expected) => {
    it.each(ALL)('%s', async (field) => {
      const response = await server.gql(FIELDS[field], undefined, { 'content-type': 'application/json', ...(await headersOf()) });
      // model(name:) answers null (no error) for a model the caller may not call: it is hidden.
      expect(verdict(response, field !== 'model')).toBe(expected[field]);
    });
  });

  it('says which credential problem it was, at a safe level of detail', async () => {
    const expired = await server.gql(FIELDS.movies, undefined, { authorization: `Bearer ${await hs256({}, { expiresIn: '-10m' })}` });
    expect(expired.status).toBe(401);
    expect(expired.body.errors![0]).toMatchObject({ message: expect.stringMatching(/expired/), extensions: { code: 'UNAUTHENTICATED' } });
    const unknown = await server.gql(FIELDS.movies, undefined, { 'x-api-key': 'nope' });
    expect(unknown.body.errors![0].message).toMatch(/unknown API key/);
  });

  it('answers the allowed aliases and FORBIDDEN at the forbidden path in one query', async () => {
    const response = await server.gql<{ iris: unknown[] | null; digits: unknown[] | null; mood: { label: string } | null }>(
      `{ iris: predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label }
         digits: predict(model: "digits", instances: [{ tensor: { values: ${PIXELS} } }]) { label }
         mood: classifySentiment(text: "great") { label } }`,
      undefined,
      { 'x-api-key': keys['predict-iris'] },
    );
    expect(response.status).toBe(200);
    expect(response.body.data!.iris).toHaveLength(1);
    expect(response.body.data!.digits).toBeNull();
    expect(response.body.data!.mood).toBeNull();
    const byPath = Object.fromEntries(response.body.errors!.map((e) => [e.path!.join('.'), e]));
    expect(byPath.digits).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: 'Query.predict needs scope "predict:digits", which this caller does not have',
    });
    expect(byPath.mood.extensions!.code).toBe('FORBIDDEN');
  });

  it('lists only the models the caller may call', async () => {
    const list = async (key: string) =>
      (
        (await server.gql<{ models: { name: string }[] }>(`{ models { name } }`, undefined, { authorization: `Bearer ${key}` })).body.data!
          .models ?? []
      )
        .map((m) => m.name)
        .sort();
    expect(await list(await hs256({ scope: 'models:read predict:iris sentiment' }))).toEqual(['iris', 'sentiment']);
    expect(await list(keys.admin)).toEqual(['demand-forecast', 'digits', 'iris', 'movie-recommender', 'sentiment']);
    const hidden = await server.gql(`{ model(name: "digits") { name } }`, undefined, {
      authorization: `Bearer ${await hs256({ scope: 'models:read predict' })}`,
    });
    expect(hidden.body.data).toEqual({ model: null });
  });

  it('allows introspection to authenticated callers (development), not to the anonymous', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await server.gql(query, undefined, { 'x-api-key': keys.sentiment })).body.data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    const anonymous = await server.gql(query, undefined, {});
    expect(anonymous.status).toBe(401);
    expect(codesOf(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect((await server.gql('{ __typename }', undefined, {})).body.data).toEqual({ __typename: 'Query' });
  });
});

describe('production mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-prod-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start without credentials configured', async () => {
    const config = loadConfig({ NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'silent' });
    await expect(createGateway(config)).rejects.toThrow(/authentication is not configured: in production set API_KEYS_FILE/);
  });

  it('refuses the demo key, and lets introspection only to admin', async () => {
    const keysFile = join(dir, 'keys.json');
    const admin = createKeyRecord({ id: 'ops', scopes: ['admin'] });
    const reader = createKeyRecord({ id: 'reader', scopes: ['models:read'] });
    await writeKeysFile(keysFile, { keys: [admin.record, reader.record] });
    const server = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: keysFile });
    try {
      const demo = await server.gql(FIELDS.models, undefined, { 'x-api-key': 'dev-key' });
      expect(demo.status).toBe(401);
      expect(codesOf(demo)).toEqual(['UNAUTHENTICATED']);
      const query = '{ __schema { queryType { name } } }';
      const denied = await server.gql(query, undefined, { 'x-api-key': reader.key });
      expect(denied.status).toBe(403);
      expect(codesOf(denied)).toEqual(['FORBIDDEN']);
      expect((await server.gql(query, undefined, { 'x-api-key': admin.key })).body.data).toEqual({
        __schema: { queryType: { name: 'Query' } },
      });
    } finally {
      await server.close();
    }
  });
});

function verdict(response: GraphQLResponse, expectData = true): Cell {
  if (response.status === 401) {
    expect(codesOf(response)).toEqual(['UNAUTHENTICATED']);
    return 401;
  }
  expect(response.status).toBe(200);
  const errors = response.body.errors ?? [];
  if (errors.length === 0) {
    if (expectData) expect(Object.values(response.body.data ?? {})[0]).not.toBeNull();
    return 'ok';
  }
  expect(errors).toHaveLength(1);
  const code = errors[0].extensions?.code;
  expect(
    code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'MODEL_NOT_FOUND',
    `unexpected ${String(code)}: ${errors[0].message}`,
  ).toBe(true);
  return code as Cell;
}
