/** Test fixtures shared by the sentiment tests: a tiny vocabulary and a text-classification manifest. */
import type { ModelManifest, ModelManifestInput } from '../../models/manifest.js';
import { parseManifest } from '../registry.js';
import { Vocabulary } from './vocabulary.js';

export const TEST_VOCABULARY = Vocabulary.fromJson({ tokens: ['[PAD]', '[UNK]', 'good', 'bad', 'NOT_good', 'NOT_bad'] }, 'test vocabulary');

/** A valid text-classification manifest (4 tokens per text), with `overrides` applied. */
export function testSentimentManifest(overrides: Partial<ModelManifestInput> = {}): ModelManifest {
  const parsed = parseManifest({
    task: 'text-classification',
    description: 'test',
    inputs: [
      { name: 'ids', type: 'int64', shape: ['batch', 'tokens'], role: 'tokens' },
      { name: 'w', type: 'float32', shape: ['batch', 'tokens'], role: 'weights' },
    ],
    outputs: [{ name: 'probabilities', kind: 'probabilities', shape: ['batch', 3] }],
    labels: ['NEGATIVE', 'NEUTRAL', 'POSITIVE'],
    files: { vocabulary: 'vocab.json' },
    tokenizer: { kind: 'lexicon-words', maxTokens: 4 },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(`test manifest invalid at ${parsed.field}: ${parsed.message}`);
  return parsed.manifest;
}
