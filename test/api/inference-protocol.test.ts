/**
 * The Open Inference Protocol (KServe v2 / Triton HTTP) over real HTTP: the same answers as GraphQL's
 * predict, the spec's JSON shapes (with fixtures from the spec's own examples), the same batchers,
 * keys, scopes and budgets, and production-mode refusals.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';
import { IRIS_ROWS, irisRequest, v2 } from '../support/inference-protocol.js';
import { TempRepository } from '../support/temp-repository.js';

interface InferBody {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: { name: string; datatype: string; shape: number[]; data: number[] }[];
}

const asFeatures = (row: readonly number[]) => ({
  features: { sepalLength: row[0], sepalWidth: row[1], petalLength: row[2], petalWidth: row[3] },
});

/** GraphQL predict's probabilities for `rows`, row after row, flat. */
async function graphqlProbabilities(server: TestServer, rows: readonly (readonly number[])[], version?: number): Promise<number[]> {
  const response = await server.gql<{ predict: { probabilities: { probability: number }[] }[] }>(
    `query ($i: [InstanceInput!]!, $v: Int) { predict(model: "iris", version: $v, instances: $i) { probabilities { probability } } }`,
    { i: rows.map(asFeatures), v: version ?? null },
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.predict.flatMap((p) => p.probabilities.map((c) => c.probability));
}

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    expect(Math.abs(value - expected[i]), `element ${i}: ${value} vs ${expected[i]}`).toBeLessThanOrEqual(1e-6);
  });
}

