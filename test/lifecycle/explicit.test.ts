/**
 * Model control by mutation: admin only, on a real gateway process in explicit mode, where 100 replace
 * cycles of one model must give their memory back; and the documented refusal in none mode.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { codesOf, startTestServer } from '../support/gateway-server.js';
import { TempRepository } from '../support/temp-repository.js';

const LOAD =
  'mutation ($name: String!) { loadModel(name: $name) { name status defaultVersion versionDetails { version status error errorCode } } }';
const UNLOAD = 'mutation ($name: String!) { unloadModel(name: $name) { name status defaultVersion versionDetails { version status } } }';
const DIGITS = 'query ($t: [Float!]!) { predict(model: "digits", instances: [{ tensor: { values: $t } }]) { version } }';
const PREDICT =
  'query ($v: Int) { predict(model: "iris", version: $v, instances: [{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }]) { version label } }';

interface LoadAnswer {
  loadModel: {
    name: string;
    status: string;
    defaultVersion: number | null;
    versionDetails: { version: number; status: string; error: string | null; errorCode: string | null }[];
  } | null;
}

/** API keys by scope, written to a keys file in `dir`. */
async function keysIn(dir: string): Promise<{ file: string; admin: string; predict: string; reader: string }> {
  const admin = createKeyRecord({ id: 'ops', scopes: ['admin'] });
  const predict = createKeyRecord({ id: 'app', scopes: ['predict'] });
  const reader = createKeyRecord({ id: 'dashboard', scopes: ['models:read'] });
  const file = join(dir, 'keys.json');
  await writeKeysFile(file, { keys: [admin.record, predict.record, reader.record] });
  return { file, admin: admin.key, predict: predict.key, reader: reader.key };
}

