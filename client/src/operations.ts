/**
 * The GraphQL operations the client code sends, one per interaction. `npm run codegen` reads every
 * `graphql(...)` call here and generates their result and variable types into `./gql/`, so each
 * exported document is a TypedDocumentNode: Apollo Client infers `data` and checks `variables`.
 * After editing a document, run `npm run codegen` (a test fails while the generated files are stale).
 */
import { graphql } from './gql/index.js';

/** Every model this caller may call, with its status. */
export const ModelsDocument = graphql(`
  query Models {
    models {
      name
      task
      status
      description
      versions
      defaultVersion
    }
  }
`);

/** One model's details: how to feed it and how it was trained. */
export const ModelDetailsDocument = graphql(`
  query ModelDetails($name: String!) {
    model(name: $name) {
      name
      task
      status
      description
      features
      labels
      versions
      defaultVersion
      inputs {
        name
        type
        shape
        role
      }
      outputs {
        name
        kind
      }
      batching {
        maxBatchSize
        maxQueueDelayMs
      }
      versionDetails {
        version
        status
        runs
        items
      }
      training
    }
  }
`);

/** Any tabular or tensor model, any number of instances. */
export const PredictDocument = graphql(`
  query Predict($model: String!, $version: Int, $instances: [InstanceInput!]!) {
    predict(model: $model, version: $version, instances: $instances) {
      model
      version
      label
      score
      value
      probabilities {
        label
        probability
      }
    }
  }
`);

/**
 * One iris flower through both model versions in one request: the gateway runs each version once.
 * Version 1 is a logistic regression, version 2 (the default) a small MLP.
 */
export const IrisComparisonDocument = graphql(`
  query IrisComparison($flower: [InstanceInput!]!) {
    latest: predict(model: "iris", instances: $flower) {
      version
      label
      score
      probabilities {
        label
        probability
      }
    }
    v1: predict(model: "iris", version: 1, instances: $flower) {
      version
      label
      score
      probabilities {
        label
        probability
      }
    }
  }
`);

/**
 * The typed per-model fields: each model's features are named fields of its input type (a misspelt
 * feature does not compile) and a classifier's label is an enum of its labels (`IrisLabel`).
 */
export const TypedPredictionsDocument = graphql(`
  query TypedPredictions($flowers: [IrisFeaturesInput!]!, $days: [DemandForecastFeaturesInput!]!) {
    predictIris(instances: $flowers) {
      label
      score
      probabilities {
        label
        probability
      }
    }
    predictDemandForecast(instances: $days) {
      value
    }
  }
`);

/** A review as a whole and sentence by sentence, in one request (one sentiment run for all of it). */
export const ReviewSentimentDocument = graphql(`
  query ReviewSentiment($review: String!, $sentences: [String!]!) {
    review: classifySentiment(text: $review) {
      label
      score
      scores {
        label
        probability
      }
    }
    sentences: classifySentiments(texts: $sentences) {
      text
      label
      score
    }
  }
`);

/** Searches the movie catalog by title and/or genre. */
export const SearchMoviesDocument = graphql(`
  query SearchMovies($search: String, $genre: Genre, $limit: Int = 12) {
    movies(search: $search, genre: $genre, limit: $limit) {
      id
      title
      year
      genres
    }
  }
`);

/**
 * Recommendations from the user's ratings, and (when `withGenre`) more of their favourite genre:
 * both fields are one recommender run.
 */
export const RecommendationsDocument = graphql(`
  query Recommendations($history: [MovieRatingInput!]!, $limit: Int = 10, $genres: [Genre!], $withGenre: Boolean!) {
    forYou: recommendMovies(history: $history, limit: $limit) {
      score
      movie {
        id
        title
        year
        genres
      }
    }
    inGenre: recommendMovies(history: $history, limit: 5, genres: $genres) @include(if: $withGenre) {
      score
      movie {
        id
        title
        year
        genres
      }
    }
  }
`);

/** What the demo page shows first: the models' descriptions and a first page of the catalog. */
export const DemoStartDocument = graphql(`
  query DemoStart {
    models {
      name
      task
      description
    }
    movies(limit: 12) {
      id
      title
      year
      genres
    }
  }
`);