describe('the Open Inference Protocol beside GraphQL', () => {
  let server: TestServer;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    server = await startTestServer({}, { logger: pino({ level: 'info' }, sink) });
  });
  afterAll(() => server.close());

  it('answers health and server metadata without credentials', async () => {
    const headers = {};
    expect(await v2(server, '/v2/health/live', undefined, headers)).toMatchObject({ status: 200, body: { live: true } });
    expect(await v2(server, '/v2/health/ready', undefined, headers)).toMatchObject({ status: 200, body: { ready: true } });
    const metadata = await v2<{ name: string; version: string; extensions: string[] }>(server, '/v2', undefined, headers);
    expect(metadata.status).toBe(200);
    expect(metadata.body).toEqual({ name: 'onnx-graphql-gateway', version: expect.stringMatching(/^\d+\.\d+\.\d+/), extensions: [] });
  });

  it('describes a model as the spec says: name, versions, platform, inputs and outputs with -1 for dynamic dimensions', async () => {
    const iris = await v2(server, '/v2/models/iris');
    expect(iris.status).toBe(200);
    expect(iris.body).toEqual({
      name: 'iris',
      versions: ['1', '2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
    });
    expect((await v2(server, '/v2/models/iris/versions/1')).body).toMatchObject({ name: 'iris', versions: ['1'] });
    expect((await v2(server, '/v2/models/digits')).body).toMatchObject({
      inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 10] }],
    });
  });

  it('answers model readiness: 200 when ready, the error object otherwise', async () => {
    expect(await v2(server, '/v2/models/iris/ready')).toMatchObject({ status: 200, body: { name: 'iris', ready: true } });
    expect(await v2(server, '/v2/models/iris/versions/2/ready')).toMatchObject({ status: 200, body: { ready: true } });
    expect(await v2(server, '/v2/models/iris/versions/7/ready')).toMatchObject({
      status: 404,
      body: { error: 'model "iris" has no version 7; its versions are 1, 2', code: 'MODEL_VERSION_NOT_FOUND' },
    });
  });

  it('infers 3 rows with the same probabilities as GraphQL predict (to 1e-6), echoing the id', async () => {
    const response = await v2<InferBody>(server, '/v2/models/iris/infer', irisRequest(IRIS_ROWS, { id: 'req-7' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const { outputs, ...rest } = response.body;
    expect(rest).toEqual({ model_name: 'iris', model_version: '2', id: 'req-7' });
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [3, 3] });
    expectClose(outputs[0].data, await graphqlProbabilities(server, IRIS_ROWS));
    // and the three flowers are told apart: setosa, versicolor, virginica
    const argmax = [0, 1, 2].map((row) =>
      outputs[0].data.slice(row * 3, row * 3 + 3).reduce((best, p, i, all) => (p > all[best] ? i : best), 0),
    );
    expect(argmax).toEqual([0, 1, 2]);
  });

  it('pins a version in the URL, as GraphQL pins it with version:', async () => {
    const response = await v2<InferBody>(server, '/v2/models/iris/versions/1/infer', irisRequest());
    expect(response.body.model_version).toBe('1');
    expectClose(response.body.outputs[0].data, await graphqlProbabilities(server, IRIS_ROWS, 1));
  });

  it('takes data nested as the shape as well as flat, and leaves out an id that was not sent', async () => {
    const flat = await v2<InferBody>(server, '/v2/models/iris/infer', irisRequest());
    const nested = await v2<InferBody>(server, '/v2/models/iris/infer', {
      inputs: [{ name: 'features', shape: [3, 4], datatype: 'FP32', data: IRIS_ROWS }],
    });
    expect(nested.status).toBe(200);
    expect(nested.body.outputs).toEqual(flat.body.outputs);
    expect('id' in nested.body).toBe(false);
  });

  it('takes INT32 and INT64 tensors for a float input, converted exactly', async () => {
    const rows = [
      [5, 3, 1, 0],
      [7, 3, 5, 2],
    ];
    const asFloat = await v2<InferBody>(server, '/v2/models/iris/infer', irisRequest(rows));
    for (const datatype of ['INT32', 'INT64']) {
      const response = await v2<InferBody>(server, '/v2/models/iris/infer', {
        inputs: [{ name: 'features', shape: [2, 4], datatype, data: rows.flat() }],
      });
      expect(response.status, datatype).toBe(200);
      expect(response.body.outputs, datatype).toEqual(asFloat.body.outputs);
    }
  });

  it('returns the outputs asked for, and ignores parameters at every level', async () => {
    const response = await v2<InferBody>(server, '/v2/models/iris/infer', {
      ...irisRequest(),
      parameters: { priority: 1, note: 'ignored' },
      inputs: [{ ...(irisRequest().inputs as object[])[0], parameters: { binary_data: false } }],
      outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
    });
    expect(response.status).toBe(200);
    expect(response.body.outputs.map((o) => o.name)).toEqual(['probabilities']);
    const unknown = await v2(server, '/v2/models/iris/infer', { ...irisRequest(), outputs: [{ name: 'label' }] });
    expect(unknown).toMatchObject({
      status: 400,
      body: { error: 'outputs[0].name: must be an output of model "iris" ("probabilities"), but got "label"', code: 'BAD_USER_INPUT' },
    });
  });

  it("gives v2 errors for a wrong datatype, a wrong shape and an unknown model, with GraphQL's message texts", async () => {
    const datatype = await v2(server, '/v2/models/iris/infer', {
      inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP64', data: [5.1, 3.5, 1.4, 0.2] }],
    });
    expect(datatype).toMatchObject({
      status: 400,
      body: {
        error: 'inputs[0].datatype: must be FP32, INT32, INT64 for input "features" of model "iris" (float32), but got "FP64"',
        code: 'BAD_USER_INPUT',
      },
    });
    const shape = await v2(server, '/v2/models/iris/infer', {
      inputs: [{ name: 'features', shape: [1, 5], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2, 1] }],
    });
    expect(shape).toMatchObject({
      status: 400,
      body: { error: "inputs[0].shape[1]: must be 4, as the model's shape [rows, 4] says, but got 5", code: 'BAD_USER_INPUT' },
    });
    const unknown = await v2(server, '/v2/models/tulip/infer', irisRequest());
    const graphql = await server.gql(`{ predict(model: "tulip", instances: [{ features: { a: 1 } }]) { label } }`);
    expect(unknown).toMatchObject({ status: 404, body: { error: graphql.body.errors![0].message, code: 'MODEL_NOT_FOUND' } });
    expect(Object.keys(unknown.body).sort()).toEqual(['code', 'error']);
  });

  it('serves only predict models: another task is refused with the reason', async () => {
    const response = await v2(server, '/v2/models/sentiment/infer', { inputs: [] });
    expect(response).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT' } });
    expect(response.body.error).toBe(
      'model: "sentiment" is a text-classification model, which the inference protocol does not serve (its GraphQL field does)',
    );
  });

  it('writes one log line per infer request: who, which model, how many rows; never the data', async () => {
    const before = lines.length;
    await v2(server, '/v2/models/iris/infer', irisRequest(IRIS_ROWS, { id: 'log-me' }), {
      'x-api-key': 'dev-key',
      'x-request-id': 'v2-log-1',
    });
    await v2(server, '/v2/models/iris/infer', { inputs: [] }, { 'x-api-key': 'dev-key', 'x-request-id': 'v2-log-2' });
    const added = lines.slice(before).filter((line) => line.msg === 'inference request');
    expect(added).toHaveLength(2);
    expect(added[0]).toMatchObject({ reqId: 'v2-log-1', status: 200, principal: 'demo:dev-key', items: 3, models: { 'iris@2': 3 } });
    expect(added[1]).toMatchObject({ reqId: 'v2-log-2', status: 400, errors: ['BAD_USER_INPUT'] });
    // 6.9 is in the third row's data only
    expect(JSON.stringify(lines.slice(before))).not.toContain('6.9');
  });

  it('counts its requests and errors in the same metrics as GraphQL', async () => {
    await v2(server, '/v2/models/iris/infer', irisRequest());
    await v2(server, '/v2/models/iris/infer', { inputs: 'none' });
    const text = await (await fetch(`${server.origin}/metrics`)).text();
    expect(text).toMatch(
      /^gateway_http_request_duration_seconds_count\{method="POST",route="\/v2\/models\/:name\/infer",status_code="200"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^gateway_http_request_duration_seconds_count\{method="POST",route="\/v2\/models\/:name\/infer",status_code="400"\} [1-9]/m,
    );
    expect(text).toMatch(/^gateway_errors_total\{code="BAD_USER_INPUT"\} [1-9]/m);
    expect(text).toMatch(/^gateway_inference_items_total\{model="iris",version="2"\} [1-9]/m);
  });

  describe("fixtures from the v2 specification's own examples", () => {
    // kserve/kserve docs/predict-api/v2/required_api.md, "Inference Request Examples": a model with
    // two inputs (UINT32 and BOOL) and one output. Sent to iris, it must be refused with the error object.
    const SPEC_REQUEST = {
      id: '42',
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
        { name: 'input1', shape: [3], datatype: 'BOOL', data: [true] },
      ],
      outputs: [{ name: 'output0' }],
    };
    // The response the spec shows for it (a [3, 2] FP32 output).
    const SPEC_RESPONSE = {
      id: '42',
      outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', data: [1.0, 1.1, 2.0, 2.1, 3.0, 3.1] }],
    };
    // KServe's own iris example for the v2 protocol (its input is named input-0; iris's is features).
    const KSERVE_IRIS = {
      inputs: [
        {
          name: 'input-0',
          shape: [2, 4],
          datatype: 'FP32',
          data: [
            [6.8, 2.8, 4.8, 1.4],
            [6.0, 3.4, 4.5, 1.6],
          ],
        },
      ],
    };

    it("answers the spec's request example for another model with the spec's error object", async () => {
      const response = await v2(server, '/v2/models/iris/infer', SPEC_REQUEST);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(typeof response.body.error).toBe('string');
      expect(response.body.error).toBe('inputs: must be a list of 1 input ("features" of model "iris"), but got an array of 2');
    });

    it("shapes an answer like the spec's response example, with model_name and model_version added", async () => {
      const response = await v2<InferBody>(server, '/v2/models/iris/infer', {
        ...SPEC_REQUEST,
        inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: KSERVE_IRIS.inputs[0].data }],
        outputs: [{ name: 'probabilities' }],
      });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual([...Object.keys(SPEC_RESPONSE), 'model_name', 'model_version'].sort());
      expect(response.body.id).toBe(SPEC_RESPONSE.id);
      const [output] = response.body.outputs;
      expect(Object.keys(output).sort()).toEqual(Object.keys(SPEC_RESPONSE.outputs[0]).sort());
      expect(output.shape).toEqual([2, 3]);
      expect(output.data).toHaveLength(6);
    });

    it("answers KServe's iris example once the input carries the model's own name", async () => {
      const wrongName = await v2(server, '/v2/models/iris/infer', KSERVE_IRIS);
      expect(wrongName).toMatchObject({
        status: 400,
        body: { error: 'inputs[0].name: must be "features", the input of model "iris", but got "input-0"' },
      });
      const response = await v2<InferBody>(server, '/v2/models/iris/infer', { inputs: [{ ...KSERVE_IRIS.inputs[0], name: 'features' }] });
      expect(response.status).toBe(200);
      expectClose(response.body.outputs[0].data, await graphqlProbabilities(server, KSERVE_IRIS.inputs[0].data));
    });
  });

  it("answers the README's curl example exactly as the README shows", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const examples = [...readme.matchAll(/curl -s http:\/\/127\.0\.0\.1:4000(\/v2\/[^ ]+) [^\n]*\\\n\s*-d '([^']+)'\n# (\{.*\})\n/g)];
    expect(examples.length).toBeGreaterThanOrEqual(1);
    for (const [, path, body, answer] of examples) {
      const response = await v2(server, path, body);
      expect(response.body).toEqual(JSON.parse(answer));
    }
  });
});

