import { buildSchema, execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printGatewaySchema } from '../graphql/print-schema.js';
import { declareRootFields } from '../graphql/root-fields.js';
import { ModelRegistry } from '../models/registry.js';
import { InferencePool } from '../runtime/inference-pool.js';
import { modelField } from '../tasks/predict/definition.js';
import { applyPermissions } from './permissions.js';
import type { Principal } from './principal.js';

const options = { registry: new ModelRegistry({ backend: new InferencePool({ workers: 1 }) }) };
const caller = (...scopes: string[]): Principal => ({ kind: 'api-key', id: 'k', scopes: new Set(scopes) });
const admin = caller('admin');

describe('applyPermissions', () => {
  it('refuses a schema with an object type the permissions map does not name', () => {
    const schema = buildSchema(
      'type Query { models: [ModelInfo] secret: Secret } type ModelInfo { name: String } type Secret { code: String }',
    );
    expect(() => applyPermissions(schema, options)).toThrow(
      'the permissions map must name every object type, but it lacks Secret (src/auth/permissions.ts)',
    );
  });

  it('denies a root field without a spec, even to admin, and opens the others as their specs say', async () => {
    // The real schema's types, plus a root field without a spec (start-up refuses that; shield still denies it).
    const sdl = (await printGatewaySchema()).replace('type Query {', 'type Query {\n  hidden: String');
    const schema = buildSchema(sdl);
    declareRootFields(schema, new Map([['Query.models', { scope: 'models:read' }]]));
    const fields = schema.getQueryType()!.getFields();
    fields.hidden.resolve = () => 'the secret';
    fields.models.resolve = () => [{ name: 'iris' }];
    const run = (principal: Principal) =>
      execute({ schema: applyPermissions(schema, options), document: parse('{ hidden models { name } }'), contextValue: { principal } });
    const result = await run(admin);
    expect(result.data).toEqual({ hidden: null, models: [{ name: 'iris' }] });
    expect(result.errors?.map((e) => [e.path?.join('.'), e.message, (e.originalError as { code?: string }).code])).toEqual([
      ['hidden', 'Query.hidden is not open to any caller (denied by default)', 'FORBIDDEN'],
    ]);
    expect((await run(caller('sentiment'))).errors?.map((e) => e.message)).toEqual([
      'Query.hidden is not open to any caller (denied by default)',
      'Query.models needs scope "models:read", which this caller does not have',
    ]);
  });

  it('authorizes a field generated at schema-build time as the model its spec names', async () => {
    const sdl = (await printGatewaySchema()).replace('type Query {', 'type Query {\n  predictIris(instances: [Float!]!): [Float!]');
    const schema = buildSchema(sdl);
    declareRootFields(schema, new Map([['Query.predictIris', modelField('iris')]]));
    schema.getQueryType()!.getFields().predictIris.resolve = (_root, args: { instances: number[] }) => args.instances;
    const run = async (principal: Principal) => {
      const result = await execute({
        schema: applyPermissions(schema, options),
        document: parse('{ predictIris(instances: [1, 2]) }'),
        contextValue: { principal },
      });
      return { data: result.data, errors: result.errors?.map((e) => e.message) };
    };
    expect(await run(caller('predict:iris'))).toEqual({ data: { predictIris: [1, 2] }, errors: undefined });
    expect(await run(caller('predict'))).toEqual({ data: { predictIris: [1, 2] }, errors: undefined });
    expect(await run(caller('sentiment'))).toEqual({
      data: { predictIris: null },
      errors: ['Query.predictIris needs scope "predict:iris", which this caller does not have'],
    });
  });
});
