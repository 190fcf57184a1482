/**
 * Builds the bundled `movie-recommender` (task `recommendation`) from synthetic data: a generated catalog
 * of 600 movies (movie-catalog.ts) and ratings from 3,000 simulated users with latent genre tastes
 * (movie-ratings.ts). Item embeddings Q and item biases come from biased ALS matrix factorization on a
 * per-user 80% train split; the other 20% is held out for the reported metrics.
 *
 * The ONNX graph folds a user in from their ratings alone: user = Σ mask·(rating − 3)·E[item] / Σ mask,
 * so ratings under 3 push away and over 3 pull towards; scores = user·Eᵀ + prior; rated movies and
 * non-candidates get MASKED_SCORE; TopK returns K = 50. E = √α·Q and prior = itemBias + β·(standardised
 * log rating count), with α and β chosen on a validation split carved out of the train split.
 */
import ort from 'onnxruntime-node';
import { MASKED_SCORE } from '../../src/tasks/recommend/recommend-codec.js';
import { type AlsOptions, type Factorization, factorizeAls, type Observation, rmse } from '../lib/matrix-factorization.js';
import { round, writeModel } from '../lib/model-writer.js';
import { GraphBuilder } from '../lib/onnx-graph.js';
import { Random } from '../lib/random.js';
import { catalogJson, generateCatalog } from './movie-catalog.js';
import { DEFAULT_SIMULATION, groupByUser, type Rating, simulateRatings, splitPerUser } from './movie-ratings.js';
import type { BuildReport } from './report.js';

const NAME = 'movie-recommender';
/** Recommendations that leave the graph per request (the API's largest `limit`). */
export const TOP_K = 50;
/** Ratings are centred here: a movie rated below 3 pushes the user vector away from it. */
export const RATING_CENTER = 3;
/** A held-out rating at least this high counts as a movie the user liked. */
const LIKED = 4;
/** The reported top-N metric's N. */
const EVAL_N = 10;
const TEST_FRACTION = 0.2;
const SEEDS = { catalog: 1, ratings: 2, testSplit: 3, factors: 4, validationSplit: 5 };
const ALS: Omit<AlsOptions, 'rows' | 'cols'> = { dim: 24, iterations: 12, lambda: 10, biasLambda: 2 };
// Grids for the graph's two free numbers, searched on the validation split.
const ALPHA_GRID = [1, 2, 3, 4, 5, 6, 8];
const BETA_GRID = [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.6];

/** The numbers the graph holds, as float32 (what onnxruntime computes with). */
interface RecommenderWeights {
  size: number;
  dim: number;
  /** Row-major [size, dim]: √α · the ALS item factors. */
  embeddings: Float32Array;
  /** [size]: item bias + β · standardised log(1 + train ratings). */
  prior: Float32Array;
}

interface TopNQuality {
  hitRate: number;
  recall: number;
  users: number;
}

