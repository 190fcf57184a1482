/**
 * Item budgets that cannot be bypassed, and that callers can see (issue 14 items 1, 2, 7 and 8; issue
 * 16's rate-limit headers and messages), over real HTTP against production-mode servers with API keys.
 * Each key below has its own budget, so no test spends another's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { codesOf, type GraphQLResponse, startTestServer, type TestServer } from '../support/gateway-server.js';

const FLOWER = { features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } };
const FLOWER_LITERAL = '{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }';
const list = (literal: string, count: number) => `[${Array(count).fill(literal).join(', ')}]`;
/** A text of exactly `length` characters. */
/** Two letters that differ for each of the first 676 texts of a call. */
const distinctPrefix = (i: number) => String.fromCharCode(97 + (i % 26), 97 + (Math.floor(i / 26) % 26));
const textOf = (length: number) => `${'good '.repeat(Math.ceil(length / 5) + 1).slice(0, length - 1)}!`;

/** The keys of this file: id → scopes and budget per minute (none: the default). */
const KEYS = {
  inline: { scopes: ['predict'], itemsPerMinute: 100 },
  variables: { scopes: ['predict'], itemsPerMinute: 100 },
  defaults: { scopes: ['predict'], itemsPerMinute: 100 },
  fifty: { scopes: ['predict'], itemsPerMinute: 50 },
  cap: { scopes: ['predict'], itemsPerMinute: 10_000 },
  hundred: { scopes: ['predict'], itemsPerMinute: 100 },
  remains: { scopes: ['predict'], itemsPerMinute: 5 },
  sentiment: { scopes: ['sentiment'], itemsPerMinute: 5 },
  failing: { scopes: ['predict'], itemsPerMinute: 100 },
  introspecting: { scopes: ['predict'], itemsPerMinute: 100 },
  sized: { scopes: ['sentiment'], itemsPerMinute: 20 },
  visible: { scopes: ['predict', 'sentiment'], itemsPerMinute: 1000 },
  batched: { scopes: ['predict', 'sentiment'], itemsPerMinute: 1000 },
  spent: { scopes: ['predict'], itemsPerMinute: 3 },
  heavy: { scopes: ['predict', 'sentiment'] },
} as const satisfies Record<string, { scopes: string[]; itemsPerMinute?: number }>;
type KeyId = keyof typeof KEYS;

type Cost = { requested: number; charged: number; limit?: number; remaining?: number; resetSeconds?: number };
type Result = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: { cost?: Cost };
};

const costOf = (response: GraphQLResponse<unknown>) => (response.body as Result).extensions?.cost;

