import { Field, Float, Int, ObjectType } from 'type-graphql';

// simpleResolvers: these types are plain data, so graphql-js's default resolver reads each field;
// type-graphql would otherwise wrap every field in a resolver of its own (a closure and a call per value).
@ObjectType({ description: "One label's probability.", simpleResolvers: true })
export class ClassProbability {
  @Field(() => String, { description: 'The class label, as the model manifest names it.' })
  label!: string;

  @Field(() => Float, { description: 'Probability in [0, 1]; the probabilities of one prediction sum to 1.' })
  probability!: number;
}

@ObjectType({ description: 'The prediction for one instance.', simpleResolvers: true })
export class Prediction {
  @Field(() => String, { description: 'The model that answered.' })
  model!: string;

  @Field(() => Int, { description: 'The model version that answered (the default version unless one was pinned).' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'Classifiers: the most probable label.' })
  label!: string | null;

  @Field(() => Float, { nullable: true, description: 'Classifiers: the probability of `label`.' })
  score!: number | null;

  @Field(() => [ClassProbability], {
    nullable: true,
    description: "Classifiers: every label's probability, in the manifest's label order.",
  })
  probabilities!: ClassProbability[] | null;

  @Field(() => [Float], {
    nullable: true,
    description:
      "Classifiers: every label's probability as a plain list, aligned with `model(name:).labels` (the numbers of `probabilities` without a label object per value). The cheaper shape for large batches: read the labels once from `model`.",
  })
  scores!: number[] | null;

  @Field(() => Float, { nullable: true, description: 'Regressors with one output: the predicted value.' })
  value!: number | null;

  @Field(() => [Float], { description: 'The raw output row, always (logits stay logits here).' })
  values!: number[];
}
