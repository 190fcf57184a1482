import { symlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';
import { TempRepository } from '../support/temp-repository.js';
import { selfProductModel } from '../support/tiny-models.js';

const IRIS =
  '{ predict(model: "iris", instances: [{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }]) { label } }';

describe('faults: a stuck model and a corrupt model leave the rest serving', () => {
  const repo = new TempRepository();
  let server: TestServer;

  beforeAll(async () => {
    symlinkSync(resolve('models/iris'), `${repo.root}/iris`);
    repo
      .manifest('slow', {
        task: 'tensor-regression',
        description: 'a deliberately slow model (about a billion multiply-adds per item)',
        inputs: [{ name: 'x', type: 'float32', shape: ['batch', 512] }],
        outputs: [{ name: 'y', kind: 'values' }],
        batching: { maxBatchSize: 4, timeoutMs: 5 },
      })
      .version('slow', 1, selfProductModel())
      .manifest('broken', {
        task: 'tabular-regression',
        description: 'a corrupt ONNX file',
        inputs: [{ name: 'x', type: 'float32', shape: ['batch', 1] }],
        outputs: [{ name: 'y' }],
        features: ['x'],
      })
      .version('broken', 1, 'these bytes are not a protobuf');
    server = await startTestServer({ MODELS_DIR: repo.root, SENTIMENT_MODEL: 'none', RECOMMENDER_MODEL: 'none' });
  });
  afterAll(() => server.close());

  it('reports the corrupt model as FAILED and readiness as degraded, while the others serve', async () => {
    const ready = await fetch(`${server.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'degraded', models: { broken: 'FAILED', iris: 'READY', slow: 'READY' } });
    const info = await server.gql<{ model: { status: string; errorCode: string; error: string } }>(
      `{ model(name: "broken") { status errorCode error } }`,
    );
    expect(info.body.data!.model).toMatchObject({ status: 'FAILED', errorCode: 'ONNX_LOAD_FAILED' });
    expect(info.body.data!.model.error).toMatch(/^model "broken": .*broken\/1\/model\.onnx: onnxruntime could not load it/);
    const broken = await server.gql(`{ predict(model: "broken", instances: [{ features: { x: 1 } }]) { value } }`);
    expect(codesOf(broken)).toEqual(['MODEL_UNAVAILABLE']);
    expect((await server.gql(IRIS)).body.data).toEqual({ predict: [{ label: 'setosa' }] });
  });

  it('fails a stuck run with INFERENCE_TIMEOUT, replaces its worker, and keeps serving', async () => {
    const pool = () => server.gateway.registry.backendCounters();
    const replacedBefore = pool().replacedWorkers;
    const response = await server.gql(
      `query ($x: [Float!]!) { predict(model: "slow", instances: [{ tensor: { values: $x } }]) { values } }`,
      {
        x: Array(512).fill(0.01),
      },
    );
    expect(codesOf(response)).toEqual(['INFERENCE_TIMEOUT']);
    expect(response.body.errors![0].message).toBe('slow@1: the batch must finish within 5 ms, but it did not');
    expect(pool().replacedWorkers).toBe(replacedBefore + 1);
    // a fresh worker answers the next request at once; the stuck one retires when its run returns
    expect((await server.gql(IRIS)).body.data).toEqual({ predict: [{ label: 'setosa' }] });
    await expect.poll(() => pool().retiringWorkers, { timeout: 15_000 }).toBe(0);
    const metrics = await (await fetch(`${server.origin}/metrics`)).text();
    expect(metrics).toMatch(/^gateway_inference_runs_total\{model="slow",version="1",outcome="timeout"\} 1$/m);
    expect(metrics).toMatch(/^gateway_errors_total\{code="INFERENCE_TIMEOUT"\} 1$/m);
  });
});
