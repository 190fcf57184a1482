import { buildSchema, type DocumentNode, GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createJitGateway, createSchemaGateway } from './jit-executor.js';

const schema = buildSchema(`
  type Query { hello(name: String!): String fail: String count(n: Int!): [Int!]! }
`);
const resolvers: Record<string, (args: Record<string, unknown>) => unknown> = {
  hello: ({ name }) => `hello ${String(name)}`,
  fail: () => {
    throw Object.assign(new Error('broken'), { extensions: { code: 'SOMETHING' } });
  },
  count: ({ n }) => Array.from({ length: Number(n) }, (_, i) => i),
};
for (const [name, resolve] of Object.entries(resolvers)) schema.getQueryType()!.getFields()[name].resolve = (_root, args) => resolve(args);

async function executorFor() {
  const gateway = createJitGateway(schema);
  const seen: unknown[] = [];
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => seen.push(apiSchema));
  const { executor } = await gateway.load({ apollo: {} });
  expect(seen).toEqual([schema]);
  const run = (document: DocumentNode, variables?: Record<string, unknown>, operationName?: string) =>
    executor!({ document, request: { variables, operationName }, context: {} } as unknown as Parameters<NonNullable<typeof executor>>[0]);
  return run;
}

// graphql-js builds its answers from null-prototype objects; graphql-jit's compiled code from plain ones.
const ranCompiled = (data: unknown) => data !== null && typeof data === 'object' && Object.getPrototypeOf(data) === Object.prototype;

describe('createJitGateway', () => {
  it('runs a document on graphql-js the first time it sees it, compiled afterwards, with equal answers', async () => {
    const run = await executorFor();
    const document = parse('query Q($name: String!) { hello(name: $name) count(n: 3) }');
    const first = await run(document, { name: 'a' });
    const second = await run(document, { name: 'b' });
    expect(ranCompiled(first.data)).toBe(false);
    expect(ranCompiled(second.data)).toBe(true);
    expect(JSON.parse(JSON.stringify(first))).toEqual({ data: { hello: 'hello a', count: [0, 1, 2] } });
    expect(JSON.parse(JSON.stringify(second))).toEqual({ data: { hello: 'hello b', count: [0, 1, 2] } });
  });

  it("rebuilds field errors as graphql-js's, with path, locations and the original error", async () => {
    const run = await executorFor();
    const document = parse('{ hello(name: "x") fail }');
    const reference = await run(document);
    const compiled = await run(document);
    expect(ranCompiled(compiled.data)).toBe(true);
    const [error] = compiled.errors!;
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.originalError?.message).toBe('broken');
    expect(error.extensions).toEqual({ code: 'SOMETHING' });
    expect(JSON.parse(JSON.stringify(compiled))).toEqual(JSON.parse(JSON.stringify(reference)));
  });

  it('leaves refused variables to graphql-js, whose message is the reference', async () => {
    const run = await executorFor();
    const document = parse('query Q($name: String!) { hello(name: $name) }');
    await run(document, { name: 'a' });
    const refused = await run(document, { name: 7 });
    expect(refused.data).toBeUndefined();
    expect(refused.errors!.map((e) => e.message)).toEqual([
      'Variable "$name" got invalid value 7; String cannot represent a non string value: 7',
    ]);
  });

  it('keeps one compiled form per operation name', async () => {
    const run = await executorFor();
    const document = parse('query A { hello(name: "a") } query B { hello(name: "b") }');
    await run(document, undefined, 'A');
    expect((await run(document, undefined, 'A')).data).toEqual({ hello: 'hello a' });
    expect((await run(document, undefined, 'B')).data).toEqual({ hello: 'hello b' });
  });
});

describe('createSchemaGateway', () => {
  const greeter = (greeting: string) => {
    const built = buildSchema('type Query { hello(name: String!): String }');
    built.getQueryType()!.getFields().hello.resolve = (_root, { name }) => `${greeting} ${String(name)}`;
    return built;
  };

  it('tells Apollo of every new schema and runs each request on the schema it was validated against, compiled per schema', async () => {
    const [first, second] = [greeter('hello'), greeter('bonjour')];
    let current = first;
    const subscribers = new Set<(schema: typeof first) => void>();
    const gateway = createSchemaGateway({
      current: () => current,
      subscribe: (listener) => {
        subscribers.add(listener);
        return () => subscribers.delete(listener);
      },
    });
    const seen: unknown[] = [];
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => seen.push(apiSchema));
    const { executor } = await gateway.load({ apollo: {} });
    const run = (schema: typeof first, document: DocumentNode) =>
      executor!({ schema, document, request: {}, context: {} } as unknown as Parameters<NonNullable<typeof executor>>[0]);
    const document = parse('{ hello(name: "you") }');
    await run(first, document);
    expect((await run(first, document)).data).toEqual({ hello: 'hello you' }); // compiled for the first schema

    current = second;
    for (const listener of subscribers) listener(second);
    expect(seen).toEqual([first, second]);
    // The same document on the new schema: its own compiled form, never the first schema's.
    expect((await run(second, document)).data).toEqual({ hello: 'bonjour you' });
    expect((await run(second, document)).data).toEqual({ hello: 'bonjour you' });
    // A request validated before the swap still runs on its schema.
    expect((await run(first, document)).data).toEqual({ hello: 'hello you' });

    await gateway.stop!();
    expect(subscribers.size).toBe(0);
  });
});
