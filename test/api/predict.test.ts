import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';

const SETOSA = { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 };
const VIRGINICA = { sepalLength: 6.9, sepalWidth: 3.1, petalLength: 5.4, petalWidth: 2.1 };
const PREDICT = `query ($model: String!, $version: Int, $instances: [InstanceInput!]!) {
  predict(model: $model, version: $version, instances: $instances) {
    model version label score probabilities { label probability } value values
  }
}`;

describe('predict over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  type Predictions = {
    predict:
      | {
          model: string;
          version: number;
          label: string | null;
          score: number | null;
          probabilities: { label: string; probability: number }[] | null;
          value: number | null;
          values: number[];
        }[]
      | null;
  };
  const predict = (variables: Record<string, unknown>) => server.gql<Predictions>(PREDICT, variables);

  it('classifies iris flowers with the default (highest) version', async () => {
    const response = await predict({ model: 'iris', instances: [{ features: SETOSA }, { features: VIRGINICA }] });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const [setosa, virginica] = response.body.data!.predict!;
    expect(setosa).toMatchObject({ model: 'iris', version: 2, label: 'setosa', value: null });
    expect(setosa.score).toBeGreaterThan(0.9);
    expect(setosa.probabilities!.map((p) => p.label)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(setosa.probabilities!.reduce((sum, p) => sum + p.probability, 0)).toBeCloseTo(1, 5);
    expect(setosa.values).toHaveLength(3);
    expect(virginica.label).toBe('virginica');
  });

  it("gives scores aligned with the model's labels, equal to probabilities", async () => {
    const response = await server.gql<{
      model: { labels: string[] };
      predict: { scores: number[]; probabilities: { label: string; probability: number }[] }[];
    }>(
      `query ($instances: [InstanceInput!]!) { model(name: "iris") { labels } predict(model: "iris", instances: $instances) { scores probabilities { label probability } } }`,
      { instances: [{ features: SETOSA }, { features: VIRGINICA }] },
    );
    expect(response.body.errors).toBeUndefined();
    const { model, predict } = response.body.data!;
    for (const prediction of predict) {
      expect(prediction.probabilities.map((p) => p.label)).toEqual(model.labels);
      expect(prediction.scores).toEqual(prediction.probabilities.map((p) => p.probability));
    }
  });

  it('answers from a pinned version', async () => {
    const response = await predict({ model: 'iris', version: 1, instances: [{ features: SETOSA }] });
    expect(response.body.data!.predict![0]).toMatchObject({ version: 1, label: 'setosa' });
  });

  it('forecasts demand with a regression model (value, no label)', async () => {
    const plain = { dayOfWeek: 2, dayOfYear: 150, daysSinceLaunch: 900, price: 24.99, discountPct: 0, isHoliday: 0 };
    const response = await predict({
      model: 'demand-forecast',
      instances: [{ features: plain }, { features: { ...plain, discountPct: 30, isHoliday: 1 } }],
    });
    expect(response.body.errors).toBeUndefined();
    const [normal, promoted] = response.body.data!.predict!;
    expect(normal.label).toBeNull();
    expect(normal.value).toBeGreaterThan(0);
    expect(normal.values).toEqual([normal.value]);
    expect(promoted.value!).toBeGreaterThan(normal.value!);
  });

  it('classifies a 28x28 tensor with the digits model, softmaxing its logits', async () => {
    // A vertical stroke in the middle: a "1".
    const image = Array.from({ length: 28 * 28 }, (_, i) => (i % 28 >= 13 && i % 28 <= 15 && i >= 4 * 28 && i < 24 * 28 ? 1 : 0));
    const response = await predict({
      model: 'digits',
      instances: [{ tensor: { values: image, shape: [1, 28, 28] } }, { tensor: { values: image } }],
    });
    expect(response.body.errors).toBeUndefined();
    const [withShape, withoutShape] = response.body.data!.predict!;
    expect(withShape.label).toBe('1');
    expect(withShape.probabilities!.reduce((sum, p) => sum + p.probability, 0)).toBeCloseTo(1, 5);
    expect(withShape.values).toHaveLength(10);
    expect(withoutShape.label).toBe('1');
  });

  describe('errors, each with its stable code and a message naming the culprit', () => {
    const cases: [string, Record<string, unknown>, string, string | RegExp][] = [
      [
        'unknown model',
        { model: 'nope', instances: [{ features: SETOSA }] },
        'MODEL_NOT_FOUND',
        'model "nope" does not exist; the models query lists the available ones',
      ],
      [
        'unknown version',
        { model: 'iris', version: 9, instances: [{ features: SETOSA }] },
        'MODEL_VERSION_NOT_FOUND',
        'model "iris" has no version 9; its versions are 1, 2',
      ],
      [
        'missing feature',
        { model: 'iris', instances: [{ features: SETOSA }, { features: SETOSA }, { features: { ...SETOSA, petalWidth: undefined } }] },
        'BAD_USER_INPUT',
        'instances[2].features.petalWidth: must be present',
      ],
      [
        'unknown feature',
        { model: 'iris', instances: [{ features: { ...SETOSA, petalWdth: 1 } }] },
        'BAD_USER_INPUT',
        /^instances\[0\]\.features\.petalWdth: must be one of the features of model "iris" \(sepalLength, sepalWidth, petalLength, petalWidth\)/,
      ],
      [
        'feature not a number',
        { model: 'iris', instances: [{ features: { ...SETOSA, petalWidth: 'abc' } }] },
        'BAD_USER_INPUT',
        'instances[0].features.petalWidth: must be a finite number, but got "abc"',
      ],
      [
        'feature too large for float32',
        { model: 'iris', instances: [{ features: { ...SETOSA, sepalLength: 1e308 } }] },
        'BAD_USER_INPUT',
        'instances[0].features.sepalLength: must fit in float32 (|x| <= 3.4e38), but got 1e+308',
      ],
      [
        'tensor for a tabular model',
        { model: 'iris', instances: [{ tensor: { values: [1, 2, 3, 4] } }] },
        'BAD_USER_INPUT',
        /^instances\[0\]\.tensor: must not be used with tabular model "iris"/,
      ],
      [
        'wrong tensor length',
        { model: 'digits', instances: [{ tensor: { values: [0, 1, 2] } }] },
        'BAD_USER_INPUT',
        'instances[0].tensor.values: must hold 784 values for shape [1, 28, 28], but got 3',
      ],
      [
        'wrong tensor shape',
        { model: 'digits', instances: [{ tensor: { values: Array(784).fill(0), shape: [28, 28] } }] },
        'BAD_USER_INPUT',
        'instances[0].tensor.shape: must be [1, 28, 28], but got [28, 28]',
      ],
      ['no instances', { model: 'iris', instances: [] }, 'BAD_USER_INPUT', 'instances: must hold at least one instance'],
      [
        'a model predict does not serve',
        { model: 'sentiment', instances: [{ features: {} }] },
        'BAD_USER_INPUT',
        'model: "sentiment" is a text-classification model, which predict does not serve',
      ],
    ];
    it.each(cases)('%s', async (_name, variables, code, message) => {
      const response = await predict(variables);
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ predict: null });
      expect(codesOf(response)).toEqual([code]);
      expect(response.body.errors![0].message).toMatch(message instanceof RegExp ? message : new RegExp(`^${escapeRegExp(message)}$`));
      expect(response.body.errors![0].path).toEqual(['predict']);
    });
  });

  it('rejects a string where the schema wants a number before anything runs (Apollo validation)', async () => {
    const response = await server.gql(`{ predict(model: "digits", instances: [{ tensor: { values: ["a"] } }]) { label } }`);
    expect(response.status).toBe(400);
    expect(codesOf(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  describe('InstanceInput is @oneOf: exactly one of features and tensor, refused before anything runs', () => {
    const BOTH = { features: SETOSA, tensor: { values: [1, 2, 3, 4] } };
    const irisRuns = async () => {
      const response = await server.gql<{ model: { versionDetails: { version: number; runs: number }[] } }>(
        '{ model(name: "iris") { versionDetails { version runs } } }',
      );
      return response.body.data!.model.versionDetails.map((v) => v.runs).reduce((a, b) => a + b, 0);
    };

    it.each([
      ['both', `{ features: ${literal(SETOSA)}, tensor: { values: [1, 2, 3, 4] } }`],
      ['neither', '{}'],
      ['one of them null', '{ features: null }'],
    ])('in the query text (%s): GraphQL validation, HTTP 400', async (_name, instance) => {
      const before = await irisRuns();
      const response = await server.gql(
        `{ ok: predict(model: "iris", instances: [{ features: ${literal(SETOSA)} }]) { label } predict(model: "iris", instances: [${instance}]) { label } }`,
      );
      expect(response.status).toBe(400);
      expect(codesOf(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(response.body.errors![0].message).toMatch(
        /^OneOf Input Object "InstanceInput" must specify exactly one key\.$|^Field "InstanceInput\.features" must be non-null\.$/,
      );
      expect(response.body.data).toBeUndefined();
      expect(await irisRuns()).toBe(before);
    });

    it.each([
      ['both', BOTH],
      ['neither', {}],
      ['one of them null', { tensor: null }],
    ])('in variables (%s), also once the operation is compiled: BAD_USER_INPUT, HTTP 400', async (_name, instance) => {
      // The first two requests make the jit executor compile the operation; the third must still be refused.
      const good = await predict({ model: 'iris', instances: [{ features: SETOSA }] });
      expect(good.body.errors).toBeUndefined();
      await predict({ model: 'iris', instances: [{ features: SETOSA }] });
      const before = await irisRuns();
      const response = await predict({ model: 'iris', instances: [{ features: SETOSA }, instance] });
      expect(response.status).toBe(400);
      expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0].message).toMatch(/^Variable "\$instances" got invalid value .* at "instances\[1\](\.tensor)?"; /);
      expect(response.body.data).toBeUndefined();
      expect(await irisRuns()).toBe(before);
      // Nothing ran, so nothing is charged.
      expect((response.body as { extensions?: { cost?: unknown } }).extensions?.cost).toMatchObject({ requested: 2, charged: 0 });
    });
  });

  it('rejects variables of the wrong type with BAD_USER_INPUT and HTTP 400', async () => {
    const response = await predict({ model: 'iris', instances: 'not a list' });
    expect(response.status).toBe(400);
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
  });
});

/** An object as a GraphQL literal: `{ sepalLength: 5.1, ... }`. */
function literal(object: Record<string, number>): string {
  return `{ ${Object.entries(object)
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ')} }`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
