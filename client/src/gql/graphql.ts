/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** One instance for model "demand-forecast": its 6 features by name, each a finite number that float32 holds (|x| <= 3.4e38). */
export type DemandForecastFeaturesInput = {
  /** Feature "dayOfWeek": column 1 of 6 of the model's input. */
  dayOfWeek: number;
  /** Feature "dayOfYear": column 2 of 6 of the model's input. */
  dayOfYear: number;
  /** Feature "daysSinceLaunch": column 3 of 6 of the model's input. */
  daysSinceLaunch: number;
  /** Feature "discountPct": column 5 of 6 of the model's input. */
  discountPct: number;
  /** Feature "isHoliday": column 6 of 6 of the model's input. */
  isHoliday: number;
  /** Feature "price": column 4 of 6 of the model's input. */
  price: number;
};

/** A genre of the recommender's movie catalog; each value's description is the genre as the catalog spells it. */
export type Genre =
  /** Action */
  | 'ACTION'
  /** Adventure */
  | 'ADVENTURE'
  /** Animation */
  | 'ANIMATION'
  /** Biography */
  | 'BIOGRAPHY'
  /** Comedy */
  | 'COMEDY'
  /** Crime */
  | 'CRIME'
  /** Documentary */
  | 'DOCUMENTARY'
  /** Drama */
  | 'DRAMA'
  /** Family */
  | 'FAMILY'
  /** Fantasy */
  | 'FANTASY'
  /** Horror */
  | 'HORROR'
  /** Musical */
  | 'MUSICAL'
  /** Mystery */
  | 'MYSTERY'
  /** Romance */
  | 'ROMANCE'
  /** Sci-Fi */
  | 'SCI_FI'
  /** Thriller */
  | 'THRILLER'
  /** War */
  | 'WAR'
  /** Western */
  | 'WESTERN';

/** One instance to predict: exactly one of `features` (tabular models) or `tensor` (tensor models). */
export type InstanceInput =
  {   /** Tabular models: feature name → number, by the names in `model(name:).features`, e.g. {"sepalLength": 5.1, ...}. */
  features: Record<string, unknown>; tensor?: never; }
  |  { features?: never;   /** Tensor models: one instance as a tensor. */
  tensor: TensorInput; };

/** One instance for model "iris": its 4 features by name, each a finite number that float32 holds (|x| <= 3.4e38). */
export type IrisFeaturesInput = {
  /** Feature "petalLength": column 3 of 4 of the model's input. */
  petalLength: number;
  /** Feature "petalWidth": column 4 of 4 of the model's input. */
  petalWidth: number;
  /** Feature "sepalLength": column 1 of 4 of the model's input. */
  sepalLength: number;
  /** Feature "sepalWidth": column 2 of 4 of the model's input. */
  sepalWidth: number;
};

/** The labels of model "iris", in its manifest's order. */
export type IrisLabel =
  /** The label "setosa". */
  | 'SETOSA'
  /** The label "versicolor". */
  | 'VERSICOLOR'
  /** The label "virginica". */
  | 'VIRGINICA';

/** Whether a model serves, and how well. */
export type ModelStatus =
  /** It serves, but some versions failed to load or a change to its files was refused; `error` says why. */
  | 'DEGRADED'
  /** No version could load; `error` and `errorCode` say why. */
  | 'FAILED'
  /** Some versions are still loading; while none is ready, calls answer MODEL_UNAVAILABLE. */
  | 'LOADING'
  /** Every version loaded and serves. */
  | 'READY'
  /** Taken out of service: only in what unloadModel answers. */
  | 'UNLOADED';

