import { describe, expect, it } from 'vitest';
import type { ModelManifest, ModelManifestInput } from '../../models/manifest.js';
import { parseManifest } from '../registry.js';
import { decodePrediction, encodeInstance, encodeInstances } from './predict-codec.js';

function manifest(input: ModelManifestInput): ModelManifest {
  const parsed = parseManifest(input);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.manifest;
}

const tabular = manifest({
  task: 'tabular-classification',
  description: 't',
  inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
  outputs: [{ name: 'y', kind: 'logits' }],
  features: ['height', 'width'],
  labels: ['small', 'large'],
});
const tensor = manifest({
  task: 'tensor-regression',
  description: 't',
  inputs: [{ name: 'img', type: 'float32', shape: ['batch', 2, 'w'] }],
  outputs: [{ name: 'v', kind: 'values' }],
});

describe('encodeInstance', () => {
  it('orders named features as the manifest lists them', () => {
    const feeds = encodeInstance(tabular, 'm', { features: { width: 2, height: 1 } }, 'instances[0]');
    expect(feeds.x.dims).toEqual([2]);
    expect(Array.from(feeds.x.data as Float32Array)).toEqual([1, 2]);
  });

  it.each<[string, unknown, string]>([
    ['NaN is not finite', Number.NaN, 'instances[3].features.width: must be a finite number, but got NaN'],
    ['Infinity is not finite', Number.POSITIVE_INFINITY, 'instances[3].features.width: must be a finite number, but got Infinity'],
    ['a boolean is not a number', true, 'instances[3].features.width: must be a finite number, but got boolean'],
    ['null is not a number', null, 'instances[3].features.width: must be a finite number, but got null'],
    ['a float32 overflow', -1e39, 'instances[3].features.width: must fit in float32 (|x| <= 3.4e38), but got -1e+39'],
  ])('refuses a feature value: %s', (_name, value, message) => {
    expect(() => encodeInstance(tabular, 'm', { features: { height: 1, width: value } }, 'instances[3]')).toThrow(message);
  });

  it('takes dynamic dimensions from the shape and checks the length', () => {
    const feeds = encodeInstance(tensor, 'm', { tensor: { values: [1, 2, 3, 4, 5, 6], shape: [2, 3] } }, 'instances[0]');
    expect(feeds.img.dims).toEqual([2, 3]);
    expect(() => encodeInstance(tensor, 'm', { tensor: { values: [1, 2, 3] } }, 'instances[0]')).toThrow(
      "instances[0].tensor.shape: must be given: the model's instance shape [2, w] has dynamic dimensions",
    );
    expect(() => encodeInstance(tensor, 'm', { tensor: { values: [1, 2, 3], shape: [2, 3] } }, 'instances[0]')).toThrow(
      'instances[0].tensor.values: must hold 6 values for shape [2, 3], but got 3',
    );
    expect(() => encodeInstance(tensor, 'm', { tensor: { values: [1, 2], shape: [2, 0] } }, 'instances[0]')).toThrow(
      'instances[0].tensor.shape[1]: must be a positive integer, but got 0',
    );
    expect(() => encodeInstance(tensor, 'm', { tensor: { values: [1, 2], shape: [1, 2] } }, 'instances[0]')).toThrow(
      'instances[0].tensor.shape: must be [2, w], but got [1, 2]',
    );
  });

  it('names a bad tensor element by index', () => {
    expect(() => encodeInstance(tensor, 'm', { tensor: { values: [1, 2, 'x', 4], shape: [2, 2] } }, 'instances[1]')).toThrow(
      'instances[1].tensor.values[2]: must be a finite number, but got "x"',
    );
  });
});