describe('item budgets over HTTP against a production server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'budget-'));
  const keys = {} as Record<KeyId, string>;
  let server: TestServer;
  let smallText: TestServer;

  const as = (id: KeyId) => ({ 'x-api-key': keys[id] });
  const irisItems = (target = server) => target.gateway.registry.counters()['iris@2']?.items ?? 0;
  const sentimentItems = (target = server) => target.gateway.registry.counters()['sentiment@1']?.items ?? 0;
  /** POSTs a batched request (a JSON array of operations). */
  const batch = async (target: TestServer, operations: { query: string; variables?: Record<string, unknown> }[], id: KeyId) => {
    const response = await fetch(`${target.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as(id) },
      body: JSON.stringify(operations),
    });
    return { status: response.status, headers: response.headers, results: (await response.json()) as Result[] };
  };

  beforeAll(async () => {
    const records = Object.entries(KEYS).map(([id, { scopes, ...budget }]) => {
      const { key, record } = createKeyRecord({
        id,
        scopes: [...scopes],
        itemsPerMinute: 'itemsPerMinute' in budget ? budget.itemsPerMinute : undefined,
      });
      keys[id as KeyId] = key;
      return record;
    });
    await writeKeysFile(join(dir, 'keys.json'), { keys: records });
    const production = { NODE_ENV: 'production', API_KEYS_FILE: join(dir, 'keys.json') };
    [server, smallText] = await Promise.all([
      startTestServer(production),
      startTestServer({ ...production, MAX_TEXT_CHARACTERS_PER_QUERY: '10000', MAX_TEXT_CHARACTERS_PER_REQUEST: '25000' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server.close(), smallText.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('item 1: inline, as variables and as variable defaults, the same work is charged the same', () => {
    /** The issue's shape: `aliases` predicts sharing one list of instances, in each of the three forms. */
    const shapes = (aliases: number, instances: number, instance = FLOWER_LITERAL, value: unknown = FLOWER) => {
      const fields = (argument: string) =>
        Array.from({ length: aliases }, (_, k) => `a${k}: predict(model: "iris", instances: ${argument}) { label }`).join(' ');
      return {
        inline: { query: `{ ${fields(list(instance, instances))} }`, variables: undefined },
        variables: { query: `query ($i: [InstanceInput!]!) { ${fields('$i')} }`, variables: { i: Array(instances).fill(value) } },
        defaults: { query: `query ($i: [InstanceInput!]! = ${list(instance, instances)}) { ${fields('$i')} }`, variables: undefined },
      };
    };

    it("refuses the issue's 8 aliases of a 1,024-instance default, whichever form, before anything runs (QUERY_TOO_COMPLEX)", async () => {
      // Minimal instances, so that the inline form stays within the 50,000-token limit and is refused for its items too.
      const forms = shapes(8, 1024, '{ features: {} }', { features: {} });
      const before = irisItems();
      for (const [form, { query, variables }] of Object.entries(forms)) {
        const response = await server.gql(query, variables, as('cap'));
        expect(response.status, form).toBe(400);
        expect(response.body.errors![0], form).toMatchObject({
          message: 'the operation must ask for at most 4096 model items, but asks for 8192',
          extensions: { code: 'QUERY_TOO_COMPLEX' },
        });
      }
      // and with the real flowers of the attack, as variables and as a default
      const real = shapes(8, 1024);
      for (const form of ['variables', 'defaults'] as const) {
        const response = await server.gql(real[form].query, real[form].variables, as('cap'));
        expect(response.body.errors![0].message, form).toBe('the operation must ask for at most 4096 model items, but asks for 8192');
      }
      expect(irisItems()).toBe(before);
      // A refusal spends nothing: the key's whole budget is left.
      expect(costOf(await server.gql('{ __typename }', undefined, as('cap')))).toMatchObject({ remaining: 10_000 });
    });

    it("refuses the issue's 64 aliases of a 1,024-instance default (65,536 items) before they reach the batcher", async () => {
      const forms = shapes(64, 1024);
      const before = irisItems();
      for (const form of ['variables', 'defaults'] as const) {
        const response = await server.gql(forms[form].query, forms[form].variables, as('cap'));
        expect(response.status, form).toBe(400);
        expect(response.body.errors![0], form).toMatchObject({
          message: 'the operation must ask for at most 4096 model items, but asks for 65536',
          extensions: { code: 'QUERY_TOO_COMPLEX' },
        });
      }
      // Written inline, the same work does not even fit the token limit.
      const inline = await server.gql(forms.inline.query, undefined, as('cap'));
      expect(inline.status).toBe(400);
      expect(codesOf(inline)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(irisItems()).toBe(before);
    });

    it('charges 8 aliases of 10 instances 80 items in every form, and refuses the second with RATE_LIMITED in every form', async () => {
      const forms = shapes(8, 10);
      for (const form of ['inline', 'variables', 'defaults'] as const) {
        const { query, variables } = forms[form];
        const first = await server.gql(query, variables, as(form));
        expect(first.status, form).toBe(200);
        expect(first.body.errors, form).toBeUndefined();
        expect(costOf(first), form).toMatchObject({ requested: 80, charged: 80, remaining: 20, limit: 100 });
        const second = await server.gql(query, variables, as(form));
        expect(second.status, form).toBe(429);
        expect(codesOf(second), form).toEqual(['RATE_LIMITED']);
        expect(second.body.errors![0].message, form).toMatch(
          /^the operation asks for 80 model items, but 20 remain of this caller's 100 per minute; retry in \d+ s$/,
        );
      }
    });

    it("refuses the issue's attack on a 50-per-minute key whatever its size, and spends nothing doing so", async () => {
      const huge = shapes(8, 1024).defaults;
      expect((await server.gql(huge.query, undefined, as('fifty'))).status).toBe(400);
      const over = shapes(8, 8).defaults; // 64 items
      const refused = await server.gql(over.query, undefined, as('fifty'));
      expect(refused.status).toBe(429);
      expect(refused.body.errors![0].message).toBe(
        "the operation asks for 64 model items, more than this caller's whole budget of 50 per minute",
      );
      const fits = shapes(8, 6).defaults; // 48 items
      const allowed = await server.gql(fits.query, undefined, as('fifty'));
      expect(allowed.status).toBe(200);
      expect(costOf(allowed)).toMatchObject({ charged: 48, remaining: 2 });
    });
  });

  describe('item 2: texts charged by size, characters capped per operation and per request', () => {
    // Distinct texts (their first two letters differ): a text repeated within an operation is inferred once.
    const texts = (lengths: number[]) => ({
      query: 'query ($t: [String!]!) { classifySentiments(texts: $t) { label } }',
      variables: { t: lengths.map((length, i) => (length < 3 ? textOf(length) : distinctPrefix(i) + textOf(length).slice(2))) },
    });

    it('charges a text one item per started 1,000 characters', async () => {
      const { query, variables } = texts([5000, 1, 1001]);
      const response = await server.gql(query, variables, as('sized'));
      expect(response.body.errors).toBeUndefined();
      expect(costOf(response)).toMatchObject({ requested: 5 + 1 + 2, charged: 8, remaining: 12 });
    });

    it("refuses the issue's 16 aliases of a 256 x 5,000-character variable at the defaults, before anything runs", async () => {
      const fields = Array.from({ length: 16 }, (_, k) => `a${k}: classifySentiments(texts: $t) { label }`).join(' ');
      const before = sentimentItems();
      const response = await server.gql(`query ($t: [String!]!) { ${fields} }`, { t: Array(256).fill(textOf(5000)) }, as('heavy'));
      expect(response.status).toBe(400);
      expect(codesOf(response)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(sentimentItems()).toBe(before);
    });

    it('lets the largest call the field limits allow through at the defaults (256 texts of 5,000 characters), and not a character more', async () => {
      const largest = texts(Array(256).fill(5000));
      const passed = await server.gql(largest.query, largest.variables, as('heavy'));
      expect(passed.body.errors).toBeUndefined();
      expect(costOf(passed)).toMatchObject({ requested: 256 * 5, charged: 256 * 5 });
      const before = sentimentItems();
      const over = await server.gql(
        `query ($t: [String!]!) { classifySentiments(texts: $t) { label } one: classifySentiment(text: "x") { label } }`,
        largest.variables,
        as('heavy'),
      );
      expect(over.status).toBe(400);
      expect(over.body.errors![0]).toMatchObject({
        message: 'the operation must carry at most 1280000 characters of text to classify, but carries 1280001',
        extensions: { code: 'QUERY_TOO_COMPLEX', characters: 1_280_001, maxCharacters: 1_280_000 },
      });
      expect(sentimentItems()).toBe(before);
    });

    it('lets ten batched operations of 256 texts of 1,000 characters through at the defaults', async () => {
      const operation = texts(Array(256).fill(1000));
      const { status, results } = await batch(server, Array(10).fill(operation), 'heavy');
      expect(status).toBe(200);
      for (const result of results) {
        expect(result.errors).toBeUndefined();
        expect(result.extensions?.cost).toMatchObject({ requested: 256, charged: 256 });
      }
    });

    it('caps the characters of one operation: 10,000 pass, 10,001 are refused', async () => {
      const exact = texts([5000, 5000]);
      expect((await smallText.gql(exact.query, exact.variables, as('heavy'))).body.errors).toBeUndefined();
      const before = sentimentItems(smallText);
      const over = texts([5000, 5000, 1]);
      const refused = await smallText.gql(over.query, over.variables, as('heavy'));
      expect(refused.status).toBe(400);
      expect(refused.body.errors![0]).toMatchObject({
        message: 'the operation must carry at most 10000 characters of text to classify, but carries 10001',
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      });
      expect(sentimentItems(smallText)).toBe(before);
      expect(costOf(refused)).toMatchObject({ requested: 11, charged: 0 });
    });

    it('caps the characters of one request across its batched operations: 25,000 pass, the operation that would exceed them is refused alone', async () => {
      const exact = await batch(smallText, [texts([5000, 5000]), texts([5000, 5000]), texts([5000])], 'heavy');
      expect(exact.results.map((result) => result.errors)).toEqual([undefined, undefined, undefined]);

      const before = sentimentItems(smallText);
      const over = await batch(smallText, [texts([5000, 5000]), texts([5000, 5000]), texts([5000, 5000])], 'heavy');
      const refused = over.results.filter((result) => result.errors);
      expect(refused).toHaveLength(1);
      expect(refused[0].errors![0]).toMatchObject({
        message:
          'the operations of one request must carry at most 25000 characters of text to classify together, but this one brings them to 30000',
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      });
      expect(over.results.filter((result) => result.data?.classifySentiments)).toHaveLength(2);
      expect(sentimentItems(smallText) - before).toBe(4);
    });
  });

  describe('item 7: only what is authorized and runs is charged', () => {
    const predict = (count: number) => ({
      query: 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }',
      variables: { i: Array(count).fill(FLOWER) },
    });

    it('a 101-item operation on a 100-per-minute key spends nothing, so the next 1-item operation passes', async () => {
      const big = predict(101);
      const refused = await server.gql(big.query, big.variables, as('hundred'));
      expect(refused.status).toBe(429);
      expect(refused.body.errors![0].message).toBe(
        "the operation asks for 101 model items, more than this caller's whole budget of 100 per minute",
      );
      const one = predict(1);
      const next = await server.gql(one.query, one.variables, as('hundred'));
      expect(next.status).toBe(200);
      expect(costOf(next)).toMatchObject({ charged: 1, remaining: 99 });
    });

    it('says how many items were asked and how many remain: 3 asked with 2 of 5 left', async () => {
      const three = predict(3);
      expect((await server.gql(three.query, three.variables, as('remains'))).status).toBe(200);
      const refused = await server.gql(three.query, three.variables, as('remains'));
      expect(refused.status).toBe(429);
      const error = refused.body.errors![0];
      const retryAfter = error.extensions!.retryAfter as number;
      expect(error.message).toBe(
        `the operation asks for 3 model items, but 2 remain of this caller's 5 per minute; retry in ${retryAfter} s`,
      );
      expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', requested: 3, remaining: 2, itemsPerMinute: 5 });
      expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
      expect(refused.headers.get('ratelimit-remaining')).toBe('2');
      // The two that remain are still there.
      const two = predict(2);
      expect(costOf(await server.gql(two.query, two.variables, as('remains')))).toMatchObject({ charged: 2, remaining: 0 });
    });

    it("a FORBIDDEN 100-instance predict does not spend a sentiment key's budget", async () => {
      const response = await server.gql(
        `query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } classifySentiment(text: "great") { label } }`,
        { i: Array(100).fill(FLOWER) },
        as('sentiment'),
      );
      expect(response.status).toBe(200);
      expect(codesOf(response)).toEqual(['FORBIDDEN']);
      expect(response.body.data).toMatchObject({ predict: null, classifySentiment: { label: 'POSITIVE' } });
      expect(costOf(response)).toMatchObject({ requested: 101, charged: 1, remaining: 4 });
      const four = await server.gql(`{ classifySentiments(texts: ["a", "b", "c", "d"]) { label } }`, undefined, as('sentiment'));
      expect(four.body.errors).toBeUndefined();
      expect(costOf(four)).toMatchObject({ charged: 4, remaining: 0 });
    });

    it('a restricted model the key may not call costs nothing either (the model access policy decides)', async () => {
      const pixels = Array(784).fill(0);
      const response = await server.gql(
        `query ($p: [Float!]!) { predict(model: "digits", instances: [{ tensor: { values: $p, shape: [1, 28, 28] } }, { tensor: { values: $p, shape: [1, 28, 28] } }]) { label } }`,
        { p: pixels },
        as('visible'),
      );
      // A model the caller may not call answers as a missing one (MODEL_NOT_FOUND), and costs nothing.
      expect(codesOf(response)).toEqual(['MODEL_NOT_FOUND']);
      expect(costOf(response)).toMatchObject({ requested: 2, charged: 0, remaining: 1000 });
    });

    it('fields that fail before reaching their model are given back; the others are charged', async () => {
      const response = await server.gql(
        `query ($i: [InstanceInput!]!) {
          ok: predict(model: "iris", instances: [${FLOWER_LITERAL}]) { label }
          missing: predict(model: "no-such-model", instances: $i) { label }
          version: predict(model: "iris", version: 9, instances: $i) { label }
          bad: predict(model: "iris", instances: [{ features: { sepalLength: "x" } }]) { label }
        }`,
        { i: Array(10).fill(FLOWER) },
        as('failing'),
      );
      expect(codesOf(response).sort()).toEqual(['BAD_USER_INPUT', 'MODEL_NOT_FOUND', 'MODEL_VERSION_NOT_FOUND']);
      expect(costOf(response)).toMatchObject({ requested: 22, charged: 1, remaining: 99 });
    });

    it('an operation refused by another check after being costed (introspection in production) spends nothing', async () => {
      const response = await server.gql(
        `query ($i: [InstanceInput!]!) { __schema { queryType { name } } predict(model: "iris", instances: $i) { label } }`,
        { i: Array(50).fill(FLOWER) },
        as('introspecting'),
      );
      expect(response.status).toBe(403);
      expect(costOf(response)).toMatchObject({ charged: 0, remaining: 100 });
      expect(costOf(await server.gql('{ __typename }', undefined, as('introspecting')))).toMatchObject({ remaining: 100 });
    });

    it('an operation over the per-operation cap spends nothing', async () => {
      const response = await server.gql(predict(4097).query, predict(4097).variables, as('cap'));
      expect(response.status).toBe(400);
      expect(costOf(response)).toMatchObject({ requested: 4097, charged: 0, remaining: 10_000 });
    });

    it('the anonymous are charged nothing, get the cost without a budget, and no rate-limit headers', async () => {
      const response = await server.gql(predict(100).query, predict(100).variables, {});
      expect(codesOf(response)).toEqual(['UNAUTHENTICATED']);
      expect(costOf(response)).toEqual({ requested: 100, charged: 0 });
      expect(response.headers.get('ratelimit-limit')).toBeNull();
    });

    it("a wrong key ends the request with 401 and spends nobody's budget", async () => {
      const response = await server.gql(predict(100).query, predict(100).variables, { 'x-api-key': 'gwk_not-a-key' });
      expect(response.status).toBe(401);
    });
  });

  describe('item 8: each operation of a batched request is admitted on its own', () => {
    it('three 4,096-item operations in one batched request on an idle server: each succeeds or is refused on its own merits', async () => {
      // 4 aliases of 1,024 instances (the most one predict may carry): 4,096 items, the most one operation may ask for.
      const fields = ['a', 'b', 'c', 'd'].map((alias) => `${alias}: predict(model: "iris", instances: $i) { label }`).join(' ');
      const operation = { query: `query ($i: [InstanceInput!]!) { ${fields} }`, variables: { i: Array(1024).fill(FLOWER) } };
      const before = irisItems();
      const { results } = await batch(server, [operation, operation, operation], 'heavy');
      expect(results).toHaveLength(3);
      const succeeded = results.filter((result) =>
        Object.values(result.data ?? {}).every((predictions) => (predictions as unknown[] | null)?.length === 1024),
      );
      // iris queues at most 8,192 items, and the three operations arrive within one tick: the first ones
      // fit; one that finds the queue full is refused for its own 4,096 items (not the 12,288 of all
      // three, as when they shared one loader) and is not charged.
      expect(succeeded.length).toBeGreaterThanOrEqual(2);
      for (const result of results) {
        if (succeeded.includes(result)) {
          expect(result.errors).toBeUndefined();
          expect(result.extensions?.cost).toMatchObject({ requested: 4096, charged: 4096 });
        } else {
          expect(result.errors!.map((error) => error.extensions?.code)).toEqual(Array(4).fill('OVERLOADED'));
          expect(result.errors![0].message).toMatch(/and 4096 more were offered/);
          expect(result.extensions?.cost).toMatchObject({ requested: 4096, charged: 0 });
        }
      }
      expect(irisItems() - before).toBe(4096 * succeeded.length);
    });
  });

  describe('issue 16: where the budget stands, on every response', () => {
    it('across aliases: extensions.cost and the RateLimit headers count every alias', async () => {
      const response = await server.gql(
        `{ a: predict(model: "iris", instances: ${list(FLOWER_LITERAL, 2)}) { label } b: predict(model: "iris", instances: ${list(FLOWER_LITERAL, 3)}) { label } c: classifySentiment(text: "fine") { label } }`,
        undefined,
        as('visible'),
      );
      expect(response.body.errors).toBeUndefined();
      const cost = costOf(response)!;
      expect(cost).toMatchObject({ requested: 6, charged: 6, limit: 1000, remaining: 994 });
      expect(cost.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(cost.resetSeconds).toBeLessThanOrEqual(60);
      expect(response.headers.get('ratelimit-limit')).toBe('1000');
      expect(response.headers.get('ratelimit-remaining')).toBe('994');
      expect(response.headers.get('ratelimit-reset')).toBe(String(cost.resetSeconds));
      // An operation that asks for no model items shows the budget without spending it.
      const metadata = await server.gql('{ __typename }', undefined, as('visible'));
      expect(costOf(metadata)).toMatchObject({ requested: 0, charged: 0, remaining: 994 });
      expect(metadata.headers.get('ratelimit-remaining')).toBe('994');
      // So does a request that never got to run.
      const unparsable = await server.gql('{ predict(', undefined, as('visible'));
      expect(codesOf(unparsable)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(costOf(unparsable)).toMatchObject({ requested: 0, charged: 0, remaining: 994 });
      expect(unparsable.headers.get('ratelimit-limit')).toBe('1000');
    });

    it('across batched operations: each result has its own cost, the headers the state after all of them', async () => {
      const predict = (count: number) => ({ query: `{ predict(model: "iris", instances: ${list(FLOWER_LITERAL, count)}) { label } }` });
      const { status, headers, results } = await batch(
        server,
        [predict(2), predict(3), { query: '{ classifySentiments(texts: ["a", "b", "c", "d"]) { label } }' }],
        'batched',
      );
      expect(status).toBe(200);
      expect(results.map((result) => result.extensions?.cost?.charged)).toEqual([2, 3, 4]);
      expect(results.map((result) => result.extensions?.cost?.limit)).toEqual([1000, 1000, 1000]);
      expect(Math.min(...results.map((result) => result.extensions!.cost!.remaining!))).toBe(991);
      expect(headers.get('ratelimit-limit')).toBe('1000');
      expect(headers.get('ratelimit-remaining')).toBe('991');
    });

    it('a refused operation in a batch is refused alone, and shows the budget it found', async () => {
      const predict = (count: number) => ({ query: `{ predict(model: "iris", instances: ${list(FLOWER_LITERAL, count)}) { label } }` });
      const { status, headers, results } = await batch(server, [predict(2), predict(2)], 'spent');
      // Apollo gives a batch one HTTP status: that of an operation refused as a whole.
      expect(status).toBe(429);
      const refused = results.filter((result) => result.errors);
      expect(refused).toHaveLength(1);
      expect(refused[0].errors![0].message).toMatch(
        /^the operation asks for 2 model items, but 1 remains of this caller's 3 per minute; retry in \d+ s$/,
      );
      expect(refused[0].extensions?.cost).toMatchObject({ requested: 2, charged: 0, remaining: 1 });
      expect(results.filter((result) => result.data?.predict)).toHaveLength(1);
      expect(headers.get('ratelimit-remaining')).toBe('1');
    });
  });
});