/** What a model does: its manifest's `task`. */
export type ModelTask =
  /** Recommends catalog items from ratings (manifest task `recommendation`); behind recommendMovies. */
  | 'RECOMMENDATION'
  /** Classifies named numeric features (manifest task `tabular-classification`); call it with predict. */
  | 'TABULAR_CLASSIFICATION'
  /** Predicts a value from named numeric features (manifest task `tabular-regression`); call it with predict. */
  | 'TABULAR_REGRESSION'
  /** Classifies a tensor such as an image (manifest task `tensor-classification`); call it with predict. */
  | 'TENSOR_CLASSIFICATION'
  /** Predicts values from a tensor (manifest task `tensor-regression`); call it with predict. */
  | 'TENSOR_REGRESSION'
  /** Classifies texts (manifest task `text-classification`); behind classifySentiment(s). */
  | 'TEXT_CLASSIFICATION'
  /** The manifest could not be read, so the task is not known; `error` says why. */
  | 'UNKNOWN';

/** Whether one model version serves. */
export type ModelVersionStatus =
  /** It could not load; `error` and `errorCode` say why. */
  | 'FAILED'
  /** Still loading (or being checked and warmed up before it takes traffic). */
  | 'LOADING'
  /** Loaded and serving. */
  | 'READY'
  /** Taken out of service: only in what unloadModel answers. */
  | 'UNLOADED';

/** A movie the user rated. */
export type MovieRatingInput = {
  /** Catalog id of the movie (see the movies query). */
  movieId: string;
  /** The rating, 0.5 to 5 (stars). */
  rating: number;
};

/** What an output holds, and so how the gateway reads it. */
export type OutputKind =
  /** Item indices, e.g. the rows of recommended movies (manifest kind `indices`). */
  | 'INDICES'
  /** Raw class scores: softmax is applied before they are returned (manifest kind `logits`). */
  | 'LOGITS'
  /** Class probabilities, returned as they are (manifest kind `probabilities`). */
  | 'PROBABILITIES'
  /** Scores of those items (manifest kind `scores`). */
  | 'SCORES'
  /** Regression values (manifest kind `values`). */
  | 'VALUES';

/** The sentiment of a text. */
export type SentimentLabel =
  /** The text expresses a negative opinion. */
  | 'NEGATIVE'
  /** The text expresses no clear opinion either way. */
  | 'NEUTRAL'
  /** The text expresses a positive opinion. */
  | 'POSITIVE';

/** An ONNX tensor's element type. */
export type TensorElementType =
  /** 32-bit floating point (manifest type `float32`). */
  | 'FLOAT32'
  /** 32-bit integer (manifest type `int32`). */
  | 'INT32'
  /** 64-bit integer (manifest type `int64`). */
  | 'INT64';

/** One tensor model instance: its values and, where the model's shape has dynamic dimensions, its shape. */
export type TensorInput = {
  /** The shape without the batch dimension, e.g. [1, 28, 28]; may be omitted when the model's shape is fixed. */
  shape?: Array<number> | null | undefined;
  /** The values, flattened row-major. */
  values: Array<number>;
};

export type ModelsQueryVariables = Exact<{ [key: string]: never; }>;


export type ModelsQuery = { models: Array<{ name: string, task: ModelTask, status: ModelStatus, description: string | null, versions: Array<number>, defaultVersion: number | null }> | null };

export type ModelDetailsQueryVariables = Exact<{
  name: string;
}>;


export type ModelDetailsQuery = { model: { name: string, task: ModelTask, status: ModelStatus, description: string | null, features: Array<string> | null, labels: Array<string> | null, versions: Array<number>, defaultVersion: number | null, training: Record<string, unknown> | null, inputs: Array<{ name: string, type: TensorElementType, shape: Array<string>, role: string | null }> | null, outputs: Array<{ name: string, kind: OutputKind }> | null, batching: { maxBatchSize: number, maxQueueDelayMs: number } | null, versionDetails: Array<{ version: number, status: ModelVersionStatus, runs: number, items: number }> } | null };

export type PredictQueryVariables = Exact<{
  model: string;
  version?: number | null | undefined;
  instances: Array<InstanceInput> | InstanceInput;
}>;


export type PredictQuery = { predict: Array<{ model: string, version: number, label: string | null, score: number | null, value: number | null, probabilities: Array<{ label: string, probability: number }> | null }> | null };

export type IrisComparisonQueryVariables = Exact<{
  flower: Array<InstanceInput> | InstanceInput;
}>;


