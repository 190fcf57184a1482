/**
 * graphql-jit must answer exactly as graphql-js does. Two real gateways, one per executor
 * (GRAPHQL_EXECUTOR), get the same requests over HTTP, each sent three times to the jit server (its
 * first sighting of a document runs on graphql-js, later ones run compiled), and the full answers (HTTP
 * status and JSON body) must be equal: data, partial results, field errors with paths and locations,
 * variable errors, auth denials, batched operations. Both in test mode and in production mode, where
 * unexpected messages are masked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

const SETOSA = { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 };
const VIRGINICA = { sepalLength: 6.9, sepalWidth: 3.1, petalLength: 5.4, petalWidth: 2.1 };
const FLOWER = '{ sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }';
const PREDICT_ALL = 'model version label score probabilities { label probability } scores value values';
const PREDICT = `query Predict($model: String!, $version: Int, $instances: [InstanceInput!]!) { predict(model: $model, version: $version, instances: $instances) { ${PREDICT_ALL} } }`;

type Credential = 'admin' | 'predict' | 'sentiment' | 'anonymous' | 'unknown';
interface Case {
  readonly name: string;
  readonly body: unknown;
  readonly as?: Credential;
}

const cases: Case[] = [
  {
    name: 'predict with variables, every field',
    body: { query: PREDICT, variables: { model: 'iris', instances: [{ features: SETOSA }, { features: VIRGINICA }] } },
  },
  {
    name: 'predict with a pinned version',
    body: { query: PREDICT, variables: { model: 'iris', version: 1, instances: [{ features: VIRGINICA }] } },
  },
  {
    name: 'a regressor',
    body: {
      query: PREDICT,
      variables: {
        model: 'demand-forecast',
        instances: [{ features: { dayOfWeek: 2, dayOfYear: 150, daysSinceLaunch: 900, price: 24.99, discountPct: 0, isHoliday: 0 } }],
      },
    },
  },
  { name: 'literal arguments', body: { query: `{ predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label scores } }` } },
  {
    name: 'partial results: aliases where some fail (unknown model, bad instance, unknown version)',
    body: {
      query: `query Mixed($ok: [InstanceInput!]!, $bad: [InstanceInput!]!) {
        ok: predict(model: "iris", instances: $ok) { label }
        missing: predict(model: "nope", instances: $ok) { label }
        bad: predict(model: "iris", instances: $bad) { label }
        version: predict(model: "iris", version: 9, instances: $ok) { label }
        mood: classifySentiment(text: "I loved it") { label score scores { label probability } }
      }`,
      variables: { ok: [{ features: SETOSA }], bad: [{ features: SETOSA }, { features: { ...SETOSA, petalWidth: 'abc' } }] },
    },
  },
  {
    name: 'a tensor sent to a tabular model',
    body: { query: PREDICT, variables: { model: 'iris', instances: [{ tensor: { values: [1, 2, 3, 4] } }] } },
  },
  { name: 'no instances', body: { query: PREDICT, variables: { model: 'iris', instances: [] } } },
  { name: 'a variable of the wrong type', body: { query: PREDICT, variables: { model: 'iris', instances: 'flowers' } } },
  {
    name: 'features that are not an object',
    body: { query: PREDICT, variables: { model: 'iris', instances: [{ features: [1, 2, 3, 4] }] } },
  },
  { name: 'a missing required variable', body: { query: PREDICT, variables: { instances: [{ features: SETOSA }] } } },
  {
    name: 'an Int variable out of range',
    body: { query: PREDICT, variables: { model: 'iris', version: 2 ** 40, instances: [{ features: SETOSA }] } },
  },
  {
    name: 'a OneOf instance with both features and tensor',
    body: {
      query: PREDICT,
      variables: { model: 'iris', instances: [{ features: SETOSA }, { features: SETOSA, tensor: { values: [1, 2] } }] },
    },
  },
  { name: 'a OneOf instance with neither', body: { query: PREDICT, variables: { model: 'iris', instances: [{}] } } },
  {
    name: 'a OneOf instance whose one field is null',
    body: { query: PREDICT, variables: { model: 'iris', instances: [{ features: null }] } },
  },
  {
    name: 'an unknown input field',
    body: { query: PREDICT, variables: { model: 'iris', instances: [{ features: SETOSA, colour: 'blue' }] } },
  },
  {
    name: 'a single instance where a list is expected (input coercion)',
    body: { query: PREDICT, variables: { model: 'iris', instances: { features: SETOSA } } },
  },
  {
    name: 'fragments, @include and @skip',
    body: {
      query: `query F($instances: [InstanceInput!]!, $more: Boolean!) { predict(model: "iris", instances: $instances) { ...P scores @include(if: $more) values @skip(if: $more) } } fragment P on Prediction { label score __typename }`,
      variables: { instances: [{ features: SETOSA }], more: true },
    },
  },
  {
    name: 'sentiment and recommendations',
    body: {
      query:
        '{ many: classifySentiments(texts: ["great", "awful"]) { text label score } recommendMovies(history: [{ movieId: "m0001", rating: 5 }], limit: 3) { movie { id title year genres } score } movies(genre: HORROR, limit: 2) { id title } }',
    },
  },
  {
    name: 'enums in variables and answers (a genre, a model task, status and element type)',
    body: {
      query:
        'query G($genre: Genre!, $genres: [Genre!]) { moviesConnection(genre: $genre, first: 3) { edges { node { genres } } } recommendMovies(history: [{ movieId: "m0001", rating: 5 }], limit: 2, genres: $genres) { movie { genres } } models { task status inputs { type } outputs { kind } versionDetails { status errorCode } } }',
      variables: { genre: 'SCI_FI', genres: ['HORROR'] },
    },
  },
  {
    name: 'a genre the enum does not have',
    body: { query: 'query G($genre: Genre) { movies(genre: $genre) { id } }', variables: { genre: 'Horror' } },
  },
  {
    name: 'an ID variable given as a number (coerced to a string)',
    body: {
      query: 'query R($history: [MovieRatingInput!]!) { recommendMovies(history: $history, limit: 2) { score } }',
      variables: {
        history: [
          { movieId: 1, rating: 4 },
          { movieId: 'm0001', rating: 5 },
        ],
      },
    },
  },
  { name: 'a bad recommendation history', body: { query: '{ recommendMovies(history: [{ movieId: "nope", rating: 9 }]) { score } }' } },
  {
    name: 'model metadata',
    body: {
      query:
        '{ models { name task status versions defaultVersion } model(name: "iris") { name features labels inputs { name shape } batching { maxBatchSize } } nothing: model(name: "nope") { name } }',
    },
  },
  {
    name: 'operationName picks one of several operations',
    body: { query: 'query A { __typename } query B { models { name } }', operationName: 'B' },
  },
  { name: 'several operations and no operationName', body: { query: 'query A { __typename } query B { models { name } }' } },
  { name: 'an unknown field (validation)', body: { query: '{ predict(model: "iris", instances: []) { colour } }' } },
  {
    name: 'introspection',
    body: { query: '{ __schema { queryType { name } } __type(name: "Prediction") { fields { name type { kind ofType { name } } } } }' },
  },
  {
    name: 'the anonymous: field-level UNAUTHENTICATED',
    as: 'anonymous',
    body: { query: PREDICT, variables: { model: 'iris', instances: [{ features: SETOSA }] } },
  },
  {
    name: 'a missing scope: FORBIDDEN beside answered fields',
    as: 'sentiment',
    body: {
      query: `{ iris: predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } mood: classifySentiment(text: "great") { label } models { name } }`,
    },
  },
  {
    name: 'a restricted model for a predict key',
    as: 'predict',
    body: {
      query: `{ predict(model: "digits", instances: [{ tensor: { values: [${Array(784).fill(0).join(',')}] } }]) { label } iris: predict(model: "iris", instances: [{ features: ${FLOWER} }]) { label } }`,
    },
  },
  { name: 'an unknown key: 401 for the whole request', as: 'unknown', body: { query: '{ models { name } }' } },
  { name: 'introspection for the anonymous', as: 'anonymous', body: { query: '{ __schema { queryType { name } } }' } },
  {
    name: 'batched operations, one failing',
    body: [
      { query: 'query Feel($text: String!) { classifySentiment(text: $text) { label } }', variables: { text: 'I loved it' } },
      { query: PREDICT, variables: { model: 'nope', instances: [{ features: SETOSA }] } },
      { query: PREDICT, variables: { model: 'iris', instances: [{ features: VIRGINICA }] } },
    ],
  },
  {
    name: 'batched operations, one with bad variables',
    body: [{ query: '{ __typename }' }, { query: PREDICT, variables: { model: 'iris', instances: 7 } }],
  },
];

describe.each([
  ['test mode', 'test'],
  ['production mode', 'production'],
])('graphql-jit answers as graphql-js does (%s)', (_mode, nodeEnv) => {
  const dir = mkdtempSync(join(tmpdir(), 'jit-'));
  const keys = {} as Record<Credential, string>;
  let jit: TestServer;
  let reference: TestServer;

  beforeAll(async () => {
    const records = [];
    for (const [id, scopes] of [
      ['admin', ['admin']],
      ['predict', ['predict', 'sentiment', 'recommend', 'models:read']],
      ['sentiment', ['sentiment']],
    ] as const) {
      const { key, record } = createKeyRecord({ id, scopes: [...scopes] });
      keys[id] = key;
      records.push(record);
    }
    keys.unknown = 'gwk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const keysFile = join(dir, 'keys.json');
    await writeKeysFile(keysFile, { keys: records });
    const env = { NODE_ENV: nodeEnv, API_KEYS_FILE: keysFile, INTROSPECTION: 'authenticated' };
    [jit, reference] = await Promise.all([
      startTestServer({ ...env, GRAPHQL_EXECUTOR: 'jit' }),
      startTestServer({ ...env, GRAPHQL_EXECUTOR: 'graphql-js' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([jit?.close(), reference?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const answer = async (server: TestServer, { body, as = 'predict' }: Case) => {
    const response = await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(as === 'anonymous' ? {} : { 'x-api-key': keys[as] }) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: withoutBudgetState((await response.json()) as unknown) };
  };

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const expected = await answer(reference, testCase);
    // First sighting (graphql-js), then compiled, twice.
    for (let round = 0; round < 3; round += 1) expect(await answer(jit, testCase)).toEqual(expected);
  });
});

/**
 * `extensions.cost` says where the caller's budget stands (`remaining`, `resetSeconds`), which moves
 * with every request the two servers' callers make; what the operation asked and was charged must match.
 */
function withoutBudgetState(body: unknown): unknown {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    const cost = (value as { extensions?: { cost?: Record<string, unknown> } } | null)?.extensions?.cost;
    if (cost) {
      const { remaining: _remaining, resetSeconds: _reset, ...charge } = cost;
      return { ...(value as object), extensions: { ...(value as { extensions: object }).extensions, cost: charge } };
    }
    return value;
  };
  return walk(body);
}
