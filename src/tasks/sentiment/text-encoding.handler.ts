/**
 * The sentiment text encoder as a preprocessing handler: runs inside a preprocessing worker thread
 * (`runtime/preprocess.worker.ts` loads it), never on the main thread.
 */
import { moduleBeside } from '../../runtime/preprocess-pool.js';
import { type EncodeTextsRequest, encodeTexts } from './text-encoding.js';
import { Vocabulary } from './vocabulary.js';

/** This module's file, for the pool's `handlers`. */
export const TEXT_ENCODING_MODULE = moduleBeside(import.meta.url, 'text-encoding.handler');

// Vocabularies by file, loaded on first use: version folders are immutable while served.
const vocabularies = new Map<string, Vocabulary>();

export function handle(request: EncodeTextsRequest) {
  let vocabulary = vocabularies.get(request.vocabularyFile);
  if (!vocabulary) {
    vocabulary = Vocabulary.load(request.vocabularyFile);
    vocabularies.set(request.vocabularyFile, vocabulary);
  }
  return encodeTexts(request, vocabulary);
}
