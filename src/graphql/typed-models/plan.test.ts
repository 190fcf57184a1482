import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../models/manifest.js';
import { modelField } from '../../tasks/predict/definition.js';
import { parseManifest } from '../../tasks/registry.js';
import { isGraphQLName, labelValueName, pascalCase } from './naming.js';
import { planSignature, planTypedModels } from './plan.js';

const manifest = (overrides: Record<string, unknown> = {}): ModelManifest => {
  const result = parseManifest({
    task: 'tabular-classification',
    description: 'test',
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
    outputs: [{ name: 'y', kind: 'logits' }],
    features: ['a', 'b'],
    labels: ['no', 'yes'],
    ...overrides,
  });
  if (!result.ok) throw new Error(`${result.field}: ${result.message}`);
  return result.manifest;
};
const NONE = { types: new Set<string>(), fields: new Set<string>() };

describe('names', () => {
  it.each([
    ['iris', 'Iris'],
    ['demand-forecast', 'DemandForecast'],
    ['movie_recommender.v2', 'MovieRecommenderV2'],
    ['myModel', 'MyModel'],
    ['3d-scan', '_3dScan'],
  ])('model %s → %s', (model, name) => expect(pascalCase(model)).toBe(name));

  it.each([
    ['versicolor', 'VERSICOLOR'],
    ['not spam', 'NOT_SPAM'],
    ['7', '_7'],
    ['é-t', '__T'],
    ['a.b-c', 'A_B_C'],
  ])('label %s → %s', (label, name) => expect(labelValueName(label)).toBe(name));

  it('accepts GraphQL names only, and none that GraphQL reserves', () => {
    expect(['sepalLength', '_x', 'A1'].map(isGraphQLName)).toEqual([true, true, true]);
    expect(['1x', 'a-b', '__x', ''].map(isGraphQLName)).toEqual([false, false, false, false]);
  });
});

describe('planTypedModels', () => {
  it('plans a classifier, a regressor and a tensor model with their names', () => {
    const plan = planTypedModels(
      [
        { name: 'iris', manifest: manifest({ labels: ['setosa', 'versicolor'] }) },
        {
          name: 'demand-forecast',
          manifest: manifest({ task: 'tabular-regression', labels: undefined, outputs: [{ name: 'y', kind: 'values' }] }),
        },
        {
          name: 'scan',
          manifest: manifest({
            task: 'tensor-classification',
            features: undefined,
            inputs: [{ name: 'x', type: 'float32', shape: ['batch', 'h', 3] }],
          }),
        },
        { name: 'broken' },
      ],
      NONE,
    );
    expect(plan.problems).toEqual([]);
    expect(plan.models.map((m) => [m.field, m.inputType, m.predictionType, m.classes?.labelType ?? null, m.input])).toEqual([
      [
        'predictDemandForecast',
        'DemandForecastFeaturesInput',
        'DemandForecastPrediction',
        null,
        { kind: 'features', features: ['a', 'b'] },
      ],
      ['predictIris', 'IrisFeaturesInput', 'IrisPrediction', 'IrisLabel', { kind: 'features', features: ['a', 'b'] }],
      ['predictScan', 'ScanTensorInput', 'ScanPrediction', 'ScanLabel', { kind: 'tensor', shape: ['h', 3] }],
    ]);
    expect(plan.models[1].classes?.labels).toEqual([
      { name: 'SETOSA', label: 'setosa' },
      { name: 'VERSICOLOR', label: 'versicolor' },
    ]);
  });

  it('leaves restricted models out unless their manifest asks, and any model whose manifest says no', () => {
    const plan = planTypedModels(
      [
        { name: 'restricted', manifest: manifest({ scopes: ['predict:x'] }) },
        { name: 'asked', manifest: manifest({ scopes: ['predict:x'], graphql: { typedField: true } }) },
        { name: 'declined', manifest: manifest({ graphql: { typedField: false } }) },
        { name: 'open', manifest: manifest() },
      ],
      NONE,
    );
    expect(plan.models.map((m) => [m.field, m.spec])).toEqual([
      ['predictAsked', modelField('asked')],
      ['predictOpen', modelField('open')],
    ]);
  });

  it('leaves out, with a reason, models whose names collide with each other or with the schema, and keeps the rest', () => {
    const plan = planTypedModels(
      [
        { name: 'a-b', manifest: manifest() },
        { name: 'a_b', manifest: manifest() },
        { name: 'sentiment', manifest: manifest() },
        { name: 'spaced', manifest: manifest({ features: ['a b', 'c'] }) },
        { name: 'fine', manifest: manifest() },
      ],
      { types: new Set(['SentimentLabel']), fields: new Set(['predict']) },
    );
    expect(plan.models.map((m) => m.field)).toEqual(['predictFine']);
    expect(plan.problems.map((p) => p.message)).toEqual([
      'model spaced gets no typed field: feature "a b" is not a GraphQL name (letters, digits and _, not starting with a digit or __)',
      'model a-b gets no typed field: models a-b, a_b all map to the GraphQL name predictAB; rename one folder',
      'model a_b gets no typed field: models a-b, a_b all map to the GraphQL name predictAB; rename one folder',
      'model sentiment gets no typed field: the schema already has SentimentLabel; rename the folder',
    ]);
  });

  it('signs what reaches the schema: equal lists sign alike, a changed label does not', () => {
    const sign = (labels: string[]) => planSignature(planTypedModels([{ name: 'iris', manifest: manifest({ labels }) }], NONE));
    expect(sign(['no', 'yes'])).toBe(sign(['no', 'yes']));
    expect(sign(['no', 'yes'])).not.toBe(sign(['no', 'maybe']));
  });
});
