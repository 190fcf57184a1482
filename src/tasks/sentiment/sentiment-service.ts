/**
 * classifySentiment(texts): label + per-class scores from the text-classification model named in the
 * configuration. Checking and tokenizing a text costs time in proportion to its length, so on the main
 * thread `prepare` only checks what costs the same for any text (count, type, length); `encode` checks
 * the characters and tokenizes in the preprocessing pool; the caller infers the items on the model;
 * `decode` turns each text's outcome into a result or names the first refused text. The API layer
 * infers through its per-request loaders, which also encode and infer a text asked twice only once.
 */
import { badInput, GatewayError } from '../../errors/gateway-error.js';
import type { ModelRegistry, ServingModel } from '../../models/registry.js';
import type { PreprocessPool } from '../../runtime/preprocess-pool.js';
import type { ItemFeeds, ItemOutputs } from '../../runtime/tensor.js';
import { SENTIMENT, sentimentResourcesOf } from './definition.js';
import { decodeSentiment, MAX_TEXT_LENGTH, type SentimentResult, textProblem } from './sentiment-codec.js';
import { chunkTexts, type EncodedText, type EncodeTextsRequest, isTextProblem, TEXT_ENCODING_HANDLER } from './text-encoding.js';

export interface SentimentLimits {
  /** Texts one call may carry. @default 256 */
  readonly maxTexts: number;
}

export interface TextSentiment extends SentimentResult {
  readonly text: string;
}

/** A text refused by the content checks; `decode` names its path. */
class TextRefusal extends Error {}

export class SentimentService {
  // A text asked again in one request shares its outputs object (the request's loader infers it
  // once), so it is decoded once too; entries go with the request's outputs.
  private readonly decoded = new WeakMap<ItemOutputs, TextSentiment>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly modelName: string,
    private readonly preprocess: PreprocessPool,
    private readonly limits: SentimentLimits = { maxTexts: 256 },
  ) {}

  /** Resolves the model and checks the count and each text's type and length; errors name `path(i)`. */
  prepare(texts: readonly string[], path: (index: number) => string): { serving: ServingModel } {
    if (texts.length === 0) throw badInput('texts', 'must hold at least one text');
    if (texts.length > this.limits.maxTexts) throw badInput('texts', `must hold at most ${this.limits.maxTexts} texts`, texts.length);
    const serving = this.registry.resolve(this.modelName);
    if (!SENTIMENT.tasks.includes(serving.manifest.task)) {
      throw new GatewayError(
        'MODEL_UNAVAILABLE',
        `the sentiment model "${this.modelName}" must be a text-classification model, but it is ${serving.manifest.task}`,
      );
    }
    texts.forEach((text, index) => {
      // textProblem answers these before it looks at any character (trim only reads the ends).
      if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH)
        throw new GatewayError('BAD_USER_INPUT', `${path(index)}: ${textProblem(text)}`, { path: path(index) });
    });
    return { serving };
  }

  /**
   * Checks the characters of each text and tokenizes it, in the preprocessing pool, in tasks of
   * bounded size; per text, its feeds or an Error saying why it was refused.
   */
  async encode(serving: ServingModel, texts: readonly string[]): Promise<(ItemFeeds | Error)[]> {
    const { vocabularyFile, encoding } = sentimentResourcesOf(serving);
    const requests: EncodeTextsRequest[] = chunkTexts(texts).map((chunk) => ({ vocabularyFile, encoding, texts: chunk }));
    const encoded = (await this.preprocess.run<EncodedText[]>(TEXT_ENCODING_HANDLER, requests)).flat();
    return encoded.map((item) => (isTextProblem(item) ? new TextRefusal(item.problem) : item));
  }

  /** Each text's inference outcome → its result; the first failed text (by index) fails the call, named by `path`. */
  decode(
    serving: ServingModel,
    texts: readonly string[],
    outcomes: readonly (ItemOutputs | Error)[],
    path: (index: number) => string,
  ): TextSentiment[] {
    return outcomes.map((outcome, index) => {
      if (outcome instanceof TextRefusal)
        throw new GatewayError('BAD_USER_INPUT', `${path(index)}: ${outcome.message}`, { path: path(index) });
      if (outcome instanceof Error) throw outcome;
      let result = this.decoded.get(outcome);
      if (!result) {
        result = { text: texts[index], ...decodeSentiment(serving.manifest, outcome) };
        this.decoded.set(outcome, result);
      }
      return result;
    });
  }
}
