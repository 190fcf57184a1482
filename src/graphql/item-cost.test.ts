import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countItems } from './item-cost.js';

const cost = (query: string, variables?: Record<string, unknown>) => {
  const document = parse(query);
  return countItems(document, getOperationAST(document)!, variables);
};

describe('countItems', () => {
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