export async function build(): Promise<BuildReport> {
  const movies = generateCatalog(new Random(SEEDS.catalog));
  const ratings = simulateRatings(new Random(SEEDS.ratings), movies);
  const { train, test } = splitPerUser(new Random(SEEDS.testSplit), ratings, TEST_FRACTION);

  // α and β are chosen without looking at the test split: fit on 80% of train, score on the other 20%.
  const validation = splitPerUser(new Random(SEEDS.validationSplit), train, TEST_FRACTION);
  const validationModel = factorize(validation.train, movies.length);
  const tuned = tuneScoring(validationModel, validation.train, validation.test, movies.length);

  const model = factorize(train, movies.length);
  const weights = recommenderWeights(model, train, movies.length, tuned.alpha, tuned.beta);
  const biasesOnly = factorizeAls(
    toObservations(train),
    { ...ALS, dim: 0, rows: DEFAULT_SIMULATION.users, cols: movies.length },
    new Random(SEEDS.factors),
  );

  const histories = groupByUser(train);
  const held = groupByUser(test);
  const graph = evaluateTopN(histories, held, (history) => graphScores(weights, history));
  const counts = ratingCounts(train, movies.length, 0);
  const likedCounts = ratingCounts(train, movies.length, LIKED);
  const popularity = evaluateTopN(histories, held, () => Float64Array.from(counts));
  const likedPopularity = evaluateTopN(histories, held, () => Float64Array.from(likedCounts));

  const onnx = buildGraph(weights);
  const onnxHitRate = await onnxHitRateCheck(onnx, weights.size, histories, held);
  if (Math.abs(onnxHitRate - graph.hitRate) > 0.002) {
    throw new Error(`onnxruntime's hit rate@${EVAL_N} (${onnxHitRate}) must match the TypeScript mirror of the graph (${graph.hitRate})`);
  }

  const metrics = {
    rmse: round(rmse(model, toObservations(test)), 4),
    biasBaselineRmse: round(rmse(biasesOnly, toObservations(test)), 4),
    [`hitRateAt${EVAL_N}`]: round(graph.hitRate, 4),
    [`recallAt${EVAL_N}`]: round(graph.recall, 4),
    [`popularityHitRateAt${EVAL_N}`]: round(popularity.hitRate, 4),
    [`popularityRecallAt${EVAL_N}`]: round(popularity.recall, 4),
    [`likedPopularityHitRateAt${EVAL_N}`]: round(likedPopularity.hitRate, 4),
    [`likedPopularityRecallAt${EVAL_N}`]: round(likedPopularity.recall, 4),
    testRatings: test.length,
    topNUsers: graph.users,
  };
  const dataLine = `${movies.length} synthetic movies, ${ratings.length} synthetic ratings from ${DEFAULT_SIMULATION.users} simulated users`;

  writeModel(NAME, {
    manifest: {
      name: NAME,
      task: 'recommendation',
      description:
        `Movie recommendations from a user's ratings over a catalog of ${movies.length} SYNTHETIC movies: titles, years and genres ` +
        'are generated from word lists (not real films), and the embeddings were learned from simulated users, not from real ratings. ' +
        `Returns the top ${TOP_K} unrated movies (optionally only of some genres) with scores comparable within one answer.`,
      inputs: [
        { name: 'items', type: 'int64', shape: ['batch', 'history'], role: 'items' },
        { name: 'ratings', type: 'float32', shape: ['batch', 'history'], role: 'ratings' },
        { name: 'mask', type: 'float32', shape: ['batch', 'history'], role: 'mask' },
        { name: 'candidates', type: 'float32', shape: ['batch', movies.length], role: 'candidates' },
      ],
      outputs: [
        { name: 'indices', kind: 'indices', shape: ['batch', TOP_K], role: 'indices' },
        { name: 'scores', kind: 'scores', shape: ['batch', TOP_K], role: 'scores' },
      ],
      files: { catalog: 'movies.json' },
      batching: { maxBatchSize: 64, maxQueueDelayMs: 0 },
      training: {
        data:
          `synthetic (scripts/models/movie-catalog.ts, movie-ratings.ts): ${movies.length} movies with 1-3 of 18 genres and a latent quality and popularity; ` +
          `${DEFAULT_SIMULATION.users} users with latent genre tastes and a rating propensity, each rating ${DEFAULT_SIMULATION.minRatingsPerUser}-${DEFAULT_SIMULATION.maxRatingsPerUser} movies ` +
          'picked by popularity and taste; rating = noisy taste + quality + propensity, rounded to half stars in 0.5..5',
        ratings: ratings.length,
        catalog:
          'movies.json: { "movies": [{ "id", "title", "year", "genres" }] }; a movie\'s position in the list is its row in item_embeddings and in the candidates input',
        split: `per user, ${TEST_FRACTION * 100}% of the ratings held out (${test.length}); the rest (${train.length}) trains`,
        factorization: `biased ALS (mean + user bias + item bias + p·q), dim ${ALS.dim}, L2 ${ALS.lambda} on factors and ${ALS.biasLambda} on biases, ${ALS.iterations} iterations, seed ${SEEDS.factors}`,
        graph:
          `user = Σ mask·(rating − ${RATING_CENTER})·E[item] / Σ mask; scores = user·Eᵀ + prior; already-rated and non-candidate movies get ${MASKED_SCORE}; TopK ${TOP_K}. ` +
          `E = √α·Q (ALS item factors), prior = item bias + β·standardised log(1 + train ratings of the movie)`,
        tuning: `α = ${tuned.alpha}, β = ${tuned.beta}: the best recall@${EVAL_N} on a validation split (20% of each user's train ratings; ALS refitted without them)`,
        heldOut: {
          ...metrics,
          note:
            `rmse: the ALS predictions on held-out ratings (biasBaselineRmse: mean + user + item biases only). hit rate / recall@${EVAL_N}: the graph ` +
            `given a user's train ratings as history, against their held-out ratings >= ${LIKED} (users with at least one); popularity baselines rank unrated movies ` +
            `by their number of train ratings (liked: ratings >= ${LIKED})`,
        },
      },
    },
    versions: { 1: onnx },
    extraFiles: { 'movies.json': catalogJson(movies) },
  });

  return {
    model: NAME,
    metrics: { ...metrics, onnxHitRateAt10: round(onnxHitRate, 4) },
    data: dataLine,
  };
}

function factorize(train: readonly Rating[], items: number): Factorization {
  return factorizeAls(toObservations(train), { ...ALS, rows: DEFAULT_SIMULATION.users, cols: items }, new Random(SEEDS.factors));
}

