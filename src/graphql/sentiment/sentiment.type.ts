import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { ClassProbability } from '../prediction/prediction.type.js';

export enum SentimentLabel {
  NEGATIVE = 'NEGATIVE',
  NEUTRAL = 'NEUTRAL',
  POSITIVE = 'POSITIVE',
}

registerEnumType(SentimentLabel, {
  name: 'SentimentLabel',
  description: 'The sentiment of a text.',
  valuesConfig: {
    NEGATIVE: { description: 'The text expresses a negative opinion.' },
    NEUTRAL: { description: 'The text expresses no clear opinion either way.' },
    POSITIVE: { description: 'The text expresses a positive opinion.' },
  },
});

// simpleResolvers: these types are plain data, so graphql-js's default resolver reads each field;
// type-graphql would otherwise wrap every field in a resolver of its own (a closure and a call per value).
@ObjectType({ description: 'The sentiment of one text.', simpleResolvers: true })
export class SentimentResult {
  @Field(() => String, { description: 'The text as sent.' })
  text!: string;

  @Field(() => SentimentLabel, { description: 'The most probable sentiment.' })
  label!: SentimentLabel;

  @Field(() => Float, { description: 'The probability of `label`.' })
  score!: number;

  @Field(() => [ClassProbability], { description: "Every sentiment's probability." })
  scores!: ClassProbability[];
}