describe('explicit mode on a real process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-keys-'));
  const repo = new TempRepository().copyBundled('iris', 'digits');
  const iris = join(repo.root, 'iris');
  let keys: Awaited<ReturnType<typeof keysIn>>;
  let gateway: GatewayProcess;
  const as = (key: string) => ({ 'x-api-key': key });

  beforeAll(async () => {
    keys = await keysIn(dir);
    gateway = await startGatewayProcess({
      MODELS_DIR: repo.root,
      MODEL_CONTROL: 'explicit',
      API_KEYS_FILE: keys.file,
      // As the README advises where models are replaced often: glibc otherwise raises its mmap threshold
      // after large frees, so freed session memory stays in the heap, fragmented, instead of going back.
      MALLOC_MMAP_THRESHOLD_: '131072',
    });
  });
  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
    rmSync(repo.root, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses loadModel and unloadModel to every scope but admin', async () => {
    for (const key of [keys.predict, keys.reader]) {
      for (const mutation of [LOAD, UNLOAD]) {
        const answer = await gateway.gql(mutation, { name: 'iris' }, as(key));
        expect(codesOf(answer as never)).toEqual(['FORBIDDEN']);
        expect(answer.body.errors![0].message).toMatch(/^Mutation\.(loadModel|unloadModel) needs scope "admin"/);
      }
    }
    const anonymous = await gateway.gql(UNLOAD, { name: 'iris' }, {});
    expect(codesOf(anonymous as never)).toEqual(['UNAUTHENTICATED']);
    // nothing was unloaded
    expect((await gateway.gql<{ predict: { version: number }[] }>(PREDICT, {}, as(keys.predict))).body.data!.predict[0].version).toBe(2);
  });

  it('changes nothing until an admin asks: loadModel applies a new version at once', async () => {
    cpSync(join(iris, '2'), join(iris, '3'), { recursive: true });
    const before = await gateway.gql<{ model: { versions: number[] } }>('{ model(name: "iris") { versions } }', {}, as(keys.admin));
    expect(before.body.data!.model.versions).toEqual([1, 2]);
    const loaded = await gateway.gql<LoadAnswer>(LOAD, { name: 'iris' }, as(keys.admin));
    expect(loaded.body.errors).toBeUndefined();
    expect(loaded.body.data!.loadModel).toMatchObject({ name: 'iris', status: 'READY', defaultVersion: 3 });
    expect((await gateway.gql<{ predict: { version: number }[] }>(PREDICT, {}, as(keys.predict))).body.data!.predict[0].version).toBe(3);
  });

  it('unloadModel drains and unloads: calls get MODEL_NOT_FOUND until loadModel brings it back', async () => {
    const unloaded = await gateway.gql<{ unloadModel: { status: string; defaultVersion: null; versionDetails: { status: string }[] } }>(
      UNLOAD,
      { name: 'iris' },
      as(keys.admin),
    );
    expect(unloaded.body.data!.unloadModel).toMatchObject({ status: 'UNLOADED', defaultVersion: null });
    expect(unloaded.body.data!.unloadModel.versionDetails.map((v) => v.status)).toEqual(['UNLOADED', 'UNLOADED', 'UNLOADED']);
    expect(codesOf((await gateway.gql(PREDICT, {}, as(keys.predict))) as never)).toEqual(['MODEL_NOT_FOUND']);
    expect(await gateway.metric('gateway_inference_sessions')).toBe(1); // digits's only, in the one worker
    const again = await gateway.gql<LoadAnswer>(LOAD, { name: 'iris' }, as(keys.admin));
    expect(again.body.data!.loadModel).toMatchObject({ status: 'READY', defaultVersion: 3 });
    expect(codesOf((await gateway.gql(UNLOAD, { name: 'nope' }, as(keys.admin))) as never)).toEqual(['MODEL_NOT_FOUND']);
  });

  it('replaces one version 100 times: RSS stays within 10 % of RSS after the first cycle, one session per live version', async () => {
    // digits, the largest bundled model (400 KB of weights): a session left behind per cycle would show.
    const path = join(repo.root, 'digits', '1', 'model.onnx');
    const bytes = readFileSync(path);
    const predictDigits = async () => {
      const answer = await gateway.gql<{ predict: { version: number }[] }>(DIGITS, { t: Array(784).fill(0) }, as(keys.admin)); // digits needs scope predict:digits
      expect(answer.body.data!.predict[0].version).toBe(1);
    };
    const cycle = async (index: number) => {
      // The atomic way: write beside, then rename over (a new inode, so the change shows).
      writeFileSync(`${path}.tmp`, bytes);
      renameSync(`${path}.tmp`, path);
      const answer = await gateway.gql<LoadAnswer>(LOAD, { name: 'digits' }, as(keys.admin));
      expect(answer.body.data!.loadModel!.versionDetails).toEqual([{ version: 1, status: 'READY', error: null, errorCode: null }]);
      if (index % 10 === 0) await predictDigits();
    };
    // Warm the process first with the same requests, changing nothing (a loadModel of unchanged files
    // loads nothing): the baseline is then a warm process (JIT, heap sizing), not a cold one.
    for (let i = 0; i < 200; i += 1) {
      await gateway.gql(LOAD, { name: 'digits' }, as(keys.admin));
      if (i % 10 === 0) await predictDigits();
    }
    const loadsBefore = (await gateway.metric('gateway_model_loads_total{model="digits",version="1",result="ok"}')) ?? 0;
    await cycle(0);
    const rssAfterFirst = (await gateway.metric('process_resident_memory_bytes'))!;
    for (let i = 1; i < 100; i += 1) await cycle(i);
    const rssAfterLast = (await gateway.metric('process_resident_memory_bytes'))!;
    console.log(
      `100 replace cycles: RSS ${(rssAfterFirst / 2 ** 20).toFixed(1)} MB after the first, ${(rssAfterLast / 2 ** 20).toFixed(1)} MB after the last (${((rssAfterLast / rssAfterFirst - 1) * 100).toFixed(1)} %)`,
    );
    expect(rssAfterLast).toBeLessThanOrEqual(rssAfterFirst * 1.1);
    expect(await gateway.metric('gateway_model_loads_total{model="digits",version="1",result="ok"}')).toBe(loadsBefore + 100);
    expect(await gateway.metric('gateway_model_unloads_total{model="digits",version="1"}')).toBe(100);
    // one worker: one session per live version (iris's and digits's), none left from the 100 replaced ones
    const models = (await gateway.gql<{ models: { versions: number[] }[] }>('{ models { versions } }', {}, as(keys.admin))).body.data!
      .models;
    const live = models.reduce((sum, model) => sum + model.versions.length, 0);
    expect(live).toBeGreaterThanOrEqual(2);
    expect(await gateway.metric('gateway_inference_sessions')).toBe(live);
  }, 240_000);
});

describe('none mode (the production default)', () => {
  it('answers loadModel and unloadModel with MODEL_CONTROL_DISABLED, even for admin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifecycle-none-'));
    const repo = new TempRepository().copyBundled('iris');
    const keys = await keysIn(dir);
    const server = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: keys.file, MODELS_DIR: repo.root });
    try {
      for (const mutation of [LOAD, UNLOAD]) {
        const answer = await server.gql(mutation, { name: 'iris' }, { 'x-api-key': keys.admin });
        expect(answer.status).toBe(200);
        expect(codesOf(answer)).toEqual(['MODEL_CONTROL_DISABLED']);
        expect(answer.body.errors![0].message).toMatch(
          /must run with MODEL_CONTROL=poll or explicit, but the gateway runs with MODEL_CONTROL=none$/,
        );
      }
      const still = await server.gql<{ predict: { version: number }[] }>(PREDICT, {}, { 'x-api-key': keys.predict });
      expect(still.body.data!.predict[0].version).toBe(2);
    } finally {
      await server.close();
      rmSync(repo.root, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
