/**
 * Golden test for the bundled `sentiment` model: onnxruntime's outputs on padded batches equal a plain
 * TypeScript computation from the weights stored in the ONNX file, and the model labels the held-out
 * hand-written sentences well enough.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInitializers } from '../../scripts/lib/onnx-graph.js';
import { SENTIMENT_FIT_SENTENCES } from '../../scripts/lib/sentiment-fit-sentences.js';
import type { ModelManifest } from '../../src/models/manifest.js';
import { type BatchTensors, type ItemFeeds, splitRows, stackItems } from '../../src/runtime/tensor.js';
import { parseManifest } from '../../src/tasks/registry.js';
import { decodeSentiment, encodeText } from '../../src/tasks/sentiment/sentiment-codec.js';
import { Vocabulary } from '../../src/tasks/sentiment/vocabulary.js';
import { REQUIRED_SENTENCES, SENTIMENT_SENTENCES } from './sentiment-sentences.js';

const MODEL_DIR = join(import.meta.dirname, '..', '..', 'models', 'sentiment');
const ONNX_FILE = join(MODEL_DIR, '1', 'model.onnx');

let manifest: ModelManifest;
let vocabulary: Vocabulary;
let session: ort.InferenceSession;
let weights: ReturnType<typeof readInitializers>;

beforeAll(async () => {
  const parsed = parseManifest(JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8')));
  if (!parsed.ok) throw new Error(`models/sentiment/model.json is invalid at ${parsed.field}: ${parsed.message}`);
  manifest = parsed.manifest;
  const inVersion = join(MODEL_DIR, '1', manifest.files.vocabulary);
  vocabulary = Vocabulary.load(existsSync(inVersion) ? inVersion : join(MODEL_DIR, manifest.files.vocabulary));
  // A plain Uint8Array copy: readInitializers copies with `.slice()`, which on a Node Buffer is a view
  // whose offset may not be aligned for Float32Array.
  const bytes = new Uint8Array(readFileSync(ONNX_FILE));
  weights = readInitializers(bytes);
  session = await ort.InferenceSession.create(bytes);
});

afterAll(async () => {
  await session?.release();
});

/** Runs texts as one batch, padded by the runtime's own stacking, and splits the rows back. */
async function runBatch(texts: readonly string[]) {
  const items: ItemFeeds[] = texts.map((text, i) => encodeText(manifest, vocabulary, text, `texts[${i}]`));
  const names = manifest.inputs.map((input) => input.name);
  const batch = stackItems(names, items);
  const feeds = Object.fromEntries(names.map((name) => [name, new ort.Tensor(batch[name].type, batch[name].data, batch[name].dims)]));
  const results = await session.run(feeds);
  const outputs: BatchTensors = {};
  for (const spec of manifest.outputs) {
    const tensor = results[spec.name];
    outputs[spec.name] = { type: 'float32', dims: tensor.dims, data: tensor.data as Float32Array };
  }
  return { items, rows: splitRows(outputs, texts.length) };
}

