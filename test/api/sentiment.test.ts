import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';

type Sentiment = { text: string; label: string; score: number; scores: { label: string; probability: number }[] };

describe('classifySentiment and classifySentiments over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('labels obvious sentences', async () => {
    const response = await server.gql<{ a: Sentiment; b: Sentiment; c: Sentiment }>(`{
      a: classifySentiment(text: "I loved this movie") { text label score scores { label probability } }
      b: classifySentiment(text: "this was not good at all") { label }
      c: classifySentiment(text: "the movie starts at 8pm") { label }
    }`);
    expect(response.body.errors).toBeUndefined();
    const { a, b, c } = response.body.data!;
    expect(a).toMatchObject({ text: 'I loved this movie', label: 'POSITIVE' });
    expect(a.scores.map((s) => s.label)).toEqual(['NEGATIVE', 'NEUTRAL', 'POSITIVE']);
    expect(a.score).toBe(Math.max(...a.scores.map((s) => s.probability)));
    expect(b.label).toBe('NEGATIVE');
    expect(c.label).toBe('NEUTRAL');
  });

  it('classifies a list in order', async () => {
    const texts = ['What a wonderful, delightful evening!', 'Terrible service and rude staff.', 'The store opens at nine.'];
    const response = await server.gql<{ classifySentiments: Sentiment[] }>(
      `query ($texts: [String!]!) { classifySentiments(texts: $texts) { text label } }`,
      { texts },
    );
    expect(response.body.data!.classifySentiments.map((s) => [s.text, s.label])).toEqual([
      [texts[0], 'POSITIVE'],
      [texts[1], 'NEGATIVE'],
      [texts[2], 'NEUTRAL'],
    ]);
  });

  it.each([
    ['empty text', 'classifySentiment(text: $text) { label }', { text: '' }, 'text: must not be empty'],
    ['whitespace only', 'classifySentiment(text: $text) { label }', { text: '   \n ' }, 'text: must not be empty'],
    [
      '10,000 characters',
      'classifySentiment(text: $text) { label }',
      { text: 'good '.repeat(2000) },
      'text: must be at most 5000 characters, but got a string of 10000 characters',
    ],
  ])('rejects %s with BAD_USER_INPUT', async (_name, field, variables, message) => {
    const response = await server.gql(`query ($text: String!) { ${field} }`, variables);
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0].message).toBe(message);
  });

  it('names the offending index in a list', async () => {
    const response = await server.gql(`query ($texts: [String!]!) { classifySentiments(texts: $texts) { label } }`, {
      texts: ['fine', 'ok', ''],
    });
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0].message).toBe('texts[2]: must not be empty');
  });

  it('rejects an empty list', async () => {
    const response = await server.gql(`{ classifySentiments(texts: []) { label } }`);
    expect(response.body.errors![0]).toMatchObject({
      message: 'texts: must hold at least one text',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
