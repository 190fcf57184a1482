/**
 * The sentiment task's plain code: validates a text and encodes it into one item's ONNX feeds (by the
 * manifest's input roles `tokens` and `weights`), and decodes one item's output into a label with scores.
 */
import { describeValue, GatewayError } from '../../errors/gateway-error.js';
import { inputByRole, type ModelManifest, type TensorSpec } from '../../models/manifest.js';
import type { HostTensor, ItemFeeds, ItemOutputs } from '../../runtime/tensor.js';
import { classify } from '../shared/classification.js';
import { tokenize } from './tokenizer.js';
import type { Vocabulary } from './vocabulary.js';

export const MAX_TEXT_LENGTH = 5_000;
export const SENTIMENT_LABELS = ['NEGATIVE', 'NEUTRAL', 'POSITIVE'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface SentimentResult {
  label: SentimentLabel;
  /** Probability of `label`. */
  score: number;
  /** Every label's probability, in the manifest's label order. */
  scores: { label: string; probability: number }[];
}

/**
 * What encoding needs of the manifest, small enough to send to a preprocessing worker with every task:
 * the tokenizer's limit and the two inputs' names and types, plus the token dimension when it is fixed.
 */
export interface TextEncoding {
  readonly maxTokens: number;
  readonly tokens: { readonly name: string; readonly type: 'int64' | 'int32'; readonly fixedLength?: number };
  readonly weights: { readonly name: string };
}

/** The manifest's encoding settings; throws an Error naming the field when the manifest cannot encode text. */
export function textEncodingOf(manifest: ModelManifest): TextEncoding {
  if (!manifest.tokenizer) throw new Error('the model manifest must have "tokenizer" settings for text-classification');
  const tokensSpec = requireInput(manifest, 'tokens');
  const weightsSpec = requireInput(manifest, 'weights');
  if (weightsSpec.type !== 'float32') {
    throw new Error(`the model input "${weightsSpec.name}" (role weights) must be float32, but the manifest says ${weightsSpec.type}`);
  }
  if (tokensSpec.type !== 'int64' && tokensSpec.type !== 'int32') {
    throw new Error(`the model input "${tokensSpec.name}" (role tokens) must be int64 or int32, but the manifest says ${tokensSpec.type}`);
  }
  // A fixed token dimension in the manifest means the graph wants exactly that many: truncate or pad.
  const fixed = tokensSpec.shape[1];
  return {
    maxTokens: manifest.tokenizer.maxTokens,
    tokens: { name: tokensSpec.name, type: tokensSpec.type, ...(typeof fixed === 'number' ? { fixedLength: fixed } : {}) },
    weights: { name: weightsSpec.name },
  };
}

/** Validates `text` (errors name `path`) and encodes it as one item's feeds, without the batch dimension. */
export function encodeText(manifest: ModelManifest, vocabulary: Vocabulary, text: unknown, path = 'text'): ItemFeeds {
  validateText(text, path);
  return encodeValidText(textEncodingOf(manifest), vocabulary, text);
}

/** Encodes a text that passed `textProblem`, as one item's feeds without the batch dimension. */
export function encodeValidText(encoding: TextEncoding, vocabulary: Vocabulary, text: string): ItemFeeds {
  const tokenized = tokenize(text, vocabulary, encoding.maxTokens);
  const length = encoding.tokens.fixedLength ?? tokenized.ids.length;
  const count = Math.min(length, tokenized.ids.length);

  const weights = new Float32Array(length);
  weights.set(tokenized.weights.slice(0, count));
  return {
    [encoding.tokens.name]: idsTensor(encoding.tokens.type, tokenized.ids.slice(0, count), length),
    [encoding.weights.name]: { type: 'float32', dims: [length], data: weights },
  };
}

/**
 * Why `text` cannot be classified, as the part of a BAD_USER_INPUT message after its path ("must not
 * be empty"), or null when it can. Checks in order: type, emptiness, length, then every character.
 */
export function textProblem(text: unknown): string | null {
  if (typeof text !== 'string') return `must be a string, but got ${describeValue(text)}`;
  if (text.trim().length === 0) return 'must not be empty';
  if (text.length > MAX_TEXT_LENGTH) return `must be at most ${MAX_TEXT_LENGTH} characters, but got ${describeValue(text)}`;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) return `must be well-formed Unicode, but got a lone surrogate ${codePoint(code)} at index ${i}`;
    if (isForbiddenControl(code))
      return `must not contain control characters other than whitespace, but got ${codePoint(code)} at index ${i}`;
  }
  return null;
}

/** One item's output → the most probable label and every label's probability (softmax first for logits). */
export function decodeSentiment(manifest: ModelManifest, outputs: ItemOutputs): SentimentResult {
  const spec = manifest.outputs[0];
  const tensor = outputs[spec.name];
  if (!tensor) throw new Error(`the model's outputs lack "${spec.name}"; got ${Object.keys(outputs).join(', ') || 'none'}`);
  const labels = manifest.labels ?? [];
  if (tensor.data.length !== labels.length) {
    throw new Error(`output "${spec.name}" must hold one value per label (${labels.length}), but got ${tensor.data.length}`);
  }
  for (const label of labels) {
    if (!(SENTIMENT_LABELS as readonly string[]).includes(label)) {
      throw new Error(`the model's labels must be among ${SENTIMENT_LABELS.join(', ')}, but got "${label}"`);
    }
  }
  const kind = spec.kind === 'logits' ? 'logits' : 'probabilities';
  const { label, score, probabilities } = classify(Array.from(tensor.data as Float32Array, Number), labels, kind);
  return { label: label as SentimentLabel, score, scores: probabilities };
}

function validateText(text: unknown, path: string): asserts text is string {
  const problem = textProblem(text);
  if (problem !== null) throw new GatewayError('BAD_USER_INPUT', `${path}: ${problem}`, { path });
}

// C0 and C1 controls, except tab, line feed, vertical tab, form feed, carriage return and next line.
function isForbiddenControl(code: number): boolean {
  const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  return control && !(code >= 0x09 && code <= 0x0d) && code !== 0x85;
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function requireInput(manifest: ModelManifest, role: string): TensorSpec {
  const spec = inputByRole(manifest, role);
  if (!spec) throw new Error(`the model manifest must have an input with role "${role}" for text-classification`);
  return spec;
}

function idsTensor(type: TextEncoding['tokens']['type'], ids: number[], length: number): HostTensor {
  if (type === 'int64') {
    const data = new BigInt64Array(length);
    for (const [i, id] of ids.entries()) data[i] = BigInt(id);
    return { type: 'int64', dims: [length], data };
  }
  const data = new Int32Array(length);
  data.set(ids);
  return { type: 'int32', dims: [length], data };
}