describe('v2 infers share the dynamic batcher with GraphQL', () => {
  const repository = new TempRepository();
  let server: TestServer;
  beforeAll(async () => {
    // A full batch of 2 runs at once; the first item waits up to 10 s for its company, so the two
    // requests below always share a run, however loaded the machine is.
    const manifest = JSON.parse(readFileSync('models/iris/model.json', 'utf8')) as Record<string, unknown>;
    repository.manifest('iris', { ...manifest, batching: { maxBatchSize: 2, maxQueueDelayMs: 10_000 } } as never);
    repository.version('iris', 2, readFileSync('models/iris/2/model.onnx'));
    server = await startTestServer({ MODELS_DIR: repository.root });
  });
  afterAll(async () => {
    await server.close();
    rmSync(repository.root, { recursive: true, force: true });
  });

  it('runs a 1-row v2 infer and a 1-instance GraphQL predict arriving together as one ONNX run', async () => {
    const read = async () =>
      (
        await server.gql<{ model: { versionDetails: { runs: number; items: number }[] } }>(
          `{ model(name: "iris") { versionDetails { runs items } } }`,
        )
      ).body.data!.model.versionDetails[0];
    const before = await read();
    const [viaV2, viaGraphql] = await Promise.all([
      v2<InferBody>(server, '/v2/models/iris/infer', irisRequest([IRIS_ROWS[0]])),
      graphqlProbabilities(server, [IRIS_ROWS[2]]),
    ]);
    const after = await read();
    expect(viaV2.status).toBe(200);
    expect(viaGraphql).toHaveLength(3);
    expect({ runs: after.runs - before.runs, items: after.items - before.items }).toEqual({ runs: 1, items: 2 });
    expect(server.gateway.registry.counters()['iris@2'].largestBatch).toBe(2);
  });
});