describe('encodeInstances', () => {
  it('writes every instance into one buffer, each item a view on its row, equal to encoding it alone', () => {
    const instances = [
      { features: { width: 2, height: 1 } },
      { features: { height: 3.5, width: -4 } },
      { features: { width: 0, height: 1e30 } },
    ];
    const items = encodeInstances(tabular, 'm', instances);
    expect(items).toHaveLength(3);
    const buffers = new Set(items.map((item) => item.x.data.buffer));
    expect(buffers.size).toBe(1);
    items.forEach((item, i) => {
      const alone = encodeInstance(tabular, 'm', instances[i], `instances[${i}]`).x;
      expect(item.x.dims).toEqual(alone.dims);
      expect(Array.from(item.x.data as Float32Array)).toEqual(Array.from(alone.data as Float32Array));
    });
  });

  // The fast path must refuse exactly what the careful path refuses, with its message.
  it.each<[string, Record<string, unknown>, string]>([
    ['a missing feature', { features: { height: 1 } }, 'instances[1].features.width: must be present'],
    [
      'an unknown feature',
      { features: { height: 1, width: 2, depth: 3 } },
      'instances[1].features.depth: must be one of the features of model "m" (height, width), but got "depth"',
    ],
    ['a string for a number', { features: { height: 1, width: '2' } }, 'instances[1].features.width: must be a finite number, but got "2"'],
    ['NaN', { features: { height: Number.NaN, width: 2 } }, 'instances[1].features.height: must be a finite number, but got NaN'],
    [
      'a float32 overflow',
      { features: { height: 1, width: 1e39 } },
      'instances[1].features.width: must fit in float32 (|x| <= 3.4e38), but got 1e+39',
    ],
    [
      'features and tensor',
      { features: { height: 1, width: 2 }, tensor: { values: [1, 2] } },
      'instances[1]: must have exactly one of features or tensor, but got both',
    ],
    ['a tensor', { tensor: { values: [1, 2] } }, 'instances[1].tensor: must not be used with tabular model "m"'],
    ['neither', {}, 'instances[1]: must have exactly one of features or tensor, but got neither'],
  ])('refuses an instance with %s, naming it', (_name, instance, message) => {
    expect(() => encodeInstances(tabular, 'm', [{ features: { height: 1, width: 2 } }, instance])).toThrow(message);
  });

  it('encodes tensor instances one by one, with their own shapes', () => {
    const items = encodeInstances(tensor, 'm', [
      { tensor: { values: [1, 2, 3, 4], shape: [2, 2] } },
      { tensor: { values: [1, 2, 3, 4, 5, 6], shape: [2, 3] } },
    ]);
    expect(items.map((item) => item.img.dims)).toEqual([
      [2, 2],
      [2, 3],
    ]);
  });
});

describe('decodePrediction', () => {
  it('gives probabilities also as scores aligned with the labels', () => {
    const out = decodePrediction(tabular, 'm', 3, { y: { type: 'float32', dims: [2], data: new Float32Array([0, Math.log(3)]) } });
    expect(out.scores).toEqual(out.probabilities!.map((p) => p.probability));
    expect(out.score).toBe(out.scores![1]);
  });

  it('picks the same label and score as softmax then argmax, ties included', () => {
    const out = decodePrediction(tabular, 'm', 1, { y: { type: 'float32', dims: [2], data: new Float32Array([1.5, 1.5]) } });
    expect(out).toMatchObject({ label: 'small', score: 0.5, scores: [0.5, 0.5] });
  });

  it('softmaxes logits, labels the best class and keeps the raw row', () => {
    const out = decodePrediction(tabular, 'm', 3, { y: { type: 'float32', dims: [2], data: new Float32Array([0, Math.log(3)]) } });
    expect(out).toMatchObject({ model: 'm', version: 3, label: 'large', value: null });
    expect(out.score).toBeCloseTo(0.75, 6);
    expect(out.probabilities!.map((p) => p.probability)).toEqual([expect.closeTo(0.25, 6), expect.closeTo(0.75, 6)]);
    expect(out.values[1]).toBeCloseTo(Math.log(3), 6);
  });

  it('gives a regressor its single value', () => {
    expect(decodePrediction(tensor, 'm', 1, { v: { type: 'float32', dims: [1], data: new Float32Array([2.5]) } })).toMatchObject({
      value: 2.5,
      values: [2.5],
      label: null,
    });
  });
});
