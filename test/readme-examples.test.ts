/**
 * The README's curl examples, run against a real server: each `curl ... -d '<body>'` followed by a
 * `# <answer>` line must get exactly that answer, so the documentation shows real values. And every
 * ```graphql block must be a valid document for the schema (enum values, input shapes, variables).
 */
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/gateway-server.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const EXAMPLE = /curl -s http:\/\/127\.0\.0\.1:4000\/graphql[^\n]*\\\n\s*-d '([^']+)'\n# (\{.*\})\n/g;
const examples = [...readme.matchAll(EXAMPLE)].map((match) => ({ body: match[1], answer: match[2] }));

describe('README curl examples', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('exist', () => {
    expect(examples.length).toBeGreaterThanOrEqual(1);
  });

  it.each(examples)('answer exactly what the README says: $answer', async ({ body, answer }) => {
    const response = await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key' },
      body,
    });
    // The budget's reset time counts down from the first request: the only value that may differ.
    const withoutReset = (body: { extensions?: { cost?: { resetSeconds?: unknown } } }) => {
      const reset = body.extensions?.cost?.resetSeconds;
      if (body.extensions?.cost) delete body.extensions.cost.resetSeconds;
      return { body, reset };
    };
    const actual = withoutReset((await response.json()) as Parameters<typeof withoutReset>[0]);
    const expected = withoutReset(JSON.parse(answer));
    expect(actual.body).toEqual(expected.body);
    if (expected.reset !== undefined) expect(actual.reset).toEqual(expect.any(Number));
  });
});

describe('README GraphQL examples', () => {
  const schema = buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));
  const documents = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);

  it('exist', () => {
    expect(documents.length).toBeGreaterThanOrEqual(5);
  });

  it.each(documents)('are valid for the schema: %s', (document) => {
    expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
  });
});
