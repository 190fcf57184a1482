import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { SentimentService, TextSentiment } from '../../tasks/sentiment/sentiment-service.js';
import type { GatewayContext } from '../context.js';
import { SentimentLabel, SentimentResult } from './sentiment.type.js';

@Resolver()
export class SentimentResolver {
  constructor(private readonly service: SentimentService) {}

  @Query(() => SentimentResult, { nullable: true, description: 'The sentiment of one text (English, up to 5,000 characters).' })
  async classifySentiment(
    @Arg('text', () => String, { description: 'The text to classify.' }) text: string,
    @Ctx() context: GatewayContext,
  ): Promise<SentimentResult> {
    const [result] = await this.classify([text], () => 'text', context);
    return result;
  }

  @Query(() => [SentimentResult], { nullable: true, description: 'The sentiment of several texts, in order, as one batch.' })
  async classifySentiments(
    @Arg('texts', () => [String], { description: 'The texts to classify.' }) texts: string[],
    @Ctx() context: GatewayContext,
  ): Promise<SentimentResult[]> {
    return this.classify(texts, (i) => `texts[${i}]`, context);
  }

  private async classify(texts: string[], path: (i: number) => string, context: GatewayContext): Promise<SentimentResult[]> {
    const { serving } = this.service.prepare(texts, path);
    const outcomes = await context.loaders.inferKeyed(serving, texts, (distinct) => this.service.encode(serving, distinct));
    return this.service.decode(serving, texts, outcomes, path).map(toSentimentResult);
  }
}

function toSentimentResult(result: TextSentiment): SentimentResult {
  return { text: result.text, label: SentimentLabel[result.label], score: result.score, scores: result.scores };
}