function toObservations(ratings: readonly Rating[]): Observation[] {
  return ratings.map((r) => ({ row: r.user, col: r.item, value: r.rating }));
}

function ratingCounts(ratings: readonly Rating[], items: number, atLeast: number): Float64Array {
  const counts = new Float64Array(items);
  for (const r of ratings) if (r.rating >= atLeast) counts[r.item] += 1;
  return counts;
}

// log(1 + count), standardised over the catalog: the popularity half of the prior.
function popularityFeature(train: readonly Rating[], items: number): Float64Array {
  const logs = ratingCounts(train, items, 0).map((c) => Math.log1p(c));
  const mean = logs.reduce((a, b) => a + b, 0) / items;
  const std = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / items);
  return logs.map((v) => (v - mean) / std);
}

function recommenderWeights(
  model: Factorization,
  train: readonly Rating[],
  items: number,
  alpha: number,
  beta: number,
): RecommenderWeights {
  const popularity = popularityFeature(train, items);
  const scale = Math.sqrt(alpha);
  return {
    size: items,
    dim: model.dim,
    embeddings: Float32Array.from(model.colFactors, (q) => scale * q),
    prior: Float32Array.from(model.colBias, (b, i) => b + beta * popularity[i]),
  };
}

/** Picks α (weight of the personal term) and β (weight of popularity in the prior) by validation recall. */
function tuneScoring(
  model: Factorization,
  fit: readonly Rating[],
  validation: readonly Rating[],
  items: number,
): { alpha: number; beta: number } {
  const histories = groupByUser(fit);
  const held = groupByUser(validation);
  const popularity = popularityFeature(fit, items);
  // The personal term u·Q is linear in α, so it is computed once per user.
  const unscaled: RecommenderWeights = {
    size: items,
    dim: model.dim,
    embeddings: Float32Array.from(model.colFactors),
    prior: new Float32Array(items),
  };
  const personal = new Map<number, Float64Array>();
  for (const [user, history] of histories) personal.set(user, graphScores(unscaled, history));
  let best = { alpha: ALPHA_GRID[0], beta: BETA_GRID[0], recall: -1 };
  for (const alpha of ALPHA_GRID) {
    for (const beta of BETA_GRID) {
      const quality = evaluateTopN(histories, held, (_history, user) => {
        const p = personal.get(user) as Float64Array;
        return p.map((v, i) => alpha * v + model.colBias[i] + beta * popularity[i]);
      });
      if (quality.recall > best.recall) best = { alpha, beta, recall: quality.recall };
    }
  }
  return { alpha: best.alpha, beta: best.beta };
}

/** The graph's scores over the catalog for one history, in float64 (before masking). */
function graphScores(weights: RecommenderWeights, history: readonly Rating[]): Float64Array {
  const { dim, embeddings, prior, size } = weights;
  const user = new Float64Array(dim);
  for (const r of history) {
    const w = (r.rating - RATING_CENTER) / history.length;
    for (let k = 0; k < dim; k += 1) user[k] += w * embeddings[r.item * dim + k];
  }
  const scores = new Float64Array(size);
  for (let i = 0; i < size; i += 1) {
    let s = prior[i];
    for (let k = 0; k < dim; k += 1) s += user[k] * embeddings[i * dim + k];
    scores[i] = s;
  }
  return scores;
}

/**
 * Hit rate and recall at EVAL_N: each user's history is their train ratings, and the targets are their
 * held-out ratings >= LIKED; rated movies are never recommended. Users without a liked held-out movie are skipped.
 */
function evaluateTopN(
  histories: Map<number, Rating[]>,
  held: Map<number, Rating[]>,
  score: (history: Rating[], user: number) => Float64Array,
): TopNQuality {
  let users = 0;
  let hits = 0;
  let recall = 0;
  for (const [user, heldOut] of held) {
    const liked = new Set(heldOut.filter((r) => r.rating >= LIKED).map((r) => r.item));
    if (liked.size === 0) continue;
    const history = histories.get(user) ?? [];
    const scores = score(history, user);
    for (const r of history) scores[r.item] = -Infinity;
    const found = topIndices(scores, EVAL_N).filter((i) => liked.has(i)).length;
    users += 1;
    if (found > 0) hits += 1;
    recall += found / Math.min(EVAL_N, liked.size);
  }
  return { hitRate: hits / users, recall: recall / users, users };
}

/** Indices of the n largest scores, best first; ties go to the lower index (as onnxruntime's TopK does). */
function topIndices(scores: ArrayLike<number>, n: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i += 1) {
    if (top.length === n && scores[i] <= scores[top[n - 1]]) continue;
    let at = top.length === n ? n - 1 : top.length;
    top[at] = i;
    while (at > 0 && scores[top[at - 1]] < scores[i]) {
      top[at] = top[at - 1];
      at -= 1;
      top[at] = i;
    }
  }
  return top;
}

