/**
 * The start-up check on real servers: a root field without a permission rule stops start-up, naming
 * it; a field added at schema-build time with its spec (as generated per-model fields are) is
 * authorized and charged as that spec says, over HTTP, like the fields the task definitions declare.
 */
import {
  assertInputType,
  type GraphQLFieldConfig,
  GraphQLFloat,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createGateway } from '../../src/server/gateway.js';
import { modelField } from '../../src/tasks/predict/definition.js';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';

/** `schema` with one more Query field, built as a schema builder would add a generated field. */
function withQueryField(schema: GraphQLSchema, name: string, field: (schema: GraphQLSchema) => GraphQLFieldConfig<unknown, unknown>) {
  const config = schema.toConfig();
  const query = schema.getQueryType()!;
  const extended = new GraphQLObjectType({ ...query.toConfig(), fields: { ...query.toConfig().fields, [name]: field(schema) } });
  return new GraphQLSchema({ ...config, query: extended, types: config.types.filter((type) => type !== query) });
}

describe('start-up refuses a root field without a permission rule', () => {
  it('names the field', async () => {
    const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', MODELS_DIR: 'models' });
    const hidden = (schema: GraphQLSchema) =>
      withQueryField(schema, 'hidden', () => ({ type: GraphQLString, resolve: () => 'the secret' }));
    await expect(createGateway(config, { extendSchema: hidden })).rejects.toThrow(/Query\.hidden has no permission rule/);
  });
});

describe('a root field added at schema-build time with its spec', () => {
  let server: TestServer;
  beforeAll(async () => {
    const predictIris = (schema: GraphQLSchema): GraphQLFieldConfig<unknown, unknown> => ({
      type: new GraphQLList(new GraphQLNonNull(GraphQLFloat)),
      args: {
        instances: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(assertInputType(schema.getType('InstanceInput'))))) },
      },
      // Answers how many instances it got: this test is about who may call it and what it costs.
      resolve: (_root, args: { instances: unknown[] }) => args.instances.map(() => 1),
      extensions: { rootField: modelField('iris') },
    });
    server = await startTestServer({}, { extendSchema: (schema) => withQueryField(schema, 'predictIris', predictIris) });
  });
  afterAll(() => server.close());

  const query = '{ a: predictIris(instances: [{ features: {} }, { features: {} }]) b: predictIris(instances: [{ features: {} }]) }';

  it('is charged its instances, through aliases', async () => {
    const response = await server.gql(query);
    expect(response.body.data).toEqual({ a: [1, 1], b: [1] });
    expect((response.body as { extensions?: { cost?: unknown } }).extensions?.cost).toMatchObject({ requested: 3, charged: 3 });
  });

  it('is closed to callers who may not call its model', async () => {
    const response = await server.gql(query, undefined, {});
    expect(codesOf(response)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(response.body.errors?.[0].message).toBe(
      'Query.predictIris needs credentials with scope "predict:iris": send an API key (x-api-key) or a bearer token',
    );
  });
});
