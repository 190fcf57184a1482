/**
 * The sentiment kind: a text-classification model (the configured MODEL_SENTIMENT) behind
 * `classifySentiment` and `classifySentiments`; texts are tokenized with the model's vocabulary.
 */
import type { PrepareContext } from '../../models/registry.js';
import { resourcesReader, type TaskDefinition } from '../definition.js';
import { type TextEncoding, textEncodingOf } from './sentiment-codec.js';
import { Vocabulary } from './vocabulary.js';

/** What a text-classification version needs for encoding, all of it fit to send to a preprocessing worker. */
export class SentimentResources {
  constructor(
    readonly vocabularyFile: string,
    readonly encoding: TextEncoding,
  ) {}
}

/** Checks the vocabulary file and the manifest's encoding settings at load, so a model that could not encode text fails to load. */
function prepareEncoding(context: PrepareContext): SentimentResources {
  Vocabulary.load(context.files.vocabulary);
  return new SentimentResources(context.files.vocabulary, textEncodingOf(context.manifest));
}

export const SENTIMENT: TaskDefinition<SentimentResources> = {
  kind: 'sentiment',
  tasks: ['text-classification'],
  manifestRules(m, check) {
    check.requireRole('inputs', 'tokens');
    check.requireRole('inputs', 'weights');
    if (m.outputs.length !== 1) check.issue(['outputs'], 'must name exactly the one output to read for task text-classification');
    check.requireLabels(0);
    if (!m.files.vocabulary) check.issue(['files', 'vocabulary'], 'is required for task text-classification');
    if (!m.tokenizer) check.issue(['tokenizer'], 'is required for task text-classification');
  },
  defaultScope: () => 'sentiment',
  prepare: prepareEncoding,
  fields: {
    // Texts weigh by size: tokenizing and padding cost in proportion to the characters.
    classifySentiment: { model: 'configured', use: 'runs', cost: { per: 'text', argument: 'text' } },
    classifySentiments: { model: 'configured', use: 'runs', cost: { per: 'text', argument: 'texts' } },
  },
};

/** The encoding settings a text-classification version was loaded with. */
export const sentimentResourcesOf = resourcesReader('sentiment', SentimentResources);