describe('production: the same keys, scopes and item budgets as GraphQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'v2-prod-'));
  const keys: Record<string, string> = {};
  let server: TestServer;
  beforeAll(async () => {
    const records = [
      createKeyRecord({ id: 'predict', scopes: ['predict'] }),
      createKeyRecord({ id: 'digits-only', scopes: ['predict:digits'] }),
      createKeyRecord({ id: 'sentiment', scopes: ['sentiment'] }),
      createKeyRecord({ id: 'small', scopes: ['predict:iris'], itemsPerMinute: 5 }),
    ];
    records.forEach(({ key, record }) => {
      keys[record.id] = key;
    });
    await writeKeysFile(join(dir, 'keys.json'), { keys: records.map((r) => r.record) });
    server = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: join(dir, 'keys.json') });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = (id: string) => ({ 'x-api-key': keys[id] });

  it('refuses a request without a key with 401, naming the scope it needs', async () => {
    const response = await v2(server, '/v2/models/iris/infer', irisRequest(), {});
    expect(response).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(response.body.error).toBe(
      'model "iris" needs credentials with scope "predict:iris": send an API key (x-api-key) or a bearer token',
    );
    expect((await v2(server, '/v2/models/iris', undefined, {})).status).toBe(401);
    expect((await v2(server, '/v2/models/iris/ready', undefined, {})).status).toBe(401);
  });

  it("refuses a wrong key, and the demo key, with 401 and the authenticator's message", async () => {
    for (const key of ['gwk_not-a-real-key', 'dev-key']) {
      const response = await v2(server, '/v2/models/iris/infer', irisRequest(), { 'x-api-key': key });
      expect(response, key).toMatchObject({ status: 401, body: { error: 'unknown API key', code: 'UNAUTHENTICATED' } });
    }
    const bearer = await v2(server, '/v2/models/iris/infer', irisRequest(), { authorization: `Bearer ${keys.predict}` });
    expect(bearer.status).toBe(200);
  });

  it("refuses a key without the model's scope with 403, and honours a manifest's own scopes", async () => {
    const iris = await v2(server, '/v2/models/iris/infer', irisRequest(), as('digits-only'));
    expect(iris).toMatchObject({
      status: 403,
      body: { error: 'model "iris" needs scope "predict:iris", which this caller does not have', code: 'FORBIDDEN' },
    });
    // digits' manifest restricts it to predict:digits: a plain predict key may not call it
    const digits = await v2(server, '/v2/models/digits', undefined, as('predict'));
    expect(digits).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await v2(server, '/v2/models/digits', undefined, as('digits-only'))).status).toBe(200);
    expect((await v2(server, '/v2/models/sentiment/infer', { inputs: [] }, as('predict'))).body.code).toBe('FORBIDDEN');
  });

  it('answers an authorized caller; wrong datatype, wrong shape and unknown model are 400/404', async () => {
    expect((await v2(server, '/v2/models/iris/infer', irisRequest(), as('predict'))).status).toBe(200);
    const wrongType = await v2(
      server,
      '/v2/models/iris/infer',
      { inputs: [{ name: 'features', shape: [1, 4], datatype: 'BYTES', data: ['a', 'b', 'c', 'd'] }] },
      as('predict'),
    );
    expect(wrongType).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT' } });
    const wrongShape = await v2(
      server,
      '/v2/models/iris/infer',
      { inputs: [{ name: 'features', shape: [4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
      as('predict'),
    );
    expect(wrongShape).toMatchObject({
      status: 400,
      body: { error: 'inputs[0].shape: must have 2 dimensions [rows, 4], but got 1', code: 'BAD_USER_INPUT' },
    });
    expect((await v2(server, '/v2/models/tulip/infer', irisRequest(), as('predict'))).status).toBe(404);
  });

  it('spends rows from the same per-key budget as GraphQL instances, with Retry-After once it is spent', async () => {
    expect((await v2(server, '/v2/models/iris/infer', irisRequest(), as('small'))).status).toBe(200); // 3 of 5
    const graphql = await server.gql(
      `query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }`,
      { i: [asFeatures(IRIS_ROWS[0]), asFeatures(IRIS_ROWS[1])] },
      as('small'),
    );
    expect(graphql.status).toBe(200); // 5 of 5
    const refused = await v2(server, '/v2/models/iris/infer', irisRequest([IRIS_ROWS[0]]), as('small'));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toEqual({
      error: `the request asks for 1 model item, but 0 remain of this caller's 5 per minute; retry in ${retryAfter} s`,
      code: 'RATE_LIMITED',
    });
    const refusedGraphql = await server.gql(
      `{ predict(model: "iris", instances: [{ features: { sepalLength: 5, sepalWidth: 3, petalLength: 1, petalWidth: 0 } }]) { label } }`,
      undefined,
      as('small'),
    );
    expect(codesOf(refusedGraphql)).toEqual(['RATE_LIMITED']);
    // In production /metrics is served on its own listener (METRICS_PORT), not on the API port.
    const text = await (await fetch(server.gateway.metricsUrl()!)).text();
    expect(text).toMatch(/^gateway_rate_limited_total\{principal_kind="api-key"\} [2-9]/m);
  });

  it('keeps health routes open for probes', async () => {
    expect((await v2(server, '/v2/health/ready', undefined, {})).status).toBe(200);
    expect((await v2(server, '/v2/health/live', undefined, {})).status).toBe(200);
  });
});
