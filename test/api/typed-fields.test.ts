/**
 * The typed per-model fields (predictIris, predictDemandForecast) over real HTTP: the same answers as
 * predict, one ONNX run shared with predict, the same scopes and item budgets, and models whose
 * manifests restrict scopes, collide or have odd labels left out without disturbing the others.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLResponse, startTestServer, type TestServer } from '../support/gateway-server.js';
import { captureLogs, type ProductionGateway, startProductionGateway } from '../support/production-gateway.js';
import { linearManifest, TempRepository } from '../support/temp-repository.js';
import { linearModel } from '../support/tiny-models.js';

// Flowers across the three species, with measurements in between (where the versions may disagree).
const FLOWERS = [
  { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 },
  { sepalLength: 5.9, sepalWidth: 3.0, petalLength: 4.2, petalWidth: 1.5 },
  { sepalLength: 6.9, sepalWidth: 3.1, petalLength: 5.4, petalWidth: 2.1 },
  { sepalLength: 6.0, sepalWidth: 2.7, petalLength: 5.0, petalWidth: 1.6 },
  { sepalLength: 4.3, sepalWidth: 2.0, petalLength: 6.9, petalWidth: 0.1 },
];
const DAYS = [
  { dayOfWeek: 4, dayOfYear: 329, daysSinceLaunch: 1060, price: 24.99, discountPct: 30, isHoliday: 1 },
  { dayOfWeek: 0, dayOfYear: 10, daysSinceLaunch: 10, price: 29.99, discountPct: 0, isHoliday: 0 },
];

interface Prediction {
  model: string;
  version: number;
  label: string;
  score: number;
  scores: number[];
  values: number[];
  probabilities: { label: string; probability: number }[];
}

const costOf = (response: GraphQLResponse<unknown>) => (response.body as { extensions?: { cost?: unknown } }).extensions?.cost;

const ok = <T>(response: GraphQLResponse<T>): T => {
  expect(response.body.errors).toBeUndefined();
  return response.body.data as T;
};

describe('typed per-model fields on the bundled models (development server)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers as predict does, for every iris version and for demand-forecast (golden)', async () => {
    const fields = 'model version label score scores values probabilities { label probability }';
    for (const version of [1, 2]) {
      const data = ok(
        await server.gql<{ typed: Prediction[]; generic: Prediction[] }>(
          `query ($rows: [IrisFeaturesInput!]!, $instances: [InstanceInput!]!, $v: Int) {
            typed: predictIris(instances: $rows, version: $v) { ${fields} }
            generic: predict(model: "iris", instances: $instances, version: $v) { ${fields} }
          }`,
          { rows: FLOWERS, instances: FLOWERS.map((features) => ({ features })), v: version },
        ),
      );
      // The enum's values are the labels upper-cased; everything else is the same number for number.
      const asGeneric = data.typed.map((p) => ({
        ...p,
        label: p.label.toLowerCase(),
        probabilities: p.probabilities.map((c) => ({ ...c, label: c.label.toLowerCase() })),
      }));
      expect(asGeneric).toEqual(data.generic);
      expect(data.typed.map((p) => p.version)).toEqual(FLOWERS.map(() => version));
    }
    const demand = ok(
      await server.gql<{ typed: { value: number; values: number[] }[]; generic: { value: number; values: number[] }[] }>(
        `query ($rows: [DemandForecastFeaturesInput!]!, $instances: [InstanceInput!]!) {
          typed: predictDemandForecast(instances: $rows) { value values }
          generic: predict(model: "demand-forecast", instances: $instances) { value values }
        }`,
        { rows: DAYS, instances: DAYS.map((features) => ({ features })) },
      ),
    );
    expect(demand.typed).toEqual(demand.generic);
    expect(demand.typed[0].value).toBeGreaterThan(0);
  });

  it('runs an alias of predictIris and a predict on iris in one query as one ONNX run (the metrics count it)', async () => {
    const runs = async () => {
      const text = await (await fetch(`${server.origin}/metrics`)).text();
      return Number(/^gateway_inference_runs_total\{model="iris",version="2",outcome="ok"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const items = () => server.gateway.registry.counters()['iris@2'].items;
    const [runsBefore, itemsBefore] = [await runs(), items()];
    const data = ok(
      await server.gql<{ a: { label: string }[]; b: { label: string }[]; c: { label: string }[] }>(
        `query ($rows: [IrisFeaturesInput!]!, $instances: [InstanceInput!]!) {
          a: predictIris(instances: $rows) { label }
          b: predict(model: "iris", instances: $instances) { label }
          c: predictIris(instances: [{ sepalLength: 6.9, sepalWidth: 3.1, petalLength: 5.4, petalWidth: 2.1 }]) { label }
        }`,
        { rows: FLOWERS.slice(0, 2), instances: [{ features: FLOWERS[0] }] },
      ),
    );
    expect(data).toEqual({ a: [{ label: 'SETOSA' }, { label: 'VERSICOLOR' }], b: [{ label: 'setosa' }], c: [{ label: 'VIRGINICA' }] });
    expect((await runs()) - runsBefore).toBe(1);
    expect(items() - itemsBefore).toBe(4);
  });

  it('costs a typed field with its model: extensions.cost counts its instances', async () => {
    const response = await server.gql(`query ($rows: [IrisFeaturesInput!]!) { x: predictIris(instances: $rows) { label } }`, {
      rows: FLOWERS,
    });
    expect(response.body.errors).toBeUndefined();
    expect(costOf(response)).toMatchObject({ requested: FLOWERS.length, charged: FLOWERS.length });
  });

  it('refuses a misspelt or missing feature before anything runs, and checks values as predict does', async () => {
    const misspelt = await server.gql(
      '{ predictIris(instances: [{ sepalLenght: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }]) { label } }',
    );
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(misspelt.body.errors?.map((error) => error.message).join('\n')).toMatch(
      /"sepalLenght" is not defined by type "IrisFeaturesInput"/,
    );
    const huge = await server.gql(
      '{ predictIris(instances: [{ sepalLength: 1e39, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }]) { label } }',
    );
    expect(huge.body.errors?.[0]).toMatchObject({
      message: 'instances[0].sepalLength: must fit in float32 (|x| <= 3.4e38), but got 1e+39',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const none = await server.gql('{ predictIris(instances: []) { label } }');
    expect(none.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('gives restricted models (digits) no field, and every new type a description', async () => {
    const data = ok(
      await server.gql<{ __schema: { queryType: { fields: { name: string }[] } } }>('{ __schema { queryType { fields { name } } } }'),
    );
    const names = data.__schema.queryType.fields.map((field) => field.name);
    expect(names).toEqual(expect.arrayContaining(['predict', 'predictIris', 'predictDemandForecast']));
    expect(names.filter((name) => name.startsWith('predict'))).toHaveLength(3);
    const label = ok(
      await server.gql<{ __type: { enumValues: { name: string; description: string }[] } }>(
        '{ __type(name: "IrisLabel") { enumValues { name description } } }',
      ),
    );
    expect(label.__type.enumValues).toEqual([
      { name: 'SETOSA', description: 'The label "setosa".' },
      { name: 'VERSICOLOR', description: 'The label "versicolor".' },
      { name: 'VIRGINICA', description: 'The label "virginica".' },
    ]);
  });
});

describe('typed fields under scopes and budgets (production)', () => {
  let gateway: ProductionGateway;
  beforeAll(async () => {
    gateway = await startProductionGateway({ iris: ['predict:iris'], predict: ['predict'], nothing: ['sentiment'] });
  });
  afterAll(() => gateway.close());

  it('lets whoever may call the model call its field, and denies the others as predict does, charging nothing', async () => {
    const query = `{ i: predictIris(instances: [${JSON.stringify(FLOWERS[0]).replace(/"(\w+)":/g, '$1:')}]) { label }
      d: predictDemandForecast(instances: [${JSON.stringify(DAYS[0]).replace(/"(\w+)":/g, '$1:')}]) { value } }`;
    const asIris = await gateway.server.gql<{ i: { label: string }[] | null; d: unknown }>(query, undefined, gateway.as('iris'));
    expect(asIris.body.data).toEqual({ i: [{ label: 'SETOSA' }], d: null });
    expect(asIris.body.errors).toEqual([
      expect.objectContaining({
        path: ['d'],
        message: 'Query.predictDemandForecast needs scope "predict:demand-forecast", which this caller does not have',
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
    expect(costOf(asIris)).toMatchObject({ requested: 2, charged: 1 });
    const asPredict = await gateway.server.gql(query, undefined, gateway.as('predict'));
    expect(asPredict.body.errors).toBeUndefined();
    expect(costOf(asPredict)).toMatchObject({ requested: 2, charged: 2 });
    const anonymous = await gateway.server.gql(query, undefined, {});
    expect(anonymous.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    const other = await gateway.server.gql(query, undefined, gateway.as('nothing'));
    expect(other.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(costOf(other)).toMatchObject({ requested: 2, charged: 0 });
  });
});

describe('which models get a typed field (a repository of odd models)', () => {
  const repo = new TempRepository();
  const logs = captureLogs();
  let server: TestServer;
  beforeAll(async () => {
    const linear = linearModel();
    const add = (name: string, overrides = {}) => repo.manifest(name, linearManifest(overrides)).version(name, 1, linear);
    add('my-model');
    add('my_model'); // both map to MyModel
    add('odd-labels', { labels: ['a-b', 'a_b', 'c'] }); // A_B twice
    add('7-segment', { labels: ['0', 'on off', 'x'] });
    add('restricted', { scopes: ['predict:restricted'] });
    add('opted-in', { scopes: ['predict:opted-in'], graphql: { typedField: true } });
    add('opted-out', { graphql: { typedField: false } });
    add('regressor', { task: 'tabular-regression', labels: undefined, outputs: [{ name: 'y', kind: 'values', shape: ['batch', 3] }] });
    repo.copyBundled('digits');
    const digits = join(repo.root, 'digits', 'model.json');
    writeFileSync(digits, JSON.stringify({ ...JSON.parse(readFileSync(digits, 'utf8')), graphql: { typedField: true } }));
    server = await startTestServer({ MODELS_DIR: repo.root, SENTIMENT_MODEL: 'none', RECOMMENDER_MODEL: 'none' }, { logger: logs.logger });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(repo.root, { recursive: true, force: true });
  });

  it('adds the fields it can, and logs one clear error per model it cannot serve a field for', async () => {
    const data = ok(
      await server.gql<{ __schema: { queryType: { fields: { name: string }[] } } }>('{ __schema { queryType { fields { name } } } }'),
    );
    const typed = data.__schema.queryType.fields.map((field) => field.name).filter((name) => /^predict./.test(name));
    expect(typed.sort()).toEqual(['predictDigits', 'predictOptedIn', 'predictRegressor', 'predict_7Segment']);
    const errors = logs
      .parsed()
      .filter((line) => line.level === 50)
      .map((line) => line.msg);
    expect(errors).toEqual(
      expect.arrayContaining([
        'model my-model gets no typed field: models my-model, my_model all map to the GraphQL name predictMyModel; rename one folder',
        'model my_model gets no typed field: models my-model, my_model all map to the GraphQL name predictMyModel; rename one folder',
        'model odd-labels gets no typed field: labels "a-b" and "a_b" both give the enum value A_B',
      ]),
    );
    // The models without a typed field still serve through predict.
    const generic = ok(
      await server.gql<{ a: { label: string }[]; b: { label: string }[] }>(
        '{ a: predict(model: "my-model", instances: [{ features: { a: 1, b: 0 } }]) { label } b: predict(model: "odd-labels", instances: [{ features: { a: 1, b: 0 } }]) { label } }',
      ),
    );
    expect(generic.a).toHaveLength(1);
    expect(generic.b).toHaveLength(1);
  });

  it('sanitises labels into enum values, described by the label', async () => {
    const data = ok(
      await server.gql<{ __type: { enumValues: { name: string; description: string }[] } }>(
        '{ __type(name: "_7SegmentLabel") { enumValues { name description } } }',
      ),
    );
    expect(data.__type.enumValues).toEqual([
      { name: '_0', description: 'The label "0".' },
      { name: 'ON_OFF', description: 'The label "on off".' },
      { name: 'X', description: 'The label "x".' },
    ]);
    const answer = ok(
      await server.gql<{ predict_7Segment: { label: string; probabilities: { label: string }[] }[] }>(
        '{ predict_7Segment(instances: [{ a: 1, b: 2 }]) { label probabilities { label } } }',
      ),
    );
    expect(answer.predict_7Segment[0].probabilities.map((p) => p.label)).toEqual(['_0', 'ON_OFF', 'X']);
    const regression = ok(
      await server.gql<{ predictRegressor: { value: number; values: number[] }[] }>(
        '{ predictRegressor(instances: [{ a: 1, b: 2 }]) { values } }',
      ),
    );
    expect(regression.predictRegressor[0].values).toHaveLength(3);
  });

  it('types tensor models: a fixed shape takes the flat tensor alone, and answers as predict', async () => {
    const pixels = Array.from({ length: 784 }, (_, i) => ((i * 37) % 255) / 255);
    const data = ok(
      await server.gql<{ typed: { label: string; scores: number[] }[]; generic: { label: string; scores: number[] }[] }>(
        `query ($t: [Float!]!) {
          typed: predictDigits(instances: [{ tensor: $t }]) { label scores }
          generic: predict(model: "digits", instances: [{ tensor: { values: $t } }]) { label scores }
        }`,
        { t: pixels },
      ),
    );
    expect(`_${data.generic[0].label}`).toBe(data.typed[0].label);
    expect(data.typed[0].scores).toEqual(data.generic[0].scores);
    const described = ok(
      await server.gql<{ __type: { description: string; inputFields: { name: string; description: string }[] } }>(
        '{ __type(name: "DigitsTensorInput") { description inputFields { name description } } }',
      ),
    );
    expect(described.__type.inputFields).toEqual([
      { name: 'tensor', description: 'One instance of shape [1, 28, 28], flattened row-major: 784 values.' },
    ]);
    const wrong = await server.gql('{ predictDigits(instances: [{ tensor: [1, 2, 3] }]) { label } }');
    expect(wrong.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^instances\[0\]\.tensor(\.values)?: must hold 784 values/),
    });
  });
});
