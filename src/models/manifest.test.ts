import { describe, expect, it } from 'vitest';
import { parseManifest } from '../tasks/registry.js';
import type { ModelManifestInput } from './manifest.js';

const tabular: ModelManifestInput = {
  task: 'tabular-classification',
  description: 'test',
  inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
  outputs: [{ name: 'y', kind: 'logits' }],
  features: ['a', 'b'],
  labels: ['no', 'yes'],
};

const failure = (json: unknown) => {
  const result = parseManifest(json);
  if (result.ok) throw new Error('expected the manifest to be refused');
  return { field: result.field, message: result.message };
};

describe('parseManifest', () => {
  it('accepts a complete tabular manifest and fills in the batching defaults', () => {
    const result = parseManifest(tabular);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.manifest.batching).toEqual({ maxBatchSize: 64, maxQueueDelayMs: 0, maxQueueSize: 4096, timeoutMs: 10_000 });
      expect(result.manifest.files).toEqual({});
    }
  });

  it.each<[string, unknown, string, RegExp]>([
    ['an unknown task', { ...tabular, task: 'clustering' }, 'task', /Invalid option/],
    [
      'a fixed batch dimension',
      { ...tabular, inputs: [{ name: 'x', type: 'float32', shape: [1, 2] }] },
      'inputs.0.shape',
      /first dimension must be the dynamic batch dimension/,
    ],
    [
      'features that do not match the input width',
      { ...tabular, features: ['a', 'b', 'c'] },
      'inputs.0.shape',
      /must be \[batch, 3\] to match the 3 features/,
    ],
    ['a classifier without labels', { ...tabular, labels: undefined }, 'labels', /is required for task tabular-classification/],
    [
      'a classifier whose output holds values',
      { ...tabular, outputs: [{ name: 'y', kind: 'values' }] },
      'outputs.0.kind',
      /must be "logits" or "probabilities"/,
    ],
    ['repeated features', { ...tabular, features: ['a', 'a'] }, 'features', /must not repeat a feature name/],
    [
      'an int64 input to a tabular model',
      { ...tabular, inputs: [{ name: 'x', type: 'int64', shape: ['batch', 2] }] },
      'inputs.0.type',
      /must be "float32"/,
    ],
    ['an unknown field (a typo)', { ...tabular, lables: ['a'] }, '(root)', /Unrecognized key/],
    ['a negative batch size', { ...tabular, batching: { maxBatchSize: -1 } }, 'batching.maxBatchSize', /.+/],
    [
      'a recommender without its catalog',
      {
        task: 'recommendation',
        description: 'r',
        inputs: [
          { name: 'i', type: 'int64', shape: ['b', 'h'], role: 'items' },
          { name: 'r', type: 'float32', shape: ['b', 'h'], role: 'ratings' },
        ],
        outputs: [
          { name: 'x', role: 'indices', kind: 'indices' },
          { name: 's', role: 'scores', kind: 'scores' },
        ],
      },
      'files.catalog',
      /is required for task recommendation/,
    ],
    [
      'a text classifier without a tokenizer',
      {
        task: 'text-classification',
        description: 't',
        inputs: [
          { name: 't', type: 'int64', shape: ['b', 'n'], role: 'tokens' },
          { name: 'w', type: 'float32', shape: ['b', 'n'], role: 'weights' },
        ],
        outputs: [{ name: 'p', kind: 'probabilities' }],
        labels: ['NEGATIVE', 'POSITIVE'],
        files: { vocabulary: 'v.json' },
      },
      'tokenizer',
      /is required/,
    ],
  ])('refuses %s, naming the field', (_name, json, field, message) => {
    const refused = failure(json);
    expect(refused.field).toBe(field);
    expect(refused.message).toMatch(message);
  });
});