function buildGraph(weights: RecommenderWeights): Uint8Array {
  const { size, dim } = weights;
  const g = new GraphBuilder(NAME);
  const items = g.input('items', 'int64', ['batch', 'history']);
  const ratings = g.input('ratings', 'float32', ['batch', 'history']);
  const mask = g.input('mask', 'float32', ['batch', 'history']);
  const candidates = g.input('candidates', 'float32', ['batch', size]);

  const embeddings = g.floats('item_embeddings', [size, dim], weights.embeddings);
  const prior = g.floats('item_prior', [size], weights.prior);
  const center = g.floats('rating_center', [], [RATING_CENTER]);
  const one = g.floats('one', [], [1]);
  const half = g.floats('half', [], [0.5]);
  const masked = g.floats('masked_score', [], [MASKED_SCORE]);
  const historyAxis = g.int64s('history_axis', [1], [1]);
  const k = g.int64s('k', [1], [TOP_K]);

  // User vector: the mean over real entries of (rating − center)·E[item]; padding has mask 0.
  const vectors = g.op('Gather', [embeddings, items], { axis: 0 }); // [batch, history, dim]
  const weightsPerEntry = g.op('Mul', [g.op('Sub', [ratings, center]), mask]); // [batch, history]
  const count = g.op('Max', [g.op('ReduceSum', [mask, historyAxis], { keepdims: 1 }), one]); // [batch, 1]
  const normalised = g.op('Unsqueeze', [g.op('Div', [weightsPerEntry, count]), historyAxis]); // [batch, 1, history]
  const user = g.op('Squeeze', [g.op('MatMul', [normalised, vectors]), historyAxis]); // [batch, dim]
  const scores = g.op('Gemm', [user, embeddings, prior], { transB: 1 }); // [batch, size]

  // Excluded: anything rated (scatter the mask onto the catalog; padding adds 0 at row 0) or not a candidate.
  const zeros = g.op('ConstantOfShape', [g.op('Shape', [candidates])], {
    value: { tensor: { type: 'float32', dims: [1], data: new Float32Array([0]) } },
  });
  const rated = g.op('ScatterElements', [zeros, items, mask], { axis: 1, reduction: 'add' }); // [batch, size]
  const excluded = g.op('Or', [g.op('Greater', [rated, half]), g.op('Less', [candidates, half])]);
  const allowedScores = g.op('Where', [excluded, masked, scores]);
  g.node('TopK', [allowedScores, k], ['scores', 'indices'], { axis: -1, largest: 1, sorted: 1 });
  g.output('indices', 'int64', ['batch', TOP_K]);
  g.output('scores', 'float32', ['batch', TOP_K]);
  return g.encode({
    docString: `Movie recommender: user = mean of (rating - ${RATING_CENTER}) * E[item] over the history; scores = user . E^T + prior; rated and non-candidate movies masked; top ${TOP_K}`,
  });
}

/** Runs every held-out user through the built graph with onnxruntime and returns its hit rate at EVAL_N. */
async function onnxHitRateCheck(
  onnx: Uint8Array,
  size: number,
  histories: Map<number, Rating[]>,
  held: Map<number, Rating[]>,
): Promise<number> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const users = [...held.keys()].filter((u) => held.get(u)!.some((r) => r.rating >= LIKED));
    let hits = 0;
    for (let start = 0; start < users.length; start += 64) {
      const batch = users.slice(start, start + 64);
      const width = Math.max(...batch.map((u) => histories.get(u)?.length ?? 0));
      const items = new BigInt64Array(batch.length * width);
      const ratings = new Float32Array(batch.length * width);
      const mask = new Float32Array(batch.length * width);
      batch.forEach((u, row) => {
        (histories.get(u) ?? []).forEach((r, j) => {
          items[row * width + j] = BigInt(r.item);
          ratings[row * width + j] = r.rating;
          mask[row * width + j] = 1;
        });
      });
      const result = await session.run({
        items: new ort.Tensor('int64', items, [batch.length, width]),
        ratings: new ort.Tensor('float32', ratings, [batch.length, width]),
        mask: new ort.Tensor('float32', mask, [batch.length, width]),
        candidates: new ort.Tensor('float32', new Float32Array(batch.length * size).fill(1), [batch.length, size]),
      });
      const indices = result.indices.data as BigInt64Array;
      batch.forEach((u, row) => {
        const liked = new Set(
          held
            .get(u)!
            .filter((r) => r.rating >= LIKED)
            .map((r) => r.item),
        );
        const top = Array.from(indices.subarray(row * TOP_K, row * TOP_K + EVAL_N), Number);
        if (top.some((i) => liked.has(i))) hits += 1;
      });
    }
    return hits / users.length;
  } finally {
    await session.release();
  }
}
