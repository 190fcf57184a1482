import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { TEST_VOCABULARY, testSentimentManifest } from './sentiment.fixtures.js';
import { decodeSentiment, encodeText, MAX_TEXT_LENGTH } from './sentiment-codec.js';

const vocabulary = TEST_VOCABULARY;
const manifest = testSentimentManifest;

/** The thrown error, for asserting on its class, code and exact message. */
function errorOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError, but nothing was thrown');
}

describe('encodeText', () => {
  it('encodes ids and weights under the input names given by role, without a batch dimension', () => {
    const feeds = encodeText(manifest(), vocabulary, 'not good');
    expect(Object.keys(feeds).sort()).toEqual(['ids', 'w']);
    expect(feeds.ids).toEqual({ type: 'int64', dims: [2], data: BigInt64Array.from([1n, 4n]) });
    expect(feeds.w).toEqual({ type: 'float32', dims: [2], data: Float32Array.from([1, 1]) });
  });

  it('truncates at the manifest tokenizer maxTokens', () => {
    const feeds = encodeText(manifest(), vocabulary, 'a b c d e f good');
    expect(feeds.ids.dims).toEqual([4]);
  });

  it('pads or truncates to a fixed token dimension, and writes int32 ids when asked', () => {
    const fixed = manifest({
      inputs: [
        { name: 'ids', type: 'int32', shape: ['batch', 3], role: 'tokens' },
        { name: 'w', type: 'float32', shape: ['batch', 3], role: 'weights' },
      ],
    });
    const short = encodeText(fixed, vocabulary, 'good');
    expect(short.ids).toEqual({ type: 'int32', dims: [3], data: Int32Array.from([2, 0, 0]) });
    expect(short.w.data).toEqual(Float32Array.from([1, 0, 0]));
    expect(encodeText(fixed, vocabulary, 'a b c d bad').ids.data).toEqual(Int32Array.from([1, 1, 1]));
  });

  it('rejects empty and whitespace-only text', () => {
    for (const text of ['', '   ', '\n\t ']) {
      const error = errorOf(() => encodeText(manifest(), vocabulary, text));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toBe('text: must not be empty');
      expect(error.details).toEqual({ path: 'text' });
    }
  });

  it('rejects text longer than 5000 characters, naming the path', () => {
    expect(encodeText(manifest(), vocabulary, 'x'.repeat(MAX_TEXT_LENGTH)).ids.dims).toEqual([1]);
    const error = errorOf(() => encodeText(manifest(), vocabulary, 'a'.repeat(10_000), 'texts[3]'));
    expect(error.message).toBe('texts[3]: must be at most 5000 characters, but got a string of 10000 characters');
    expect(error.details).toEqual({ path: 'texts[3]' });
  });

  it('rejects lone surrogates but accepts surrogate pairs', () => {
    expect(errorOf(() => encodeText(manifest(), vocabulary, 'ok \uD83D', 'texts[0]')).message).toBe(
      'texts[0]: must be well-formed Unicode, but got a lone surrogate U+D83D at index 3',
    );
    expect(errorOf(() => encodeText(manifest(), vocabulary, '\uDE00 ok')).message).toBe(
      'text: must be well-formed Unicode, but got a lone surrogate U+DE00 at index 0',
    );
    expect(encodeText(manifest(), vocabulary, 'good 😀').ids.data).toEqual(BigInt64Array.from([2n]));
  });

  it('rejects control characters other than whitespace', () => {
    expect(errorOf(() => encodeText(manifest(), vocabulary, 'good\u0000bad')).message).toBe(
      'text: must not contain control characters other than whitespace, but got U+0000 at index 4',
    );
    expect(errorOf(() => encodeText(manifest(), vocabulary, 'a\u009bb')).message).toBe(
      'text: must not contain control characters other than whitespace, but got U+009B at index 1',
    );
    expect(encodeText(manifest(), vocabulary, 'good\tand\r\nbad').ids.dims).toEqual([3]);
  });

  it('rejects a value that is not a string', () => {
    expect(errorOf(() => encodeText(manifest(), vocabulary, 42, 'texts[1]')).message).toBe('texts[1]: must be a string, but got 42');
  });
});

describe('decodeSentiment', () => {
  const output = (values: number[]) => ({
    probabilities: { type: 'float32' as const, dims: [values.length], data: Float32Array.from(values) },
  });

  it('returns the most probable label and every label in manifest order', () => {
    const result = decodeSentiment(manifest(), output([0.1, 0.2, 0.7]));
    expect(result.label).toBe('POSITIVE');
    expect(result.score).toBeCloseTo(0.7, 6);
    expect(result.scores.map((s) => s.label)).toEqual(['NEGATIVE', 'NEUTRAL', 'POSITIVE']);
    expect(result.scores[0].probability).toBeCloseTo(0.1, 6);
  });

  it('applies softmax to logits', () => {
    const logits = manifest({ outputs: [{ name: 'probabilities', kind: 'logits' }] });
    const result = decodeSentiment(logits, output([2, 0, 0]));
    const expected = Math.exp(2) / (Math.exp(2) + 2);
    expect(result.label).toBe('NEGATIVE');
    expect(result.score).toBeCloseTo(expected, 6);
    expect(result.scores.reduce((sum, s) => sum + s.probability, 0)).toBeCloseTo(1, 6);
  });

  it('follows the manifest label order', () => {
    const reordered = manifest({ labels: ['POSITIVE', 'NEGATIVE', 'NEUTRAL'] });
    expect(decodeSentiment(reordered, output([0.1, 0.2, 0.7])).label).toBe('NEUTRAL');
  });

  it('fails clearly on a missing or mis-sized output or an unknown label', () => {
    expect(() => decodeSentiment(manifest(), {})).toThrow(`the model's outputs lack "probabilities"; got none`);
    expect(() => decodeSentiment(manifest(), output([0.5, 0.5]))).toThrow(
      'output "probabilities" must hold one value per label (3), but got 2',
    );
    expect(() => decodeSentiment(manifest({ labels: ['NEGATIVE', 'MEH', 'POSITIVE'] }), output([0.1, 0.2, 0.7]))).toThrow(
      `the model's labels must be among NEGATIVE, NEUTRAL, POSITIVE, but got "MEH"`,
    );
  });
});