/** The graph's math, written out independently: embedding lookup, weighted sum, squash, linear, softmax. */
function expectedProbabilities(feeds: ItemFeeds): number[] {
  const embedding = weights.get('embedding')!;
  const [, dims] = embedding.dims;
  const dense = weights.get('classifier_weights')!;
  const bias = weights.get('classifier_bias')!;
  const alpha = Number(weights.get('squash_alpha')!.data[0]);
  const ids = feeds.token_ids.data as BigInt64Array;
  const tokenWeights = feeds.token_weights.data as Float32Array;

  const pooled = new Array<number>(dims).fill(0);
  for (let t = 0; t < ids.length; t += 1) {
    for (let d = 0; d < dims; d += 1) pooled[d] += tokenWeights[t] * Number(embedding.data[Number(ids[t]) * dims + d]);
  }
  const squashed = pooled.map((x) => x / Math.sqrt(x * x + alpha));
  const classes = bias.data.length;
  const logits = Array.from({ length: classes }, (_, c) =>
    squashed.reduce((sum, x, d) => sum + x * Number(dense.data[d * classes + c]), Number(bias.data[c])),
  );
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

describe('sentiment model (golden)', () => {
  it('declares the inputs, output and labels the task code expects', () => {
    expect(manifest.task).toBe('text-classification');
    expect(manifest.inputs.map((i) => [i.name, i.type, i.role])).toEqual([
      ['token_ids', 'int64', 'tokens'],
      ['token_weights', 'float32', 'weights'],
    ]);
    expect(manifest.outputs).toEqual([{ name: 'probabilities', kind: 'probabilities', shape: ['batch', 3] }]);
    expect(manifest.labels).toEqual(['NEGATIVE', 'NEUTRAL', 'POSITIVE']);
    expect(manifest.tokenizer).toEqual({ kind: 'lexicon-words', maxTokens: 256 });
    expect(weights.get('embedding')!.dims).toEqual([vocabulary.size, 2]);
  });

  it('matches an independent TypeScript computation on a padded batch of different lengths', async () => {
    const texts = [
      'I loved this movie',
      'good',
      'The food was great but the service was painfully slow and the waiter was rude!!!',
      'the movie starts at 8pm',
      "I didn't like it, not good at all, though the soundtrack is REALLY beautiful.",
      '!!!',
      'wonderful '.repeat(300),
    ];
    const { items, rows } = await runBatch(texts);
    expect(new Set(items.map((item) => item.token_ids.dims[0])).size).toBeGreaterThan(4);
    rows.forEach((row, i) => {
      const expected = expectedProbabilities(items[i]);
      const actual = Array.from(row.probabilities.data as Float32Array);
      expect(actual.length).toBe(3);
      actual.forEach((p, c) => {
        expect(Math.abs(p - expected[c]), `text ${i}, class ${c}`).toBeLessThan(1e-5);
      });
    });
  });

  it('gives the same probabilities alone as when padded in a batch', async () => {
    const texts = ['bad', 'This is a long review that is mostly neutral until it says the ending was excellent.'];
    const batched = (await runBatch(texts)).rows;
    for (const [i, text] of texts.entries()) {
      const alone = (await runBatch([text])).rows[0];
      const a = Array.from(alone.probabilities.data as Float32Array);
      const b = Array.from(batched[i].probabilities.data as Float32Array);
      a.forEach((p, c) => {
        expect(Math.abs(p - b[c])).toBeLessThan(1e-6);
      });
    }
  });

  it('is confidently NEUTRAL on a text without sentiment words', async () => {
    const { rows } = await runBatch(['The package arrived on Tuesday and the box was brown.']);
    const result = decodeSentiment(manifest, rows[0]);
    expect(result.label).toBe('NEUTRAL');
    expect(result.score).toBeGreaterThan(0.85);
  });

  it('keeps the evaluation sentences apart from the sentences the classifier was fitted on', () => {
    const fitted = new Set(SENTIMENT_FIT_SENTENCES.map((s) => s.text.toLowerCase()));
    expect(SENTIMENT_SENTENCES.filter((s) => fitted.has(s.text.toLowerCase()))).toEqual([]);
    expect(SENTIMENT_SENTENCES.length).toBeGreaterThanOrEqual(40);
  });

  it('labels the held-out sentences with at least 90% accuracy, and the required ones exactly', async () => {
    const { rows } = await runBatch(SENTIMENT_SENTENCES.map((s) => s.text));
    const predictions = rows.map((row) => decodeSentiment(manifest, row));
    const wrong = SENTIMENT_SENTENCES.flatMap((s, i) =>
      predictions[i].label === s.label
        ? []
        : [`${JSON.stringify(s.text)}: expected ${s.label}, got ${predictions[i].label} (${predictions[i].score.toFixed(2)})`],
    );
    const correct = SENTIMENT_SENTENCES.length - wrong.length;
    console.log(`sentiment accuracy ${correct}/${SENTIMENT_SENTENCES.length}${wrong.length > 0 ? `; wrong: ${wrong.join('; ')}` : ''}`);

    for (const required of REQUIRED_SENTENCES) {
      const index = SENTIMENT_SENTENCES.findIndex((s) => s.text === required.text);
      expect(predictions[index].label, required.text).toBe(required.label);
    }
    expect(correct / SENTIMENT_SENTENCES.length).toBeGreaterThanOrEqual(0.9);
  });

  it('stays small', () => {
    const bytes = statSync(ONNX_FILE).size + statSync(join(MODEL_DIR, manifest.files.vocabulary)).size;
    expect(bytes).toBeLessThan(1_000_000);
  });
});
