import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

describe('health and readiness', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { loadModels: false });
  });
  afterAll(() => server.close());

  it('is alive and not ready before the models load, then ready', async () => {
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    const before = await fetch(`${server.origin}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ status: 'loading' });

    const early = await server.gql(
      `{ predict(model: "iris", instances: [{ features: { sepalLength: 5, sepalWidth: 3, petalLength: 1, petalWidth: 0.2 } }]) { label } }`,
    );
    expect(early.body.errors?.[0].extensions?.code).toBe('MODEL_UNAVAILABLE');

    await server.gateway.loadModels();
    const after = await fetch(`${server.origin}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({
      status: 'ready',
      models: { 'demand-forecast': 'READY', digits: 'READY', iris: 'READY', 'movie-recommender': 'READY', sentiment: 'READY' },
    });
  });

  it('echoes x-request-id, or makes one', async () => {
    const echoed = await fetch(`${server.origin}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${server.origin}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics with the inference counters', async () => {
    await server.gql(
      `{ predict(model: "iris", instances: [{ features: { sepalLength: 5, sepalWidth: 3, petalLength: 1, petalWidth: 0.2 } }]) { label } }`,
    );
    const response = await fetch(`${server.origin}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^gateway_inference_items_total\{model="iris",version="2"\} [1-9]/m);
    expect(text).toMatch(/^gateway_inference_runs_total\{model="iris",version="2",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^gateway_batch_size_bucket\{le="1",model="iris",version="2"\} [1-9]/m);
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('documents every gateway metric in the README', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const text = await (await fetch(`${server.origin}/metrics`)).text();
    const names = new Set([...text.matchAll(/^# TYPE (gateway_\w+) /gm)].map((m) => m[1]));
    expect(names.size).toBeGreaterThanOrEqual(12);
    for (const name of names) expect(readme.includes(`\`${name}\``), `README documents ${name}`).toBe(true);
  });
});
