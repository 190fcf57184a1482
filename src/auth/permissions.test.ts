import { buildSchema, execute, type GraphQLFieldConfig, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildBundledSchema } from '../graphql/print-schema.js';
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
    // The real schema (the bundled models' typed fields and their result types included), plus a root
    // field without a spec (start-up refuses that; shield still denies it).
    const schema = withQueryField(await buildBundledSchema(), 'hidden', { type: GraphQLString });
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

  it('authorizes a field generated at schema-build time as the model its spec names, and opens its result types', async () => {
    const schema = await buildBundledSchema();
    const predictIris = schema.getQueryType()!.getFields().predictIris;
    expect(predictIris.extensions.rootField).toEqual(modelField('iris'));
    predictIris.resolve = (_root, args: { instances: unknown[] }) => args.instances.map(() => ({ label: 'setosa', score: 1 }));
    const run = async (principal: Principal) => {
      const result = await execute({
        schema: applyPermissions(schema, options),
        document: parse('{ predictIris(instances: [{ sepalLength: 1, sepalWidth: 1, petalLength: 1, petalWidth: 1 }]) { label score } }'),
        contextValue: { principal },
      });
      return { data: result.data, errors: result.errors?.map((e) => e.message) };
    };
    const answered = { data: { predictIris: [{ label: 'SETOSA', score: 1 }] }, errors: undefined };
    expect(await run(caller('predict:iris'))).toEqual(answered);
    expect(await run(caller('predict'))).toEqual(answered);
    expect(await run(caller('sentiment'))).toEqual({
      data: { predictIris: null },
      errors: ['Query.predictIris needs scope "predict:iris", which this caller does not have'],
    });
  });
});

/** `schema` with one more Query field (the others keep their specs). */
function withQueryField(schema: GraphQLSchema, name: string, field: GraphQLFieldConfig<unknown, unknown>): GraphQLSchema {
  const config = schema.toConfig();
  const query = schema.getQueryType()!;
  const extended = new GraphQLObjectType({ ...query.toConfig(), fields: { ...query.toConfig().fields, [name]: field } });
  return new GraphQLSchema({ ...config, query: extended, types: config.types.filter((type) => type !== query) });
}