export type IrisComparisonQuery = { latest: Array<{ version: number, label: string | null, score: number | null, probabilities: Array<{ label: string, probability: number }> | null }> | null, v1: Array<{ version: number, label: string | null, score: number | null, probabilities: Array<{ label: string, probability: number }> | null }> | null };

export type TypedPredictionsQueryVariables = Exact<{
  flowers: Array<IrisFeaturesInput> | IrisFeaturesInput;
  days: Array<DemandForecastFeaturesInput> | DemandForecastFeaturesInput;
}>;


export type TypedPredictionsQuery = { predictIris: Array<{ label: IrisLabel, score: number, probabilities: Array<{ label: IrisLabel, probability: number }> }> | null, predictDemandForecast: Array<{ value: number }> | null };

export type ReviewSentimentQueryVariables = Exact<{
  review: string;
  sentences: Array<string> | string;
}>;


export type ReviewSentimentQuery = { review: { label: SentimentLabel, score: number, scores: Array<{ label: string, probability: number }> } | null, sentences: Array<{ text: string, label: SentimentLabel, score: number }> | null };

export type SearchMoviesQueryVariables = Exact<{
  search?: string | null | undefined;
  genre?: Genre | null | undefined;
  limit?: number | null | undefined;
}>;


export type SearchMoviesQuery = { movies: Array<{ id: string, title: string, year: number | null, genres: Array<Genre> }> | null };

export type RecommendationsQueryVariables = Exact<{
  history: Array<MovieRatingInput> | MovieRatingInput;
  limit?: number | null | undefined;
  genres?: Array<Genre> | Genre | null | undefined;
  withGenre: boolean;
}>;


export type RecommendationsQuery = { forYou: Array<{ score: number, movie: { id: string, title: string, year: number | null, genres: Array<Genre> } }> | null, inGenre?: Array<{ score: number, movie: { id: string, title: string, year: number | null, genres: Array<Genre> } }> | null };

export type DemoStartQueryVariables = Exact<{ [key: string]: never; }>;


export type DemoStartQuery = { models: Array<{ name: string, task: ModelTask, description: string | null }> | null, movies: Array<{ id: string, title: string, year: number | null, genres: Array<Genre> }> | null };


