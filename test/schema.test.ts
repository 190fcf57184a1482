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
      'genres: [Genre!]',
      'genre: Genre',
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
      'input InstanceInput @oneOf {',
      'tensor: TensorInput',
      'values: [Float!]!',
      'shape: [Int!]',
      'enum SentimentLabel',
      'task: ModelTask!',
      'status: ModelStatus!',
      'status: ModelVersionStatus!',
      'errorCode: ModelLoadFailure',
      'type: TensorElementType!',
      'kind: OutputKind!',
      'genres: [Genre!]!',
    ]) {
      expect(sdl).toContain(line);
    }
  });
});

describe('schema descriptions', () => {
  it('describes every type, field, argument and enum value the gateway defines', async () => {
    const { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType } = await import(
      'graphql'
    );
    const schema = buildSchema(await printGatewaySchema());
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : [])
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });
});
