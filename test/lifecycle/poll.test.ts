/**
 * Model control in poll mode, on a real gateway process under steady load (32 clients of single-instance
 * iris predicts, at least 20 s): a version folder copied in, a corrupt one, a removed version and a
 * removed model. No request may fail, and every state is awaited by asking the API, never by the clock.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { TempRepository } from '../support/temp-repository.js';

const FLOWER = { features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } };
const PREDICT = 'query ($v: Int, $i: [InstanceInput!]!) { predict(model: "iris", version: $v, instances: $i) { version label } }';
const CLIENTS = 32;
const MIN_LOAD_MS = 20_000;

type Step = 'start' | 'v3-default' | 'v3-removed' | 'v3-corrupt' | 'v1-removed' | 'model-removed';
interface Outcome {
  /** The step the test was in when the request was sent. */
  readonly step: Step;
  readonly status: number;
  readonly version?: number;
  readonly codes: unknown[];
}

describe('poll mode under load: versions and models come and go, and no request fails', () => {
  const repo = new TempRepository().copyBundled('iris', 'digits', 'demand-forecast');
  const iris = join(repo.root, 'iris');
  let gateway: GatewayProcess;
  let step: Step = 'start';
  let loading = true;
  const unpinned: Outcome[] = [];
  const pinned: Outcome[] = [];

  const client = async (version: number | null, into: Outcome[]) => {
    while (loading) {
      const sentIn = step;
      try {
        const { status, body } = await gateway.gql<{ predict: { version: number }[] | null }>(PREDICT, { v: version, i: [FLOWER] });
        into.push({
          step: sentIn,
          status,
          version: body.data?.predict?.[0]?.version,
          codes: (body.errors ?? []).map((e) => e.extensions?.code),
        });
      } catch (error) {
        into.push({ step: sentIn, status: 0, codes: [(error as Error).message] });
      }
    }
  };
  const answeredIn = (outcomes: Outcome[], at: Step) => outcomes.filter((o) => o.step === at);
  const irisInfo = async () =>
    (
      await gateway.gql<{
        model: {
          defaultVersion: number;
          versionDetails: { version: number; status: string; error: string | null; errorCode: string | null }[];
        };
      }>('{ model(name: "iris") { defaultVersion versionDetails { version status error errorCode } } }')
    ).body.data!.model;

  beforeAll(async () => {
    gateway = await startGatewayProcess({
      MODELS_DIR: repo.root,
      MODEL_CONTROL: 'poll',
      MODEL_POLL_SECONDS: '1',
      SENTIMENT_MODEL: 'none',
      RECOMMENDER_MODEL: 'none',
    });
  });
  afterAll(async () => {
    loading = false;
    expect(await gateway?.stop()).toBe(0);
    rmSync(repo.root, { recursive: true, force: true });
  });

  it('applies every change while 32 clients predict, with zero failed requests', async () => {
    const started = Date.now();
    const load = Promise.all([...Array.from({ length: CLIENTS }, () => client(null, unpinned)), client(1, pinned), client(1, pinned)]);
    await expect.poll(() => unpinned.length, { timeout: 30_000 }).toBeGreaterThan(200);

    // 1. A new version folder: once loaded, unpinned calls get version 3.
    const copied = Date.now();
    cpSync(join(iris, '2'), join(iris, '3'), { recursive: true });
    await expect.poll(async () => (await irisInfo()).defaultVersion, { timeout: 30_000, interval: 100 }).toBe(3);
    console.log(`poll mode (MODEL_POLL_SECONDS=1): version 3 became the default ${Date.now() - copied} ms after it was copied in`);
    step = 'v3-default';
    await expect.poll(() => answeredIn(unpinned, 'v3-default').length, { timeout: 30_000 }).toBeGreaterThan(100);
    expect(new Set(answeredIn(unpinned, 'v3-default').map((o) => o.version))).toEqual(new Set([3]));

    // 2. A corrupt version 3 (after the good one is removed again): version 2 keeps answering.
    rmSync(join(iris, '3'), { recursive: true });
    await expect.poll(async () => (await irisInfo()).defaultVersion, { timeout: 30_000, interval: 100 }).toBe(2);
    step = 'v3-removed';
    mkdirSync(join(iris, '3'));
    writeFileSync(join(iris, '3', 'model.onnx'), 'these bytes are not an ONNX model');
    await expect
      .poll(async () => (await irisInfo()).versionDetails.find((v) => v.version === 3)?.status, { timeout: 30_000, interval: 100 })
      .toBe('FAILED');
    step = 'v3-corrupt';
    const failed = (await irisInfo()).versionDetails.find((v) => v.version === 3)!;
    expect(failed.errorCode).toBe('ONNX_LOAD_FAILED');
    expect(failed.error).toMatch(/^model "iris": .*iris\/3\/model\.onnx: onnxruntime could not load it/);
    await expect.poll(() => answeredIn(unpinned, 'v3-corrupt').length, { timeout: 30_000 }).toBeGreaterThan(100);
    expect(new Set(answeredIn(unpinned, 'v3-corrupt').map((o) => o.version))).toEqual(new Set([2]));

    // 3. Removing version 1: pinned calls then get MODEL_VERSION_NOT_FOUND.
    rmSync(join(iris, '1'), { recursive: true });
    await expect
      .poll(async () => (await irisInfo()).versionDetails.map((v) => v.version), { timeout: 30_000, interval: 100 })
      .toEqual([2, 3]);
    step = 'v1-removed';
    await expect.poll(() => answeredIn(pinned, 'v1-removed').length, { timeout: 30_000 }).toBeGreaterThan(5);

    // 4. Removing a whole model: MODEL_NOT_FOUND, and the others serve on.
    rmSync(join(repo.root, 'demand-forecast'), { recursive: true });
    const demand =
      '{ predict(model: "demand-forecast", instances: [{ features: { dayOfWeek: 4, dayOfYear: 329, daysSinceLaunch: 1060, price: 24.99, discountPct: 30, isHoliday: 1 } }]) { value } }';
    await expect
      .poll(async () => (await gateway.gql(demand)).body.errors?.[0]?.extensions?.code, { timeout: 30_000, interval: 100 })
      .toBe('MODEL_NOT_FOUND');
    step = 'model-removed';
    const digits = await gateway.gql<{ predict: { label: string }[] }>(
      'query ($t: [Float!]!) { predict(model: "digits", instances: [{ tensor: { values: $t } }]) { label } }',
      { t: Array(784).fill(0) },
    );
    expect(digits.body.errors).toBeUndefined();
    expect(digits.body.data!.predict).toHaveLength(1);

    // Keep the load on for at least 20 s in all.
    await expect.poll(() => Date.now() - started >= MIN_LOAD_MS, { timeout: MIN_LOAD_MS + 5_000, interval: 250 }).toBe(true);
    loading = false;
    await load;

    const bad = unpinned.filter((o) => o.status !== 200 || o.codes.length > 0 || o.version === undefined);
    expect(bad, 'failed unpinned requests').toEqual([]);
    expect(answeredIn(unpinned, 'model-removed').every((o) => o.version === 2)).toBe(true);
    // Pinned to version 1: answered by version 1 until it was removed, MODEL_VERSION_NOT_FOUND afterwards, nothing else.
    for (const o of pinned) {
      if (o.version === 1) expect(o).toMatchObject({ status: 200, codes: [] });
      else expect(o.codes).toEqual(['MODEL_VERSION_NOT_FOUND']);
    }
    for (const o of [...answeredIn(pinned, 'v1-removed'), ...answeredIn(pinned, 'model-removed')])
      expect(o.codes).toEqual(['MODEL_VERSION_NOT_FOUND']);
    expect(pinned.filter((o) => o.step === 'start' && o.version === 1).length).toBeGreaterThan(0);
    console.log(
      `poll mode under load: ${unpinned.length} unpinned requests in ${Math.round((Date.now() - started) / 1000)} s, none failed; ${pinned.length} pinned to version 1`,
    );
  }, 180_000);

  it('counted every load and unload, and holds one session per live version', async () => {
    expect(await gateway.metric('gateway_model_loads_total{model="iris",version="3",result="ok"}')).toBe(1);
    expect(await gateway.metric('gateway_model_loads_total{model="iris",version="3",result="failed"}')).toBe(1);
    expect(await gateway.metric('gateway_model_unloads_total{model="iris",version="3"}')).toBe(1);
    expect(await gateway.metric('gateway_model_unloads_total{model="iris",version="1"}')).toBe(1);
    expect(await gateway.metric('gateway_model_unloads_total{model="demand-forecast",version="1"}')).toBe(1);
    expect(await gateway.metric('gateway_model_ready{model="iris",version="1"}')).toBeUndefined();
    expect(await gateway.metric('gateway_model_ready{model="iris",version="3"}')).toBe(0);
    const models = (await gateway.gql<{ models: { versions: number[] }[] }>('{ models { versions } }')).body.data!.models;
    const live = models.reduce((sum, model) => sum + model.versions.length, 0);
    expect(live).toBe(2); // iris 2 (1 was removed, 3 failed) and digits 1
    expect(await gateway.metric('gateway_inference_sessions')).toBe(live);
  });

  it('logged one line per change', () => {
    const changes = gateway.logs
      .filter((l) => l.msg && /^model (iris|demand-forecast)\b/.test(String(l.msg)) && !('status' in l))
      .map((l) => String(l.msg));
    expect(changes).toEqual([
      'model iris: loaded version 3',
      'model iris: unloaded version 3',
      expect.stringMatching(/^model iris: version 3 failed to load: model "iris": .*iris\/3\/model\.onnx: onnxruntime could not load it/),
      'model iris: unloaded version 1',
      'model demand-forecast unloaded: its folder was removed',
    ]);
  });
});
