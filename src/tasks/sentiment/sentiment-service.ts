/**
 * classifySentiment(texts): label + per-class scores from the text-classification model named in the
 * configuration. `prepare` validates and encodes (typed errors before anything is queued); the caller
 * infers the items on the model; `decode` turns each item's outputs into a result.
 */
import { GatewayError, badInput } from '../../errors/gateway-error.js';
import type { ModelRegistry, PrepareContext, ServingModel } from '../../models/registry.js';
import type { ItemFeeds, ItemOutputs } from '../../runtime/tensor.js';
import { decodeSentiment, encodeText, type SentimentResult } from './sentiment-codec.js';
import { Vocabulary } from './vocabulary.js';

export interface SentimentLimits {
  /** Texts one call may carry. @default 256 */
  readonly maxTexts: number;
}

export interface TextSentiment extends SentimentResult {
  readonly text: string;
}

/** The registry's preparer for text-classification models: loads and checks the vocabulary file. */
export function prepareSentimentResources(context: PrepareContext): Vocabulary {
  return Vocabulary.load(context.files.vocabulary);
}

export class SentimentService {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly modelName: string,
    private readonly limits: SentimentLimits = { maxTexts: 256 },
  ) {}

  /** Validates and encodes the texts; errors name `path(i)` (e.g. `texts[3]`, or `text` for one). */
  prepare(texts: readonly string[], path: (index: number) => string): { serving: ServingModel; items: ItemFeeds[] } {
    if (texts.length === 0) throw badInput('texts', 'must hold at least one text');
    if (texts.length > this.limits.maxTexts) throw badInput('texts', `must hold at most ${this.limits.maxTexts} texts`, texts.length);
    const serving = this.registry.resolve(this.modelName);
    if (serving.manifest.task !== 'text-classification') {
      throw new GatewayError('MODEL_UNAVAILABLE', `the sentiment model "${this.modelName}" must be a text-classification model, but it is ${serving.manifest.task}`);
    }
    const vocabulary = serving.resources as Vocabulary;
    const items = texts.map((text, index) => encodeText(serving.manifest, vocabulary, text, path(index)));
    return { serving, items };
  }

  decode(serving: ServingModel, text: string, outputs: ItemOutputs): TextSentiment {
    return { text, ...decodeSentiment(serving.manifest, outputs) };
  }

  /** prepare, infer on the model's batcher, decode. */
  async classify(texts: readonly string[]): Promise<TextSentiment[]> {
    const { serving, items } = this.prepare(texts, (i) => `texts[${i}]`);
    const outputs = await Promise.all(serving.infer(items));
    return outputs.map((out, i) => this.decode(serving, texts[i], out));
  }
}
