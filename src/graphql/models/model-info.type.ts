import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { ModelLoadFailure } from '../../errors/catalogue.js';
import type { ElementType, OutputKind } from '../../models/manifest.js';
import type { ModelStatus, VersionStatus } from '../../models/registry.js';
import {
  ModelLoadFailureEnum,
  ModelStatusEnum,
  ModelTaskEnum,
  type ModelTaskValue,
  ModelVersionStatusEnum,
  OutputKindEnum,
  TensorElementTypeEnum,
} from './model-enums.js';

// simpleResolvers: these types are plain data, so graphql-js's default resolver reads each field;
// type-graphql would otherwise wrap every field in a resolver of its own (a closure and a call per value).
@ObjectType({ description: 'One input tensor of a model.', simpleResolvers: true })
export class TensorInfo {
  @Field(() => String, { description: 'The ONNX input or output name.' })
  name!: string;

  @Field(() => TensorElementTypeEnum, { description: 'Element type.' })
  type!: ElementType;

  @Field(() => [String], {
    description: 'Shape with the batch dimension first: numbers for fixed sizes, names for dynamic ones, e.g. ["batch", "4"].',
  })
  shape!: string[];

  @Field(() => String, { nullable: true, description: 'What the tensor carries, for models with several (e.g. "tokens", "weights").' })
  role!: string | null;
}

@ObjectType({ description: 'One output a model is read from.', simpleResolvers: true })
export class OutputInfo {
  @Field(() => String, { description: 'The ONNX output name.' })
  name!: string;

  @Field(() => OutputKindEnum, { description: 'What the output holds, and so how the gateway reads it.' })
  kind!: OutputKind;

  @Field(() => String, { nullable: true, description: 'What the output carries, for models with several (e.g. "indices", "scores").' })
  role!: string | null;
}

@ObjectType({ description: "The model's dynamic batching settings.", simpleResolvers: true })
export class BatchingInfo {
  @Field(() => Int, { description: 'Most items in one ONNX run.' })
  maxBatchSize!: number;

  @Field(() => Float, { description: 'How long the first queued item waits for more before a partial batch runs.' })
  maxQueueDelayMs!: number;

  @Field(() => Int, { description: 'Queued items beyond which calls fail with OVERLOADED.' })
  maxQueueSize!: number;

  @Field(() => Int, { description: 'A batch running longer fails with INFERENCE_TIMEOUT.' })
  timeoutMs!: number;
}

@ObjectType({ description: 'One version folder of a model.', simpleResolvers: true })
export class ModelVersionInfo {
  @Field(() => Int, { description: 'The version number: the name of its folder.' })
  version!: number;

  @Field(() => ModelVersionStatusEnum, { description: 'Whether this version serves.' })
  status!: VersionStatus;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the version failed to load; on a READY version, why the latest change to its files was refused (the previous files still serve).',
  })
  error!: string | null;

  @Field(() => ModelLoadFailureEnum, { nullable: true, description: 'Stable reason code of `error`.' })
  errorCode!: ModelLoadFailure | null;

  @Field(() => Int, { description: 'ONNX runs since this version was loaded.' })
  runs!: number;

  @Field(() => Int, { description: 'Items inferred since this version was loaded.' })
  items!: number;

  @Field(() => Float, { nullable: true, description: 'items / runs since this version was loaded.' })
  meanBatchSize!: number | null;
}

@ObjectType({ description: 'A model of the repository, ready or not.', simpleResolvers: true })
export class ModelInfo {
  @Field(() => String, { description: 'The model name: the name of its folder in the repository.' })
  name!: string;

  @Field(() => ModelTaskEnum, { description: 'What the model does; UNKNOWN when the manifest could not be read.' })
  task!: ModelTaskValue;

  @Field(() => String, {
    nullable: true,
    description: "What the model predicts, in what units, trained on what: the manifest's description.",
  })
  description!: string | null;

  @Field(() => ModelStatusEnum, { description: 'Whether the model serves: DEGRADED when some versions failed or a change was refused.' })
  status!: ModelStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Why the model (or its first failed version) could not load: model, file and field.',
  })
  error!: string | null;

  @Field(() => ModelLoadFailureEnum, { nullable: true, description: 'Stable reason code of `error`.' })
  errorCode!: ModelLoadFailure | null;

  @Field(() => [Int], { description: 'Versions that can be called, ascending.' })
  versions!: number[];

  @Field(() => Int, { nullable: true, description: 'The version used when none is pinned: the highest ready one.' })
  defaultVersion!: number | null;

  @Field(() => [ModelVersionInfo], { description: 'Every version folder found, with its status.' })
  versionDetails!: ModelVersionInfo[];

  @Field(() => [String], { nullable: true, description: 'Tabular models: the feature names, in input order.' })
  features!: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Classifiers: the labels, in output order.' })
  labels!: string[] | null;

  @Field(() => [TensorInfo], {
    nullable: true,
    description: 'The ONNX inputs the model is fed, from the manifest (checked against the graph).',
  })
  inputs!: TensorInfo[] | null;

  @Field(() => [OutputInfo], { nullable: true, description: 'The ONNX outputs the answer is read from.' })
  outputs!: OutputInfo[] | null;

  @Field(() => BatchingInfo, { nullable: true, description: "The model's dynamic batching settings." })
  batching!: BatchingInfo | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Provenance from the manifest: training data, split, held-out metrics.' })
  training!: Record<string, unknown> | null;
}
