import { buildSchema, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { RootFieldSpec } from '../tasks/definition.js';
import { modelField, PREDICT } from '../tasks/predict/definition.js';
import { TASK_DEFINITIONS } from '../tasks/registry.js';
import { printGatewaySchema } from './print-schema.js';
import { checkRootFields, declareRootFields, rootFieldSpecs, rootFieldTable } from './root-fields.js';

const configuredModels = { sentiment: 'sentiment', recommend: 'movie-recommender' };
const sdl = 'type Query { predict(model: String!, instances: [Int!]!): Int  one(model: String!, instance: Int): Int  models: Int }';
const schemaWith = (specs: Record<string, RootFieldSpec>): GraphQLSchema => {
  const schema = buildSchema(sdl);
  declareRootFields(schema, new Map(Object.entries(specs)));
  return schema;
};

describe('rootFieldTable', () => {
  it('declares every task field, with its kind and the configured model filled in, and the repository fields', () => {
    const table = rootFieldTable({ configuredModels });
    expect(Object.fromEntries(table)).toEqual({
      'Query.predict': { kind: 'predict', model: { argument: 'model' }, use: 'runs', cost: { per: 'element', argument: 'instances' } },
      'Query.recommendMovies': { kind: 'recommend', model: { name: 'movie-recommender' }, use: 'runs', cost: { per: 'call' } },
      'Query.movies': { kind: 'recommend', model: { name: 'movie-recommender' }, use: 'reads' },
      'Query.moviesConnection': { kind: 'recommend', model: { name: 'movie-recommender' }, use: 'reads' },
      'Query.classifySentiment': { kind: 'sentiment', model: { name: 'sentiment' }, use: 'runs', cost: { per: 'text', argument: 'text' } },
      'Query.classifySentiments': {
        kind: 'sentiment',
        model: { name: 'sentiment' },
        use: 'runs',
        cost: { per: 'text', argument: 'texts' },
      },
      'Query.models': { scope: 'models:read' },
      'Query.model': { scope: 'models:read' },
      'Mutation.loadModel': { scope: 'admin' },
      'Mutation.unloadModel': { scope: 'admin' },
    });
  });

  it('refuses a field two kinds declare, and a configured field without its model', () => {
    expect(() => rootFieldTable({ configuredModels, tasks: [PREDICT, { ...PREDICT, kind: 'sentiment' }] })).toThrow(
      'root field Query.predict must be declared once, but task kind sentiment declares it again',
    );
    expect(() => rootFieldTable({ configuredModels: { sentiment: 'sentiment' }, tasks: TASK_DEFINITIONS })).toThrow(
      'task kind recommend must be given its configured model (for Query.recommendMovies)',
    );
  });
});

describe('checkRootFields', () => {
  it('passes the gateway schema, every root field of which carries its spec', async () => {
    const schema = buildSchema(await printGatewaySchema());
    declareRootFields(schema, rootFieldTable({ configuredModels }));
    expect(() => checkRootFields(schema)).not.toThrow();
    expect([...rootFieldSpecs(schema).get('Query')!.keys()]).toEqual(Object.keys(schema.getQueryType()!.getFields()));
  });

  it('refuses a root field without a permission rule, naming it', () => {
    const schema = schemaWith({ 'Query.predict': modelField('iris'), 'Query.models': { scope: 'models:read' } });
    expect(() => checkRootFields(schema)).toThrow(
      /every root field must have a permission rule .*; Query\.one has no permission rule \(declare/,
    );
  });

  it('refuses a field that runs a model without a usable item cost', () => {
    // Specs of generated fields are data: one may come without a cost, or name an argument the field lacks.
    const noCost = JSON.parse('{ "kind": "predict", "model": { "name": "iris" }, "use": "runs" }') as RootFieldSpec;
    const schema = schemaWith({
      'Query.predict': noCost,
      'Query.one': { kind: 'predict', model: { argument: 'model' }, use: 'runs', cost: { per: 'element', argument: 'instance' } },
      'Query.models': { kind: 'predict', model: { argument: 'name' }, use: 'reads' },
    });
    expect(() => checkRootFields(schema)).toThrow(
      'Query.predict runs a model and has no item cost; Query.one runs a model and its item cost counts the elements of "instance", which is not a list; Query.models takes its model from argument "name", which it does not have',
    );
    const wrongArgument = schemaWith({
      'Query.predict': { kind: 'predict', model: { argument: 'model' }, use: 'runs', cost: { per: 'element', argument: 'rows' } },
      'Query.one': { kind: 'predict', model: { argument: 'model' }, use: 'runs', cost: { per: 'call' } },
      'Query.models': { scope: 'models:read' },
    });
    expect(() => checkRootFields(wrongArgument)).toThrow(
      'Query.predict runs a model and its item cost reads argument "rows", which it does not have',
    );
  });

  it('refuses a spec for a field the schema does not have', () => {
    expect(() => schemaWith({ 'Query.predictIris': modelField('iris') })).toThrow(
      'root field Query.predictIris is declared (with its permission and cost) but the schema has no such field',
    );
  });
});
