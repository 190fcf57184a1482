import { describe, expect, it } from 'vitest';
import type { ItemFeeds } from '../../runtime/tensor.js';
import { TEST_VOCABULARY, testSentimentManifest } from './sentiment.fixtures.js';
import { encodeText, textEncodingOf } from './sentiment-codec.js';
import { chunkTexts, encodeTexts, isTextProblem } from './text-encoding.js';

const vocabulary = TEST_VOCABULARY;
const manifest = testSentimentManifest({ tokenizer: { kind: 'lexicon-words', maxTokens: 8 } });
const encoding = textEncodingOf(manifest);

describe('encodeTexts (what a preprocessing worker runs)', () => {
  it('encodes each valid text exactly as encodeText does, and names the problem of each invalid one', () => {
    const texts = ['not good', '', 'bad bad bad', 'ok \uD83D', 'good\u0000', 'a b c d e f g h i j good'];
    const { output } = encodeTexts({ vocabularyFile: 'unused', encoding, texts }, vocabulary);
    expect(output.map((item) => (isTextProblem(item) ? item.problem : 'feeds'))).toEqual([
      'feeds',
      'must not be empty',
      'feeds',
      'must be well-formed Unicode, but got a lone surrogate U+D83D at index 3',
      'must not contain control characters other than whitespace, but got U+0000 at index 4',
      'feeds',
    ]);
    for (const i of [0, 2, 5]) {
      const feeds = output[i] as ItemFeeds;
      const expected = encodeText(manifest, vocabulary, texts[i]);
      expect(feeds.ids.dims).toEqual(expected.ids.dims);
      expect(Array.from(feeds.ids.data as BigInt64Array)).toEqual(Array.from(expected.ids.data as BigInt64Array));
      expect(Array.from(feeds.w.data as Float32Array)).toEqual(Array.from(expected.w.data as Float32Array));
    }
  });

  it('packs every text tensor into one buffer per input, to transfer two buffers instead of two per text', () => {
    const texts = ['good', 'not bad at all', 'bad'];
    const { output, transfer } = encodeTexts({ vocabularyFile: 'unused', encoding, texts }, vocabulary);
    expect(transfer).toHaveLength(2);
    const items = output as ItemFeeds[];
    expect(new Set(items.map((item) => item.ids.data.buffer))).toEqual(new Set([transfer![0]]));
    expect(new Set(items.map((item) => item.w.data.buffer))).toEqual(new Set([transfer![1]]));
    const totalTokens = items.reduce((sum, item) => sum + item.ids.dims[0], 0);
    expect((transfer![0] as ArrayBuffer).byteLength).toBe(totalTokens * 8);
  });
});

describe('chunkTexts', () => {
  it('cuts texts into consecutive groups within the character budget, keeping order', () => {
    expect(chunkTexts(['aaaa', 'bb', 'cc', 'd', 'eeeee'], 5)).toEqual([['aaaa'], ['bb', 'cc', 'd'], ['eeeee']]);
  });

  it('gives a text longer than the budget a group of its own', () => {
    expect(chunkTexts(['a', 'b'.repeat(10), 'c'], 4)).toEqual([['a'], ['b'.repeat(10)], ['c']]);
  });

  it('cuts the largest call the limits allow (256 texts of 5,000 characters) into tasks of a few milliseconds each', () => {
    const chunks = chunkTexts(Array(256).fill('x'.repeat(5_000)));
    expect(chunks.flat()).toHaveLength(256);
    expect(chunks.length).toBeGreaterThanOrEqual(40);
    expect(Math.max(...chunks.map((chunk) => chunk.join('').length))).toBeLessThanOrEqual(32_768);
  });

  it('gives nothing for no texts', () => {
    expect(chunkTexts([])).toEqual([]);
  });
});
