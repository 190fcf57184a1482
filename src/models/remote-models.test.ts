/**
 * Models whose manifest names a remote backend, through the repository scan, the lifecycle and the
 * registry, with the backend picked by the chooser (as the composition root builds it) and a scripted
 * v2 server as the remote: a folder holding only model.json serves as `backend.version`; version folders
 * beside it, or no backend of its kind, are load errors naming the field; a changed manifest (a new
 * remote version) replaces the version in poll mode, like a changed model.onnx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type ScriptedServer, startScriptedServer } from '../../test/support/scripted-inference-server.js';
import { linearManifest, TempRepository } from '../../test/support/temp-repository.js';
import { linearModel } from '../../test/support/tiny-models.js';
import { KServeV2Backend } from '../backends/kserve-v2/backend.js';
import { InferencePool } from '../runtime/inference-pool.js';
import { MODEL_TASKS } from '../tasks/registry.js';
import { ModelLifecycle } from './lifecycle.js';
import type { ModelManifestInput } from './manifest.js';
import { ModelRegistry } from './registry.js';

const METADATA = {
  name: 'lin',
  platform: 'onnxruntime_onnx',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
};

/** The remote computes y = [a + b, a, b * version] for each row [a, b], so answers show which version ran. */
function remoteAnswer(url: string, body: string): unknown {
  const version = Number(/\/versions\/(\d+)\//.exec(url)?.[1]);
  const input = (JSON.parse(body) as { inputs: { shape: number[]; data: number[] }[] }).inputs[0];
  const data: number[] = [];
  for (let row = 0; row < input.shape[0]; row += 1) {
    const [a, b] = input.data.slice(row * 2, row * 2 + 2);
    data.push(a + b, a, b * version);
  }
  return { outputs: [{ name: 'y', datatype: 'FP32', shape: [input.shape[0], 3], data }] };
}

function remoteManifest(url: string, version: number): ModelManifestInput {
  return linearManifest({ backend: { kind: 'kserve-v2', url, model: 'lin', version: String(version) } });
}

const row = (a: number, b: number) => ({ x: { type: 'float32' as const, dims: [2], data: new Float32Array([a, b]) } });

describe('models on a remote backend, through the lifecycle', () => {
  const repo = new TempRepository();
  let server: ScriptedServer;
  let registry: ModelRegistry;
  let lifecycle: ModelLifecycle;
  const outputOf = async (name: string) => Array.from((await registry.resolve(name).infer([row(1, 2)])[0]).y.data as Float32Array);

  beforeAll(async () => {
    server = await startScriptedServer((request, response) =>
      json(response, 200, request.method === 'GET' ? METADATA : remoteAnswer(request.url, request.body)),
    );
    repo
      .manifest('remote-lin', remoteManifest(server.url, 2))
      .manifest('remote-with-folders', remoteManifest(server.url, 1))
      .version('remote-with-folders', 1, linearModel())
      .manifest('local-lin', linearManifest())
      .version('local-lin', 1, linearModel());
    const remote = new KServeV2Backend({ variables: {}, loadWaitMs: 0 });
    registry = new ModelRegistry({
      backend: new InferencePool({ workers: 1 }),
      chooser: { backends: [remote], choose: (manifest) => (manifest.backend?.kind === 'kserve-v2' ? remote : undefined) },
    });
    lifecycle = new ModelLifecycle({ root: repo.root, registry, tasks: MODEL_TASKS, control: 'poll', pollSeconds: 3600 });
    await lifecycle.start();
  });
  afterAll(async () => {
    await lifecycle.close();
    await server.close();
  });

  it('serves a folder holding only model.json as backend.version, on the remote, beside local models', async () => {
    expect(registry.info('remote-lin')).toMatchObject({ status: 'READY', defaultVersion: 2 });
    expect(await outputOf('remote-lin')).toEqual([3, 1, 4]);
    expect(await outputOf('local-lin')).toEqual([9, 12, 15]);
    // The model with version folders failed at the scan: the remote never heard of it.
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v2/models/lin/versions/2',
      'POST /v2/models/lin/versions/2/infer',
    ]);
  });

  it('refuses version folders beside a remote manifest, naming the backend field', () => {
    const info = registry.info('remote-with-folders')!;
    expect(info.status).toBe('FAILED');
    expect(info.error).toMatchObject({ reason: 'MANIFEST_INVALID', field: 'backend' });
    expect(info.error?.message).toMatch(
      /field backend: names a remote backend, so the model folder must hold no version folders, but it holds 1$/,
    );
  });

  it('replaces the version when the manifest names another remote version, in poll mode', async () => {
    repo.manifest('remote-lin', remoteManifest(server.url, 3));
    await lifecycle.poll();
    await lifecycle.poll();
    expect(registry.info('remote-lin')).toMatchObject({ status: 'READY', defaultVersion: 3 });
    expect(registry.info('remote-lin')!.versions.map((v) => v.version)).toEqual([3]);
    expect(await outputOf('remote-lin')).toEqual([3, 1, 6]);
  });

  it('fails a remote model where the gateway has no backend of its kind, naming backend.kind', async () => {
    const lonely = new ModelRegistry({ backend: new InferencePool({ workers: 1 }) });
    const other = new TempRepository().manifest('remote-lin', remoteManifest(server.url, 2));
    const alone = new ModelLifecycle({ root: other.root, registry: lonely, tasks: MODEL_TASKS });
    try {
      await alone.start();
      expect(lonely.info('remote-lin')).toMatchObject({
        status: 'FAILED',
        error: { reason: 'MANIFEST_INVALID', field: 'backend.kind' },
      });
      expect(lonely.info('remote-lin')?.error?.message).toMatch(/field backend\.kind: this gateway has no backend of kind "kserve-v2"$/);
    } finally {
      await alone.close();
    }
  });
});
