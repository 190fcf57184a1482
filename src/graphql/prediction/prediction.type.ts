import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "One label's probability." })
export class ClassProbability {
  @Field(() => String, { description: 'The class label, as the model manifest names it.' })
  label!: string;

  @Field(() => Float, { description: 'Probability in [0, 1]; the probabilities of one prediction sum to 1.' })
  probability!: number;
}

@ObjectType({ description: 'The prediction for one instance.' })
export class Prediction {
  @Field(() => String, { description: 'The model that answered.' })
  model!: string;

  @Field(() => Int, { description: 'The model version that answered (the default version unless one was pinned).' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'Classifiers: the most probable label.' })
  label!: string | null;

  @Field(() => Float, { nullable: true, description: 'Classifiers: the probability of `label`.' })
  score!: number | null;

  @Field(() => [ClassProbability], { nullable: true, description: "Classifiers: every label's probability, in the manifest's label order." })
  probabilities!: ClassProbability[] | null;

  @Field(() => Float, { nullable: true, description: 'Regressors with one output: the predicted value.' })
  value!: number | null;

  @Field(() => [Float], { description: 'The raw output row, always (logits stay logits here).' })
  values!: number[];
}
