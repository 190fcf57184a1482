import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

describe('models and model metadata over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('lists every bundled model as READY with versions and tasks', async () => {
    const response = await server.gql<{
      models: { name: string; task: string; status: string; versions: number[]; defaultVersion: number }[];
    }>(`{ models { name task status versions defaultVersion } }`);
    const byName = Object.fromEntries(response.body.data!.models.map((m) => [m.name, m]));
    expect(Object.keys(byName).sort()).toEqual(['demand-forecast', 'digits', 'iris', 'movie-recommender', 'sentiment']);
    for (const model of Object.values(byName)) expect(model.status).toBe('READY');
    expect(byName.iris).toMatchObject({ task: 'TABULAR_CLASSIFICATION', versions: [1, 2], defaultVersion: 2 });
    expect(byName.digits.task).toBe('TENSOR_CLASSIFICATION');
    expect(byName['demand-forecast'].task).toBe('TABULAR_REGRESSION');
    expect(byName['movie-recommender'].task).toBe('RECOMMENDATION');
    expect(byName.sentiment.task).toBe('TEXT_CLASSIFICATION');
  });

  it('describes one model: features, labels, inputs, outputs, batching', async () => {
    const response = await server.gql<{ model: Record<string, unknown> }>(`{
      model(name: "iris") {
        name features labels error
        inputs { name type shape role }
        outputs { name kind }
        batching { maxBatchSize maxQueueDelayMs maxQueueSize timeoutMs }
        versionDetails { version status }
        training
      }
    }`);
    expect(response.body.data!.model).toMatchObject({
      name: 'iris',
      features: ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'],
      labels: ['setosa', 'versicolor', 'virginica'],
      error: null,
      inputs: [{ name: 'features', type: 'FLOAT32', shape: ['batch', '4'], role: null }],
      outputs: [{ name: 'probabilities', kind: 'PROBABILITIES' }],
      batching: { maxBatchSize: 1024 },
      versionDetails: [
        { version: 1, status: 'READY' },
        { version: 2, status: 'READY' },
      ],
    });
    expect(response.body.data!.model.training).toHaveProperty('dataset');
  });

  it('answers null for an unknown model', async () => {
    const response = await server.gql(`{ model(name: "nope") { name } }`);
    expect(response.body).toEqual({ data: { model: null }, extensions: { cost: expect.objectContaining({ requested: 0, charged: 0 }) } });
  });
});
