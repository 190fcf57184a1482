/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Models {\n    models {\n      name\n      task\n      status\n      description\n      versions\n      defaultVersion\n    }\n  }\n": typeof types.ModelsDocument,
    "\n  query ModelDetails($name: String!) {\n    model(name: $name) {\n      name\n      task\n      status\n      description\n      features\n      labels\n      versions\n      defaultVersion\n      inputs {\n        name\n        type\n        shape\n        role\n      }\n      outputs {\n        name\n        kind\n      }\n      batching {\n        maxBatchSize\n        maxQueueDelayMs\n      }\n      versionDetails {\n        version\n        status\n        runs\n        items\n      }\n      training\n    }\n  }\n": typeof types.ModelDetailsDocument,
    "\n  query Predict($model: String!, $version: Int, $instances: [InstanceInput!]!) {\n    predict(model: $model, version: $version, instances: $instances) {\n      model\n      version\n      label\n      score\n      value\n      probabilities {\n        label\n        probability\n      }\n    }\n  }\n": typeof types.PredictDocument,
    "\n  query IrisComparison($flower: [InstanceInput!]!) {\n    latest: predict(model: \"iris\", instances: $flower) {\n      version\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n    v1: predict(model: \"iris\", version: 1, instances: $flower) {\n      version\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n  }\n": typeof types.IrisComparisonDocument,
    "\n  query TypedPredictions($flowers: [IrisFeaturesInput!]!, $days: [DemandForecastFeaturesInput!]!) {\n    predictIris(instances: $flowers) {\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n    predictDemandForecast(instances: $days) {\n      value\n    }\n  }\n": typeof types.TypedPredictionsDocument,
    "\n  query ReviewSentiment($review: String!, $sentences: [String!]!) {\n    review: classifySentiment(text: $review) {\n      label\n      score\n      scores {\n        label\n        probability\n      }\n    }\n    sentences: classifySentiments(texts: $sentences) {\n      text\n      label\n      score\n    }\n  }\n": typeof types.ReviewSentimentDocument,
    "\n  query SearchMovies($search: String, $genre: Genre, $limit: Int = 12) {\n    movies(search: $search, genre: $genre, limit: $limit) {\n      id\n      title\n      year\n      genres\n    }\n  }\n": typeof types.SearchMoviesDocument,
    "\n  query Recommendations($history: [MovieRatingInput!]!, $limit: Int = 10, $genres: [Genre!], $withGenre: Boolean!) {\n    forYou: recommendMovies(history: $history, limit: $limit) {\n      score\n      movie {\n        id\n        title\n        year\n        genres\n      }\n    }\n    inGenre: recommendMovies(history: $history, limit: 5, genres: $genres) @include(if: $withGenre) {\n      score\n      movie {\n        id\n        title\n        year\n        genres\n      }\n    }\n  }\n": typeof types.RecommendationsDocument,
    "\n  query DemoStart {\n    models {\n      name\n      task\n      description\n    }\n    movies(limit: 12) {\n      id\n      title\n      year\n      genres\n    }\n  }\n": typeof types.DemoStartDocument,
};
const documents: Documents = {
    "\n  query Models {\n    models {\n      name\n      task\n      status\n      description\n      versions\n      defaultVersion\n    }\n  }\n": types.ModelsDocument,
    "\n  query ModelDetails($name: String!) {\n    model(name: $name) {\n      name\n      task\n      status\n      description\n      features\n      labels\n      versions\n      defaultVersion\n      inputs {\n        name\n        type\n        shape\n        role\n      }\n      outputs {\n        name\n        kind\n      }\n      batching {\n        maxBatchSize\n        maxQueueDelayMs\n      }\n      versionDetails {\n        version\n        status\n        runs\n        items\n      }\n      training\n    }\n  }\n": types.ModelDetailsDocument,
    "\n  query Predict($model: String!, $version: Int, $instances: [InstanceInput!]!) {\n    predict(model: $model, version: $version, instances: $instances) {\n      model\n      version\n      label\n      score\n      value\n      probabilities {\n        label\n        probability\n      }\n    }\n  }\n": types.PredictDocument,
    "\n  query IrisComparison($flower: [InstanceInput!]!) {\n    latest: predict(model: \"iris\", instances: $flower) {\n      version\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n    v1: predict(model: \"iris\", version: 1, instances: $flower) {\n      version\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n  }\n": types.IrisComparisonDocument,
    "\n  query TypedPredictions($flowers: [IrisFeaturesInput!]!, $days: [DemandForecastFeaturesInput!]!) {\n    predictIris(instances: $flowers) {\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n    predictDemandForecast(instances: $days) {\n      value\n    }\n  }\n": types.TypedPredictionsDocument,
    "\n  query ReviewSentiment($review: String!, $sentences: [String!]!) {\n    review: classifySentiment(text: $review) {\n      label\n      score\n      scores {\n        label\n        probability\n      }\n    }\n    sentences: classifySentiments(texts: $sentences) {\n      text\n      label\n      score\n    }\n  }\n": types.ReviewSentimentDocument,
    "\n  query SearchMovies($search: String, $genre: Genre, $limit: Int = 12) {\n    movies(search: $search, genre: $genre, limit: $limit) {\n      id\n      title\n      year\n      genres\n    }\n  }\n": types.SearchMoviesDocument,
    "\n  query Recommendations($history: [MovieRatingInput!]!, $limit: Int = 10, $genres: [Genre!], $withGenre: Boolean!) {\n    forYou: recommendMovies(history: $history, limit: $limit) {\n      score\n      movie {\n        id\n        title\n        year\n        genres\n      }\n    }\n    inGenre: recommendMovies(history: $history, limit: 5, genres: $genres) @include(if: $withGenre) {\n      score\n      movie {\n        id\n        title\n        year\n        genres\n      }\n    }\n  }\n": types.RecommendationsDocument,
    "\n  query DemoStart {\n    models {\n      name\n      task\n      description\n    }\n    movies(limit: 12) {\n      id\n      title\n      year\n      genres\n    }\n  }\n": types.DemoStartDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Models {\n    models {\n      name\n      task\n      status\n      description\n      versions\n      defaultVersion\n    }\n  }\n"): (typeof documents)["\n  query Models {\n    models {\n      name\n      task\n      status\n      description\n      versions\n      defaultVersion\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelDetails($name: String!) {\n    model(name: $name) {\n      name\n      task\n      status\n      description\n      features\n      labels\n      versions\n      defaultVersion\n      inputs {\n        name\n        type\n        shape\n        role\n      }\n      outputs {\n        name\n        kind\n      }\n      batching {\n        maxBatchSize\n        maxQueueDelayMs\n      }\n      versionDetails {\n        version\n        status\n        runs\n        items\n      }\n      training\n    }\n  }\n"): (typeof documents)["\n  query ModelDetails($name: String!) {\n    model(name: $name) {\n      name\n      task\n      status\n      description\n      features\n      labels\n      versions\n      defaultVersion\n      inputs {\n        name\n        type\n        shape\n        role\n      }\n      outputs {\n        name\n        kind\n      }\n      batching {\n        maxBatchSize\n        maxQueueDelayMs\n      }\n      versionDetails {\n        version\n        status\n        runs\n        items\n      }\n      training\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Predict($model: String!, $version: Int, $instances: [InstanceInput!]!) {\n    predict(model: $model, version: $version, instances: $instances) {\n      model\n      version\n      label\n      score\n      value\n      probabilities {\n        label\n        probability\n      }\n    }\n  }\n"): (typeof documents)["\n  query Predict($model: String!, $version: Int, $instances: [InstanceInput!]!) {\n    predict(model: $model, version: $version, instances: $instances) {\n      model\n      version\n      label\n      score\n      value\n      probabilities {\n        label\n        probability\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IrisComparison($flower: [InstanceInput!]!) {\n    latest: predict(model: \"iris\", instances: $flower) {\n      version\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n    v1: predict(model: \"iris\", version: 1, instances: $flower) {\n      version\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n  }\n"): (typeof documents)["\n  query IrisComparison($flower: [InstanceInput!]!) {\n    latest: predict(model: \"iris\", instances: $flower) {\n      version\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n    v1: predict(model: \"iris\", version: 1, instances: $flower) {\n      version\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TypedPredictions($flowers: [IrisFeaturesInput!]!, $days: [DemandForecastFeaturesInput!]!) {\n    predictIris(instances: $flowers) {\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n    predictDemandForecast(instances: $days) {\n      value\n    }\n  }\n"): (typeof documents)["\n  query TypedPredictions($flowers: [IrisFeaturesInput!]!, $days: [DemandForecastFeaturesInput!]!) {\n    predictIris(instances: $flowers) {\n      label\n      score\n      probabilities {\n        label\n        probability\n      }\n    }\n    predictDemandForecast(instances: $days) {\n      value\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewSentiment($review: String!, $sentences: [String!]!) {\n    review: classifySentiment(text: $review) {\n      label\n      score\n      scores {\n        label\n        probability\n      }\n    }\n    sentences: classifySentiments(texts: $sentences) {\n      text\n      label\n      score\n    }\n  }\n"): (typeof documents)["\n  query ReviewSentiment($review: String!, $sentences: [String!]!) {\n    review: classifySentiment(text: $review) {\n      label\n      score\n      scores {\n        label\n        probability\n      }\n    }\n    sentences: classifySentiments(texts: $sentences) {\n      text\n      label\n      score\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchMovies($search: String, $genre: Genre, $limit: Int = 12) {\n    movies(search: $search, genre: $genre, limit: $limit) {\n      id\n      title\n      year\n      genres\n    }\n  }\n"): (typeof documents)["\n  query SearchMovies($search: String, $genre: Genre, $limit: Int = 12) {\n    movies(search: $search, genre: $genre, limit: $limit) {\n      id\n      title\n      year\n      genres\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Recommendations($history: [MovieRatingInput!]!, $limit: Int = 10, $genres: [Genre!], $withGenre: Boolean!) {\n    forYou: recommendMovies(history: $history, limit: $limit) {\n      score\n      movie {\n        id\n        title\n        year\n        genres\n      }\n    }\n    inGenre: recommendMovies(history: $history, limit: 5, genres: $genres) @include(if: $withGenre) {\n      score\n      movie {\n        id\n        title\n        year\n        genres\n      }\n    }\n  }\n"): (typeof documents)["\n  query Recommendations($history: [MovieRatingInput!]!, $limit: Int = 10, $genres: [Genre!], $withGenre: Boolean!) {\n    forYou: recommendMovies(history: $history, limit: $limit) {\n      score\n      movie {\n        id\n        title\n        year\n        genres\n      }\n    }\n    inGenre: recommendMovies(history: $history, limit: 5, genres: $genres) @include(if: $withGenre) {\n      score\n      movie {\n        id\n        title\n        year\n        genres\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DemoStart {\n    models {\n      name\n      task\n      description\n    }\n    movies(limit: 12) {\n      id\n      title\n      year\n      genres\n    }\n  }\n"): (typeof documents)["\n  query DemoStart {\n    models {\n      name\n      task\n      description\n    }\n    movies(limit: 12) {\n      id\n      title\n      year\n      genres\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;