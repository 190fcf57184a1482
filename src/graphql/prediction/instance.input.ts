import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, InputType, Int } from 'type-graphql';

@InputType({
  description:
    'One instance to predict: `features` for tabular models, or `tensor` (with `shape`) for tensor models; exactly one of the two.',
})
export class InstanceInput {
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Tabular models: feature name → number, by the names in `model(name:).features`, e.g. {"sepalLength": 5.1, ...}.',
  })
  features?: Record<string, unknown> | null;

  @Field(() => [Float], { nullable: true, description: 'Tensor models: one instance, flattened row-major.' })
  tensor?: number[] | null;

  @Field(() => [Int], {
    nullable: true,
    description: "The tensor's shape without the batch dimension, e.g. [1, 28, 28]; may be omitted when the model's shape is fixed.",
  })
  shape?: number[] | null;
}
