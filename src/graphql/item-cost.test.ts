import { buildSchema, GraphQLObjectType, GraphQLSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { modelField } from '../tasks/predict/definition.js';
import { costFields, textCost } from './item-cost.js';
import { type RootFieldLookup, type RootFieldTable, rootFieldsOf, rootFieldTable } from './root-fields.js';

// The specs by coordinate, as the schema's root types would give them.
const lookupIn =
  (table: RootFieldTable): RootFieldLookup =>
  (operation, field) =>
    table.get(`${operation === 'mutation' ? 'Mutation' : 'Query'}.${field}`);

const fields = rootFieldTable({ configuredModels: { sentiment: 'sentiment', recommend: 'movie-recommender' } });
const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return costFields(document, getOperationAST(document)!, variables, lookupIn(fields)).reduce((total, field) => total + field.cost, 0);
};

describe('costFields: items', () => {
  it('counts instances, texts and single-item fields across aliases', () => {
    expect(
      cost(`{
        a: predict(model: "iris", instances: [{ features: {} }, { features: {} }, { features: {} }]) { label }
        b: predict(model: "iris", instances: [{ features: {} }]) { label }
        c: classifySentiment(text: "x") { label }
        d: classifySentiments(texts: ["a", "b"]) { label }
        e: recommendMovies(history: [{ movieId: "m1", rating: 4 }]) { score }
        models { name }
        movies { id }
      }`),
    ).toBe(3 + 1 + 1 + 2 + 1);
  });

  it('follows variables, fragments and inline fragments', () => {
    const query = `query Q($i: [InstanceInput!]!, $t: [String!]!) {
      ...F
      ... on Query { x: classifySentiments(texts: $t) { label } }
    }
    fragment F on Query { p: predict(model: "iris", instances: $i) { label } }`;
    expect(cost(query, { i: Array(256).fill({}), t: ['a', 'b', 'c'] })).toBe(259);
  });

  it('counts a single value given for a list as one, and a missing variable as none', () => {
    expect(cost(`{ predict(model: "iris", instances: { features: {} }) { label } }`)).toBe(1);
    expect(cost(`query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }`, {})).toBe(0);
  });

  it('does not loop on a fragment cycle (validation rejects it later)', () => {
    expect(cost(`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A classifySentiment(text: "x") { label } }`)).toBe(1);
  });
});

