import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearManifest, TempRepository } from '../../test/support/temp-repository.js';
import { linearModel } from '../../test/support/tiny-models.js';
import { InferencePool } from '../runtime/inference-pool.js';
import { MODEL_TASKS } from '../tasks/registry.js';
import { ModelLifecycle } from './lifecycle.js';
import { ModelRegistry } from './registry.js';

describe('ModelRegistry with a repository of good and broken models', () => {
  const repo = new TempRepository();
  let registry: ModelRegistry;
  let lifecycle: ModelLifecycle;

  beforeAll(async () => {
    repo
      .manifest('good', linearManifest())
      .version('good', 1, linearModel())
      .version('good', 2, linearModel())
      .manifest('bad-json', '{ "task": "tabular-classification", ')
      .version('bad-json', 1, linearModel())
      .manifest('bad-field', linearManifest({ features: ['a', 'b', 'c'] }))
      .version('bad-field', 1, linearModel())
      .manifest(
        'contradicts',
        linearManifest({
          inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
          outputs: [{ name: 'probs', kind: 'probabilities' }],
        }),
      )
      .version('contradicts', 1, linearModel())
      .manifest('wrong-labels', linearManifest({ labels: ['one', 'two'] }))
      .version('wrong-labels', 1, linearModel())
      .manifest('corrupt', linearManifest())
      .version('corrupt', 1, 'not an onnx file at all')
      .manifest('no-versions', linearManifest())
      .manifest('missing-file', linearManifest({ files: { vocabulary: 'vocab.json' } }))
      .version('missing-file', 1, linearModel())
      .manifest('half-broken', linearManifest())
      .version('half-broken', 1, linearModel())
      .version('half-broken', 2, 'garbage');
    // a folder without model.json
    repo.version('no-manifest', 1, linearModel());
    registry = new ModelRegistry({ backend: new InferencePool({ workers: 1 }) });
    lifecycle = new ModelLifecycle({ root: repo.root, registry, tasks: MODEL_TASKS });
    await lifecycle.start();
  });

  afterAll(() => lifecycle.close());

  const errorOf = (name: string) => registry.info(name)!.error!;

  it('loads the good model with both versions, defaulting to the highest', () => {
    const info = registry.info('good')!;
    expect(info.status).toBe('READY');
    expect(info.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'READY'],
      [2, 'READY'],
    ]);
    expect(info.defaultVersion).toBe(2);
    expect(registry.resolve('good').version).toBe(2);
    expect(registry.resolve('good', 1).version).toBe(1);
  });

  it('reports bad JSON with the model and the file', () => {
    expect(registry.info('bad-json')!.status).toBe('FAILED');
    expect(errorOf('bad-json')).toMatchObject({ reason: 'MANIFEST_INVALID_JSON' });
    expect(errorOf('bad-json').message).toMatch(/^model "bad-json": .*bad-json\/model\.json: must be valid JSON/);
  });

  it('reports a schema violation with the field', () => {
    expect(errorOf('bad-field')).toMatchObject({ reason: 'MANIFEST_INVALID', field: 'inputs.0.shape' });
    expect(errorOf('bad-field').message).toMatch(
      /model "bad-field": .*model\.json: field inputs\.0\.shape: must be \[batch, 3\] to match the 3 features/,
    );
  });

  it('reports a manifest that contradicts the ONNX graph', () => {
    expect(errorOf('contradicts')).toMatchObject({ reason: 'MANIFEST_MISMATCH', field: 'outputs.0.name' });
    expect(errorOf('contradicts').message).toContain('names output "probs", but model.onnx has outputs "y"');
    expect(errorOf('wrong-labels')).toMatchObject({ reason: 'MANIFEST_MISMATCH', field: 'labels' });
    expect(errorOf('wrong-labels').message).toContain('lists 2 labels, but output "y" in model.onnx has 3 columns');
  });

  it('reports a corrupt ONNX file', () => {
    expect(errorOf('corrupt')).toMatchObject({ reason: 'ONNX_LOAD_FAILED' });
    expect(errorOf('corrupt').message).toMatch(/model "corrupt": .*corrupt\/1\/model\.onnx: onnxruntime could not load it/);
  });

  it('reports missing versions, a missing extra file and a missing manifest', () => {
    expect(errorOf('no-versions')).toMatchObject({ reason: 'NO_VERSIONS' });
    expect(errorOf('missing-file')).toMatchObject({ reason: 'MODEL_FILE_MISSING', field: 'files.vocabulary' });
    expect(errorOf('no-manifest')).toMatchObject({ reason: 'MANIFEST_MISSING' });
  });

  it('serves the good versions of a half-broken model and marks it DEGRADED', async () => {
    const info = registry.info('half-broken')!;
    expect(info.status).toBe('DEGRADED');
    expect(info.defaultVersion).toBe(1);
    expect(() => registry.resolve('half-broken', 2)).toThrow(expect.objectContaining({ code: 'MODEL_UNAVAILABLE' }));
    const [outputs] = registry.resolve('half-broken').infer([{ x: { type: 'float32', dims: [2], data: new Float32Array([1, 1]) } }]);
    expect(Array.from((await outputs).y.data as Float32Array)).toEqual([5, 7, 9]);
  });

  it('resolves with typed errors', () => {
    expect(() => registry.resolve('nope')).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
    expect(() => registry.resolve('good', 7)).toThrow(
      expect.objectContaining({ code: 'MODEL_VERSION_NOT_FOUND', message: 'model "good" has no version 7; its versions are 1, 2' }),
    );
    expect(() => registry.resolve('bad-json')).toThrow(expect.objectContaining({ code: 'MODEL_UNAVAILABLE' }));
    expect(() => registry.resolve('good', 0)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('batches items from one call into one run and keeps their order', async () => {
    const model = registry.resolve('good', 1);
    const before = registry.counters()['good@1'].runs;
    const rows = [
      [1, 0],
      [0, 1],
      [2, 2],
    ];
    const results = await Promise.all(model.infer(rows.map((r) => ({ x: { type: 'float32', dims: [2], data: new Float32Array(r) } }))));
    expect(results.map((r) => Array.from(r.y.data as Float32Array))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [10, 14, 18],
    ]);
    expect(registry.counters()['good@1'].runs - before).toBe(1);
  });

  it('rejects an item whose shape does not fit before it joins a batch', async () => {
    const model = registry.resolve('good');
    const [bad, good] = model.infer([
      { x: { type: 'float32', dims: [3], data: new Float32Array(3) } },
      { x: { type: 'float32', dims: [2], data: new Float32Array([1, 0]) } },
    ]);
    await expect(bad).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'items[0].x.dims[0]: must be 2, but got 3' });
    expect(Array.from((await good).y.data as Float32Array)).toEqual([1, 2, 3]);
  });
});
