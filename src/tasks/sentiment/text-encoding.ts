/**
 * Encoding many texts at once, as a preprocessing worker does it: each text is checked and tokenized,
 * and the tensors of all of them are packed into one buffer per input so the answer crosses threads
 * as two transferred buffers. Also how a call's texts are cut into tasks of bounded size.
 */
import type { HandlerResult } from '../../runtime/preprocess-pool.js';
import { type ItemFeeds, packItems } from '../../runtime/tensor.js';
import { encodeValidText, type TextEncoding, textProblem } from './sentiment-codec.js';
import type { Vocabulary } from './vocabulary.js';

/** The preprocessing pool's name for the sentiment text encoder. */
export const TEXT_ENCODING_HANDLER = 'sentiment-text';

/** Characters one task may carry (a text longer than this is a task of its own): a few ms of tokenizing. */
export const TASK_CHARACTERS = 32_768;

export interface EncodeTextsRequest {
  /** The model's vocabulary file; the worker loads it once. */
  readonly vocabularyFile: string;
  readonly encoding: TextEncoding;
  readonly texts: readonly string[];
}

/** Per text: its feeds, or why it was refused (the message after its path, e.g. "must not be empty"). */
export type EncodedText = ItemFeeds | { readonly problem: string };

export function isTextProblem(encoded: EncodedText): encoded is { readonly problem: string } {
  return typeof (encoded as { problem?: unknown }).problem === 'string';
}

/** Checks and encodes every text; the valid ones' tensors share two packed buffers. */
export function encodeTexts(request: EncodeTextsRequest, vocabulary: Vocabulary): HandlerResult<EncodedText[]> {
  const problems = request.texts.map(textProblem);
  const valid: ItemFeeds[] = [];
  request.texts.forEach((text, i) => {
    if (problems[i] === null) valid.push(encodeValidText(request.encoding, vocabulary, text));
  });
  const packed = packItems(valid);
  let next = 0;
  const output = problems.map((problem): EncodedText => (problem === null ? packed.items[next++] : { problem }));
  return { output, transfer: packed.buffers };
}

/** Cuts texts into consecutive groups of at most `maxCharacters` characters (at least one text each). */
export function chunkTexts(texts: readonly string[], maxCharacters = TASK_CHARACTERS): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let characters = 0;
  for (const text of texts) {
    if (current.length > 0 && characters + text.length > maxCharacters) {
      chunks.push(current);
      current = [];
      characters = 0;
    }
    current.push(text);
    characters += text.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