describe('costFields: what execution will run', () => {
  const defaults = `query ($i: [InstanceInput!]! = [{ features: {} }, { features: {} }, { features: {} }]) {
    a: predict(model: "iris", instances: $i) { label }
    b: predict(model: "iris", instances: $i) { label }
  }`;

  it("counts a variable's default value when the request leaves the variable out", () => {
    expect(cost(defaults)).toBe(6);
    expect(cost(defaults, { i: [{}] })).toBe(2);
    expect(
      cost(
        `query ($t: [String!]! = ["a", "b"], $one: String = "x") { classifySentiments(texts: $t) { label } classifySentiment(text: $one) { label } }`,
      ),
    ).toBe(3);
  });

  it('follows variables inside list literals, with their defaults', () => {
    expect(cost(`query ($a: InstanceInput = { features: {} }) { predict(model: "iris", instances: [$a, $a]) { label } }`)).toBe(2);
  });

  it('leaves out what @skip and @include keep from running, with literal and variable conditions', () => {
    const query = `query ($no: Boolean = false, $yes: Boolean!) {
      a: classifySentiment(text: "x") @skip(if: true) { label }
      b: classifySentiment(text: "x") @include(if: $no) { label }
      c: classifySentiment(text: "x") @include(if: $yes) { label }
      ... on Query @skip(if: $yes) { d: classifySentiment(text: "x") { label } }
      ...F @include(if: false)
    }
    fragment F on Query { e: classifySentiment(text: "x") { label } }`;
    expect(cost(query, { yes: true })).toBe(1);
    expect(cost(query, { yes: false })).toBe(1); // d in, c out
  });

  it('counts fields merged under one response key once, as execution runs them once', () => {
    expect(
      cost(
        `{ predict(model: "iris", instances: [{ features: {} }]) { label } predict(model: "iris", instances: [{ features: {} }]) { score } }`,
      ),
    ).toBe(1);
  });

  it('weighs texts by size: one item per started 1,000 characters', () => {
    expect(textCost(0)).toBe(1);
    expect(textCost(1000)).toBe(1);
    expect(textCost(1001)).toBe(2);
    expect(textCost(5000)).toBe(5);
    expect(
      cost(`query ($t: [String!]!) { classifySentiments(texts: $t) { label } }`, { t: ['a', 'b'.repeat(2500), 'c'.repeat(5000)] }),
    ).toBe(1 + 3 + 5);
    expect(cost(`query ($t: String!) { classifySentiment(text: $t) { label } }`, { t: 'x'.repeat(1999) })).toBe(2);
  });

  it('costs a root field registered at schema-build time (a generated per-model field) by its spec', () => {
    const withIris = new Map([...fields, ['Query.predictIris', modelField('iris')]]);
    const document = parse(`query ($i: [IrisFeaturesInput!]!) { a: predictIris(instances: $i) { label } }`);
    expect(costFields(document, getOperationAST(document)!, { i: [{}, {}, {}] }, lookupIn(withIris))).toEqual([
      { responseKey: 'a', field: 'predictIris', kind: 'predict', model: 'iris', items: 3, textCharacters: 0, cost: 3 },
    ]);
  });

  it('costs nothing for a field that has no spec or only reads its model', () => {
    expect(cost(`{ models { name } movies { id } moviesConnection { totalCount } unknown }`)).toBe(0);
  });

  it('reports each model field with its model, items and characters', () => {
    const document = parse(`query ($t: [String!]!, $m: String = "digits") {
      x: predict(model: $m, instances: [{ tensor: { values: [] } }]) { label }
      y: classifySentiments(texts: $t) { label }
      z: recommendMovies(history: []) { score }
    }`);
    expect(costFields(document, getOperationAST(document)!, { t: ['ab', 'c'.repeat(1500)] }, lookupIn(fields))).toEqual([
      { responseKey: 'x', field: 'predict', kind: 'predict', model: 'digits', items: 1, textCharacters: 0, cost: 1 },
      { responseKey: 'y', field: 'classifySentiments', kind: 'sentiment', model: 'sentiment', items: 2, textCharacters: 1502, cost: 3 },
      { responseKey: 'z', field: 'recommendMovies', kind: 'recommend', model: 'movie-recommender', items: 1, textCharacters: 0, cost: 1 },
    ]);
  });
});

describe('costFields on the schema an operation was validated against', () => {
  it('costs a per-model field by the spec its schema carries (extensions.rootField), aliases and all', () => {
    const built = buildSchema('input Row { a: Float! } type Query { predictIris(instances: [Row!]!): [Float] }');
    const query = built.getQueryType()!.toConfig();
    const predictIris = { ...query.fields.predictIris, extensions: { rootField: modelField('iris') } };
    const schema = new GraphQLSchema({ query: new GraphQLObjectType({ ...query, fields: { predictIris } }) });
    const document = parse('{ x: predictIris(instances: [{ a: 1 }, { a: 2 }]) y: predictIris(instances: [{ a: 3 }]) }');
    const costs = costFields(document, getOperationAST(document)!, {}, rootFieldsOf(schema));
    expect(costs.map(({ field, kind, model, items, cost }) => ({ field, kind, model, items, cost }))).toEqual([
      { field: 'predictIris', kind: 'predict', model: 'iris', items: 2, cost: 2 },
      { field: 'predictIris', kind: 'predict', model: 'iris', items: 1, cost: 1 },
    ]);
    // The same document on a schema whose field carries no spec costs nothing: checkRootFields refuses to serve that schema.
    expect(costFields(document, getOperationAST(document)!, {}, rootFieldsOf(built))).toEqual([]);
  });
});
