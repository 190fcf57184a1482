import { GraphQLJSONObject } from 'graphql-scalars';
import { Directive, Field, Float, InputType, Int } from 'type-graphql';

@InputType({ description: "One tensor model instance: its values and, where the model's shape has dynamic dimensions, its shape." })
export class TensorInput {
  @Field(() => [Float], { description: 'The values, flattened row-major.' })
  values!: number[];

  @Field(() => [Int], {
    nullable: true,
    description: "The shape without the batch dimension, e.g. [1, 28, 28]; may be omitted when the model's shape is fixed.",
  })
  shape?: number[] | null;
}

// @oneOf: exactly one of the fields, checked by GraphQL validation and variable coercion before
// anything runs, and typed as a union by codegen (see one-of.ts: type-graphql does not set it itself).
@Directive('@oneOf')
@InputType({
  description: 'One instance to predict: exactly one of `features` (tabular models) or `tensor` (tensor models).',
})
export class InstanceInput {
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Tabular models: feature name → number, by the names in `model(name:).features`, e.g. {"sepalLength": 5.1, ...}.',
  })
  features?: Record<string, unknown> | null;

  @Field(() => TensorInput, { nullable: true, description: 'Tensor models: one instance as a tensor.' })
  tensor?: TensorInput | null;
}
