import { buildSchema, execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printGatewaySchema } from '../graphql/print-schema.js';
import { ModelRegistry } from '../models/registry.js';
import { InferencePool } from '../runtime/inference-pool.js';
import { applyPermissions } from './permissions.js';
import type { Principal } from './principal.js';

const options = {
  registry: new ModelRegistry({ backend: new InferencePool({ workers: 1 }) }),
  sentimentModel: 'sentiment',
  recommenderModel: 'movie-recommender',
};
const admin: Principal = { kind: 'api-key', id: 'ops', scopes: new Set(['admin']) };

describe('applyPermissions', () => {
  it('refuses a schema with an object type the permissions map does not name', () => {
    const schema = buildSchema(
      'type Query { models: [ModelInfo] secret: Secret } type ModelInfo { name: String } type Secret { code: String }',
    );
    expect(() => applyPermissions(schema, options)).toThrow(
      'the permissions map must name every object type, but it lacks Secret (src/auth/permissions.ts)',
    );
  });

  it('denies a root field nobody named, even to admin, and lets named ones through', async () => {
    // The real schema, plus a root field someone added without opening it.
    const sdl = (await printGatewaySchema()).replace('type Query {', 'type Query {\n  hidden: String');
    const schema = buildSchema(sdl);
    const fields = schema.getQueryType()!.getFields();
    fields.hidden.resolve = () => 'the secret';
    fields.models.resolve = () => [{ name: 'iris' }];
    // The bundled models' typed fields, as the live schema names them.
    const typedModels = {
      fields: new Map([
        ['predictIris', 'iris'],
        ['predictDemandForecast', 'demand-forecast'],
      ]),
      objectTypes: ['IrisPrediction', 'IrisClassProbability', 'DemandForecastPrediction'],
    };
    const result = await execute({
      schema: applyPermissions(schema, { ...options, typedModels }),
      document: parse('{ hidden models { name } }'),
      contextValue: { principal: admin },
    });
    expect(result.data).toEqual({ hidden: null, models: [{ name: 'iris' }] });
    expect(result.errors?.map((e) => [e.path?.join('.'), e.message, (e.originalError as { code?: string }).code])).toEqual([
      ['hidden', 'Query.hidden is not open to any caller (denied by default)', 'FORBIDDEN'],
    ]);
  });
});