export const ModelsDocument = {"__meta__":{"hash":"sha256:a7d03ceb30c33f236b1c93536cf1f3d994d7a87175cfdb7110a08f0b2ae7b125"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"task"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"versions"}},{"kind":"Field","name":{"kind":"Name","value":"defaultVersion"}}]}}]}}]} as unknown as DocumentNode<ModelsQuery, ModelsQueryVariables>;
export const ModelDetailsDocument = {"__meta__":{"hash":"sha256:a79e908870ad99323f0b75f8405416f86396811dba5d681aebca5db9974792bb"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelDetails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"task"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"features"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"versions"}},{"kind":"Field","name":{"kind":"Name","value":"defaultVersion"}},{"kind":"Field","name":{"kind":"Name","value":"inputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"shape"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"outputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"batching"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxBatchSize"}},{"kind":"Field","name":{"kind":"Name","value":"maxQueueDelayMs"}}]}},{"kind":"Field","name":{"kind":"Name","value":"versionDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"runs"}},{"kind":"Field","name":{"kind":"Name","value":"items"}}]}},{"kind":"Field","name":{"kind":"Name","value":"training"}}]}}]}}]} as unknown as DocumentNode<ModelDetailsQuery, ModelDetailsQueryVariables>;
export const PredictDocument = {"__meta__":{"hash":"sha256:d91aa3393df56b4cc6e7dbcad70233df98a4a4d4e3db7e8ed19c437877b2ea9e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Predict"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"model"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"instances"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"InstanceInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"predict"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"model"},"value":{"kind":"Variable","name":{"kind":"Name","value":"model"}}},{"kind":"Argument","name":{"kind":"Name","value":"version"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}},{"kind":"Argument","name":{"kind":"Name","value":"instances"},"value":{"kind":"Variable","name":{"kind":"Name","value":"instances"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"probabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"probability"}}]}}]}}]}}]} as unknown as DocumentNode<PredictQuery, PredictQueryVariables>;
export const IrisComparisonDocument = {"__meta__":{"hash":"sha256:77757fbf3656443e61f81a99c7ebcb5f98ec16a98a4a645629f2a3037ec69b2d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IrisComparison"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"flower"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"InstanceInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"latest"},"name":{"kind":"Name","value":"predict"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"model"},"value":{"kind":"StringValue","value":"iris","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"instances"},"value":{"kind":"Variable","name":{"kind":"Name","value":"flower"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"probabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"probability"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"v1"},"name":{"kind":"Name","value":"predict"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"model"},"value":{"kind":"StringValue","value":"iris","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"version"},"value":{"kind":"IntValue","value":"1"}},{"kind":"Argument","name":{"kind":"Name","value":"instances"},"value":{"kind":"Variable","name":{"kind":"Name","value":"flower"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"probabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"probability"}}]}}]}}]}}]} as unknown as DocumentNode<IrisComparisonQuery, IrisComparisonQueryVariables>;
export const TypedPredictionsDocument = {"__meta__":{"hash":"sha256:4e0d8bcdfdb8f03fd033031a9c10d9ba22a8c8f9888b15b7cbf50dd104d25751"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TypedPredictions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"flowers"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"IrisFeaturesInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DemandForecastFeaturesInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"predictIris"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"instances"},"value":{"kind":"Variable","name":{"kind":"Name","value":"flowers"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"probabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"probability"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"predictDemandForecast"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"instances"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]} as unknown as DocumentNode<TypedPredictionsQuery, TypedPredictionsQueryVariables>;
export const ReviewSentimentDocument = {"__meta__":{"hash":"sha256:08a63572e5c43a069a209f6628d7baf40bf2309f5305da702c145c6e5b8831a1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReviewSentiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"review"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sentences"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"review"},"name":{"kind":"Name","value":"classifySentiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"review"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"scores"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"probability"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"sentences"},"name":{"kind":"Name","value":"classifySentiments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"texts"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sentences"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"score"}}]}}]}}]} as unknown as DocumentNode<ReviewSentimentQuery, ReviewSentimentQueryVariables>;
export const SearchMoviesDocument = {"__meta__":{"hash":"sha256:b2956f52b23c5fa6307cec371e14a72ddafd5ae5afaf6e4eb30eb0701eef5734"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SearchMovies"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"genre"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Genre"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"12"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"movies"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"genre"},"value":{"kind":"Variable","name":{"kind":"Name","value":"genre"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"genres"}}]}}]}}]} as unknown as DocumentNode<SearchMoviesQuery, SearchMoviesQueryVariables>;
export const RecommendationsDocument = {"__meta__":{"hash":"sha256:1ac3d164f3af56284b8423833a934e6cb0325175f42fde67125201cdda692eab"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Recommendations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"history"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MovieRatingInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"genres"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Genre"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"withGenre"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"forYou"},"name":{"kind":"Name","value":"recommendMovies"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"history"},"value":{"kind":"Variable","name":{"kind":"Name","value":"history"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"movie"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"genres"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"inGenre"},"name":{"kind":"Name","value":"recommendMovies"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"history"},"value":{"kind":"Variable","name":{"kind":"Name","value":"history"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"5"}},{"kind":"Argument","name":{"kind":"Name","value":"genres"},"value":{"kind":"Variable","name":{"kind":"Name","value":"genres"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"withGenre"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"movie"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"genres"}}]}}]}}]}}]} as unknown as DocumentNode<RecommendationsQuery, RecommendationsQueryVariables>;
export const DemoStartDocument = {"__meta__":{"hash":"sha256:63080850b471705d37d5b1d65a2860e640af90b66a168208718bc93c3a36d4a0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DemoStart"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"task"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"movies"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"12"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"genres"}}]}}]}}]} as unknown as DocumentNode<DemoStartQuery, DemoStartQueryVariables>;