/**
 * A front gateway whose `iris-remote` runs on a second gateway process (the inference tier, serving
 * KServe v2 under /v2): same answers as the remote's own iris, one v2 call per batch, load errors for a
 * manifest that contradicts the remote's metadata or names an unset variable, MODEL_UNAVAILABLE while
 * the remote is down (other models serving, /readyz degraded once the circuit opens), and recovery once
 * the remote is back on its port, without restarting the front.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { codesOf, type GraphQLResponse, startTestServer, type TestServer } from '../support/gateway-server.js';
import { freePort, remoteManifest } from '../support/remote-models.js';
import { TempRepository } from '../support/temp-repository.js';

const FLOWERS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.1, 3.0, 4.6, 1.4],
  [6.9, 3.1, 5.4, 2.1],
  [5.9, 3.0, 4.2, 1.5],
  [6.3, 2.9, 5.6, 1.8],
].map(([sepalLength, sepalWidth, petalLength, petalWidth]) => ({ features: { sepalLength, sepalWidth, petalLength, petalWidth } }));

// Two aliases, five instances: one batch on the front, so one v2 call to the remote.
const TWO_ALIASES = `query ($model: String!, $version: Int, $a: [InstanceInput!]!, $b: [InstanceInput!]!) {
  a: predict(model: $model, version: $version, instances: $a) { version label score scores }
  b: predict(model: $model, version: $version, instances: $b) { version label score scores }
}`;
const ONE =
  'query ($model: String!) { predict(model: $model, instances: [{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }]) { label } }';
const STATUS = 'query ($name: String!) { model(name: $name) { status defaultVersion errorCode error } }';

const INFER_CALLS =
  'gateway_http_request_duration_seconds_count{method="POST",route="/v2/models/:name/versions/:version/infer",status_code="200"}';
const IRIS_RUNS = 'gateway_inference_runs_total{model="iris",version="2",outcome="ok"}';

interface Predictions {
  a: { version: number; label: string; score: number; scores: number[] }[] | null;
  b: { version: number; label: string; score: number; scores: number[] }[] | null;
}

describe('a model served by a remote inference server (another gateway over KServe v2)', () => {
  const remoteModels = new TempRepository().copyBundled('iris');
  const frontModels = new TempRepository().copyBundled('iris');
  let port: number;
  let remote: GatewayProcess;
  let front: TestServer;

  const startRemote = () => startGatewayProcess({ PORT: String(port), MODELS_DIR: remoteModels.root, MODEL_CONTROL: 'none' });
  const readyz = async () => (await fetch(`${front.origin}/readyz`)).json() as Promise<Record<string, unknown>>;

  beforeAll(async () => {
    port = await freePort();
    remote = await startRemote();
    const url = `http://127.0.0.1:${port}`;
    // The circuit opens after 2 failed calls, and stays open a whole second before it tries again.
    const circuitBreaker = { minimumCalls: 2, resetMs: 1000 };
    frontModels
      .manifest('iris-remote', remoteManifest(url, { circuitBreaker }))
      .manifest('iris-wrong', remoteManifest(url, {}, { labels: ['setosa', 'versicolor', 'virginica', 'hybrid'] }))
      .manifest('iris-secret', remoteManifest(url, { headers: { authorization: `Bearer \${MISSING_INFERENCE_TOKEN}` } }));
    // The remote is a development gateway: it takes the demo key, which the manifest reads from INFERENCE_API_KEY.
    front = await startTestServer({ MODELS_DIR: frontModels.root, MODEL_CONTROL: 'none', INFERENCE_API_KEY: 'dev-key' });
  });
  afterAll(async () => {
    await front?.close();
    await remote?.stop();
  });

  it('serves the remote model as the version its manifest names, cross-checked against the remote metadata', async () => {
    const response = await front.gql<{ model: { status: string; defaultVersion: number } }>(STATUS, { name: 'iris-remote' });
    expect(response.body.data?.model).toEqual({ status: 'READY', defaultVersion: 2, errorCode: null, error: null });
  });

  it("answers predict exactly as the remote's own iris does, in one v2 call per batch", async () => {
    const callsBefore = (await remote.metric(INFER_CALLS)) ?? 0;
    const runsBefore = (await remote.metric(IRIS_RUNS)) ?? 0;
    const variables = { a: FLOWERS.slice(0, 3), b: FLOWERS.slice(3) };
    const viaFront = await front.gql<Predictions>(TWO_ALIASES, { ...variables, model: 'iris-remote' });
    expect(viaFront.body.errors).toBeUndefined();
    expect(await remote.metric(INFER_CALLS)).toBe(callsBefore + 1);
    expect(await remote.metric(IRIS_RUNS)).toBe(runsBefore + 1);

    const direct = await remote.gql<Predictions>(TWO_ALIASES, { ...variables, model: 'iris', version: 2 });
    expect(viaFront.body.data).toEqual(direct.body.data);
    expect(viaFront.body.data?.a?.map((p) => p.label)).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('refuses to load a manifest that contradicts the remote metadata, naming model and field; the others serve', async () => {
    const wrong = await front.gql<{ model: { status: string; errorCode: string; error: string } }>(STATUS, { name: 'iris-wrong' });
    expect(wrong.body.data?.model).toMatchObject({ status: 'FAILED', errorCode: 'MANIFEST_MISMATCH' });
    expect(wrong.body.data?.model.error).toBe(
      `model "iris-wrong": ${frontModels.root}/iris-wrong/model.json: field labels: lists 4 labels, but output "probabilities" in the remote model has 3 columns (the remote model "iris" version 2 at http://127.0.0.1:${port})`,
    );
    const other = await front.gql<{ predict: { label: string }[] }>(ONE, { model: 'iris-remote' });
    expect(other.body.data?.predict).toEqual([{ label: 'setosa' }]);
  });

  it('refuses to load a manifest whose header names an unset environment variable', async () => {
    const secret = await front.gql<{ model: { status: string; errorCode: string; error: string } }>(STATUS, { name: 'iris-secret' });
    expect(secret.body.data?.model).toMatchObject({ status: 'FAILED', errorCode: 'MANIFEST_INVALID' });
    expect(secret.body.data?.model.error).toBe(
      `model "iris-secret": ${frontModels.root}/iris-secret/model.json: field backend.headers.authorization: names the environment variable \${MISSING_INFERENCE_TOKEN}, which is not set in the gateway's environment`,
    );
  });

  it('answers MODEL_UNAVAILABLE at once while the remote is down, keeps the other models serving, and /readyz shows the open circuit', async () => {
    expect(await remote.stop()).toBe(0);

    // Refused connections: MODEL_UNAVAILABLE, not INFERENCE_TIMEOUT, so well within timeoutMs.
    const down = await front.gql(ONE, { model: 'iris-remote' });
    expect(codesOf(down)).toEqual(['MODEL_UNAVAILABLE']);
    expect(down.body.errors?.[0].message).toMatch(
      new RegExp(`^model "iris-remote": the inference server at http://127\\.0\\.0\\.1:${port} is unreachable: .*ECONNREFUSED`),
    );
    const local = await front.gql<{ predict: { label: string }[] }>(ONE, { model: 'iris' });
    expect(local.body.data?.predict).toEqual([{ label: 'setosa' }]);

    // Once failures are most of the window's calls (the earlier tests' successes count too), the circuit
    // opens: calls fail without calling the remote, and readiness says why.
    await expect
      .poll(async () => (await front.gql(ONE, { model: 'iris-remote' })).body.errors?.[0].message, { interval: 10 })
      .toMatch(/^model "iris-remote": the inference server at .*: its circuit breaker is open since /);
    const readiness = await readyz();
    expect(readiness).toMatchObject({ status: 'degraded', models: { iris: 'READY', 'iris-remote': 'DEGRADED' } });
    expect((readiness.detail as Record<string, string>)['iris-remote']).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:${port}: its circuit breaker is open since .* after too many failed calls \\(last: .*ECONNREFUSED`,
      ),
    );
  });

  it('recovers once the remote is back on its port, without restarting the front', async () => {
    remote = await startRemote();
    // Open for a second, then one call tries the remote again and closes the circuit.
    await expect
      .poll(async () => ((await front.gql(ONE, { model: 'iris-remote' })) as GraphQLResponse<{ predict: unknown }>).body.data?.predict, {
        timeout: 20_000,
        interval: 200,
      })
      .toEqual([{ label: 'setosa' }]);
    const readiness = await readyz();
    expect(readiness.detail).toBeUndefined();
    expect((readiness.models as Record<string, string>)['iris-remote']).toBe('READY');
  });
});
