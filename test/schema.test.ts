import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printGatewaySchema } from '../src/graphql/print-schema.js';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:print` after changing resolvers or types)', async () => {
    const committed = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(await printGatewaySchema()).toBe(committed);
  });

  it('keeps the public contract: root fields and their argument types', async () => {
    const sdl = await printGatewaySchema();
    for (const line of [
      'predict(\n',
      'model: String!',
      'version: Int',
      'instances: [InstanceInput!]!',
      '): [Prediction!]',
      'history: [MovieRatingInput!]!',
      'limit: Int = 10',
      'genres: [String!]',
      '): [MovieRecommendation!]',
      'classifySentiment(',
      '): SentimentResult',
      'classifySentiments(',
      'texts: [String!]!',
      '): [SentimentResult!]',
      'models: [ModelInfo!]',
      'model(',
      '): ModelInfo',
      'features: JSONObject',
      'tensor: [Float!]',
      'shape: [Int!]',
      'enum SentimentLabel',
    ]) {
      expect(sdl).toContain(line);
    }
  });
});
