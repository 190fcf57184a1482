/**
 * Logs and metrics do not take whatever a caller sends (issue 14, item 5), against a production-mode
 * server over real HTTP: caller-chosen strings are cut in the log line, and only authenticated callers'
 * operation names become metric labels, from a bounded set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LOGGED_CHARACTERS } from '../../src/observability/request-facts.js';
import { type ProductionGateway, startProductionGateway } from '../support/production-gateway.js';

describe('log lines and metric labels stay bounded whatever callers send (production)', () => {
  let gateway: ProductionGateway;
  beforeAll(async () => {
    // Many anonymous requests must reach GraphQL here: lift the per-address limit the HTTP edge sets.
    gateway = await startProductionGateway({ app: ['predict'] }, { ANONYMOUS_REQUESTS_PER_MINUTE: '100000' });
  });
  afterAll(() => gateway.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  /** The label values of the GraphQL duration histogram's `operation` label. */
  const operationLabels = async () => {
    const text = (await gateway.server.gateway.metrics.render()).body;
    return new Set([...text.matchAll(/^gateway_graphql_request_duration_seconds_count\{operation="([^"]*)"/gm)].map((match) => match[1]));
  };

  it('writes a short log line for a 10 MB operation name, with the name cut and its length', async () => {
    const name = `Q${'x'.repeat(10 * 1024 * 1024)}`;
    const before = gateway.logs.raw.length;
    const response = await post({ query: `query ${name} { __typename }` }, gateway.as('app'));
    expect(response.status).toBe(200);
    const lines = gateway.logs.raw.slice(before);
    const requestLine = lines.find((line) => line.includes('"graphql request"'))!;
    expect(requestLine).toBeDefined();
    for (const line of lines) expect(line.length).toBeLessThan(2_000);
    const operation = (JSON.parse(requestLine) as { operation: string }).operation;
    expect(operation).toBe(`${name.slice(0, MAX_LOGGED_CHARACTERS)}... (${name.length} characters)`);
    expect(await operationLabels()).not.toContain(name);
  });

  it('gives 1,000 anonymous operations with junk names one label between them, and still labels an authenticated one', async () => {
    // 100 batched requests of 10 operations: 1,000 operations, each its own Apollo request. (A per-IP
    // rate for unauthenticated callers may refuse some with 429; enough must reach GraphQL to have
    // filled the 100 names the label set holds.)
    for (let batch = 0; batch < 100; batch += 1) {
      const operations = Array.from({ length: 10 }, (_, i) => ({ query: `query Junk${batch * 10 + i} { __typename }` }));
      expect([200, 429]).toContain((await post(operations)).status);
    }
    const labels = await operationLabels();
    expect([...labels].filter((label) => label.startsWith('Junk'))).toEqual([]);
    const text = (await gateway.server.gateway.metrics.render()).body;
    const counted = /^gateway_graphql_request_duration_seconds_count\{operation="unauthenticated",outcome="ok"\} (\d+)$/m.exec(text);
    expect(Number(counted?.[1])).toBeGreaterThan(100);
    // The bounded set of names was not filled by them: an authenticated caller's name still gets its label.
    expect((await post({ query: 'query Scoring { __typename }' }, gateway.as('app'))).status).toBe(200);
    expect(await operationLabels()).toContain('Scoring');
  });

  it('logs the anonymous operations under their (short) names, as before', () => {
    const lines = gateway.logs.parsed().filter((line) => line.msg === 'graphql request' && Array.isArray(line.operation));
    expect(lines.length).toBeGreaterThanOrEqual(100);
    expect(lines.at(-1)).toMatchObject({ principal: 'anonymous:anonymous', operation: expect.arrayContaining(['Junk999']) });
  });
});
