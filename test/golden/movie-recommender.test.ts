/**
 * Golden test for the bundled `movie-recommender`: onnxruntime's top-K on a padded batch of histories of
 * different lengths equals a plain TypeScript computation from the weights stored in the ONNX file, and the
 * recommendations behave: a Horror fan gets Horror, rated movies never come back, the genre filter holds,
 * and padding changes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInitializers } from '../../scripts/lib/onnx-graph.js';
import { Random } from '../../scripts/lib/random.js';
import type { ModelManifest } from '../../src/models/manifest.js';
import type { ItemFeeds, ItemOutputs } from '../../src/runtime/tensor.js';
import { loadMovieCatalog, type MovieCatalog } from '../../src/tasks/recommend/catalog.js';
import {
  decodeRecommendations,
  encodeRecommendationRequest,
  isMaskedScore,
  maxLimit,
  type RecommendationRequest,
} from '../../src/tasks/recommend/recommend-codec.js';
import { parseManifest } from '../../src/tasks/registry.js';

const MODEL_DIR = join(import.meta.dirname, '..', '..', 'models', 'movie-recommender');

let manifest: ModelManifest;
let catalog: MovieCatalog;
let session: ort.InferenceSession;
let weights: ReturnType<typeof readInitializers>;

beforeAll(async () => {
  const parsed = parseManifest(JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8')));
  if (!parsed.ok) throw new Error(`models/movie-recommender/model.json is invalid at ${parsed.field}: ${parsed.message}`);
  manifest = parsed.manifest;
  catalog = loadMovieCatalog(join(MODEL_DIR, manifest.files.catalog));
  // A plain Uint8Array copy, so readInitializers' typed-array views are aligned.
  const bytes = new Uint8Array(readFileSync(join(MODEL_DIR, '1', 'model.onnx')));
  weights = readInitializers(bytes);
  session = await ort.InferenceSession.create(bytes);
});

afterAll(async () => {
  await session?.release();
});

interface RowResult {
  indices: number[];
  scores: number[];
  outputs: ItemOutputs;
}

/** Pads items to `width` history entries (at least the longest) with index 0, rating 0, mask 0, and runs them as one batch. */
async function runPadded(items: readonly ItemFeeds[], width = Math.max(...items.map((item) => item.items.dims[0]))): Promise<RowResult[]> {
  const rows = items.length;
  const size = catalog.size;
  const ids = new BigInt64Array(rows * width);
  const ratings = new Float32Array(rows * width);
  const mask = new Float32Array(rows * width);
  const candidates = new Float32Array(rows * size);
  items.forEach((item, row) => {
    ids.set(item.items.data as BigInt64Array, row * width);
    ratings.set(item.ratings.data as Float32Array, row * width);
    mask.set(item.mask.data as Float32Array, row * width);
    candidates.set(item.candidates.data as Float32Array, row * size);
  });
  const result = await session.run({
    items: new ort.Tensor('int64', ids, [rows, width]),
    ratings: new ort.Tensor('float32', ratings, [rows, width]),
    mask: new ort.Tensor('float32', mask, [rows, width]),
    candidates: new ort.Tensor('float32', candidates, [rows, size]),
  });
  const k = result.indices.dims[1];
  return items.map((_, row) => {
    const indices = (result.indices.data as BigInt64Array).slice(row * k, (row + 1) * k);
    const scores = (result.scores.data as Float32Array).slice(row * k, (row + 1) * k);
    return {
      indices: Array.from(indices, Number),
      scores: Array.from(scores),
      outputs: { indices: { type: 'int64', dims: [k], data: indices }, scores: { type: 'float32', dims: [k], data: scores } },
    };
  });
}

function encode(request: RecommendationRequest): ItemFeeds {
  return encodeRecommendationRequest(manifest, catalog, request);
}

/**
 * The graph's math written out independently from the stored weights: user = mean over the history of
 * (rating − center)·E[item]; scores = user·Eᵀ + prior; rated and non-candidate movies get the masked
 * score; the K best, ties to the lower index.
 */
function expectedTopK(item: ItemFeeds, k: number): { indices: number[]; scores: number[] } {
  const embeddings = weights.get('item_embeddings')!;
  const [size, dim] = embeddings.dims;
  const prior = weights.get('item_prior')!.data as Float32Array;
  const center = Number(weights.get('rating_center')!.data[0]);
  const maskedScore = Number(weights.get('masked_score')!.data[0]);
  const ids = Array.from(item.items.data as BigInt64Array, Number);
  const ratings = item.ratings.data as Float32Array;
  const candidates = item.candidates.data as Float32Array;

  const user = new Array<number>(dim).fill(0);
  ids.forEach((id, j) => {
    for (let d = 0; d < dim; d += 1) user[d] += ((ratings[j] - center) / ids.length) * Number(embeddings.data[id * dim + d]);
  });
  const rated = new Set(ids);
  const scores = Array.from({ length: size }, (_, i) => {
    if (rated.has(i) || candidates[i] === 0) return maskedScore;
    let s = prior[i];
    for (let d = 0; d < dim; d += 1) s += user[d] * Number(embeddings.data[i * dim + d]);
    return s;
  });
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  return { indices: order.slice(0, k), scores: order.slice(0, k).map((i) => scores[i]) };
}

/** A random history of `length` distinct movies with half-star ratings, reproducible by seed. */
function randomHistory(seed: number, length: number): RecommendationRequest['history'] {
  const random = new Random(seed);
  const rows = random.shuffle(Array.from({ length: catalog.size }, (_, i) => i)).slice(0, length);
  return rows.map((row) => ({ movieId: catalog.movieAt(row).id, rating: 0.5 + random.int(10) / 2 }));
}

function moviesOfGenre(genre: string): string[] {
  const ids: string[] = [];
  for (let i = 0; i < catalog.size; i += 1) if (catalog.movieAt(i).genres.includes(genre)) ids.push(catalog.movieAt(i).id);
  return ids;
}

describe('movie-recommender bundle', () => {
  it('has the catalog the graph expects: one row per candidate column, K = 50', () => {
    expect(catalog.size).toBe(600);
    expect(weights.get('item_embeddings')!.dims[0]).toBe(catalog.size);
    expect(manifest.inputs.find((i) => i.role === 'candidates')!.shape).toEqual(['batch', catalog.size]);
    expect(maxLimit(manifest)).toBe(50);
    expect(catalog.genres()).toHaveLength(18);
    expect(manifest.description).toMatch(/synthetic/i);
  });
});

describe('movie-recommender golden', () => {
  let requests: RecommendationRequest[];
  beforeAll(() => {
    requests = [
      { history: randomHistory(11, 1) },
      { history: randomHistory(12, 4), genres: ['Comedy', 'drama'] },
      { history: randomHistory(13, 9) },
      { history: randomHistory(14, 25), genres: ['Western'] },
      { history: randomHistory(15, 70) },
    ];
  });

  it('matches an independent TypeScript computation on a padded batch of different history lengths', async () => {
    const items = requests.map(encode);
    expect(new Set(items.map((item) => item.items.dims[0])).size).toBe(requests.length);
    const rows = await runPadded(items);
    rows.forEach((row, r) => {
      const expected = expectedTopK(items[r], row.indices.length);
      row.scores.forEach((score, k) => {
        expect(score).toBeCloseTo(expected.scores[k], 4);
        // Masked entries tie, so which masked movie fills a slot is not part of the contract.
        if (isMaskedScore(score)) return;
        // Same movie, unless two movies' scores tie within float32 rounding.
        if (row.indices[k] !== expected.indices[k]) {
          expect(Math.abs(expected.scores[k] - score)).toBeLessThan(1e-4);
          expect(expected.indices).toContain(row.indices[k]);
        }
      });
    });
  });

  it('never recommends a movie already rated', async () => {
    const items = requests.map(encode);
    const rows = await runPadded(items);
    rows.forEach((row, r) => {
      const rated = new Set(requests[r].history.map((h) => h.movieId));
      const returned = decodeRecommendations(manifest, catalog, row.outputs, 50);
      expect(returned.length).toBeGreaterThan(0);
      for (const { movie } of returned) expect(rated.has(movie.id)).toBe(false);
    });
  });

  it('honours the genre filter, returning fewer than the limit when few movies qualify', async () => {
    const westerns = moviesOfGenre('Western');
    const rated = westerns.slice(0, 3);
    const request = { history: rated.map((movieId) => ({ movieId, rating: 4 })), genres: ['western'] };
    const [row] = await runPadded([encode(request)]);
    const returned = decodeRecommendations(manifest, catalog, row.outputs, 50);
    expect(westerns.length - rated.length).toBeLessThan(50);
    expect(returned).toHaveLength(westerns.length - rated.length);
    for (const { movie } of returned) expect(movie.genres).toContain('Western');

    const both = await runPadded([encode({ history: request.history, genres: ['Horror', 'Musical'] })]);
    const mixed = decodeRecommendations(manifest, catalog, both[0].outputs, 50);
    expect(mixed).toHaveLength(50);
    for (const { movie } of mixed) expect(movie.genres.some((g) => g === 'Horror' || g === 'Musical')).toBe(true);
  });

  it('gives a fan of five 5-star Horror movies mostly Horror', async () => {
    const horror = moviesOfGenre('Horror');
    const fan = { history: horror.slice(0, 5).map((movieId) => ({ movieId, rating: 5 })) };
    const hater = { history: horror.slice(0, 5).map((movieId) => ({ movieId, rating: 0.5 })) };
    const [fanRow, haterRow] = await runPadded([encode(fan), encode(hater)]);
    const horrorShare = (row: RowResult) =>
      decodeRecommendations(manifest, catalog, row.outputs, 10).filter(({ movie }) => movie.genres.includes('Horror')).length / 10;
    // About one movie in eleven is tagged Horror; the fan's top ten are mostly Horror, the hater's almost none.
    expect(horror.length / catalog.size).toBeLessThan(0.1);
    expect(horrorShare(fanRow)).toBeGreaterThan(0.5);
    expect(horrorShare(haterRow)).toBeLessThanOrEqual(0.1);
  });

  it('masks catalog row 0 only when it is rated, not because padding points at it', async () => {
    const onlyRowZero = (item: ItemFeeds): ItemFeeds => {
      const candidates = new Float32Array(catalog.size);
      candidates[0] = 1;
      return { ...item, candidates: { type: 'float32', dims: [catalog.size], data: candidates } };
    };
    const first = catalog.movieAt(0).id;
    const unrated = onlyRowZero(encode({ history: [{ movieId: catalog.movieAt(7).id, rating: 4 }] }));
    const rated = onlyRowZero(
      encode({
        history: [
          { movieId: catalog.movieAt(7).id, rating: 4 },
          { movieId: first, rating: 2 },
        ],
      }),
    );
    const [unratedRow, ratedRow] = await runPadded([unrated, rated], 40);
    expect(unratedRow.indices[0]).toBe(0);
    expect(isMaskedScore(unratedRow.scores[0])).toBe(false);
    expect(unratedRow.scores[0]).toBeCloseTo(expectedTopK(unrated, 1).scores[0], 4);
    expect(unratedRow.scores.slice(1).every(isMaskedScore)).toBe(true);
    expect(ratedRow.scores.every(isMaskedScore)).toBe(true);
    expect(decodeRecommendations(manifest, catalog, ratedRow.outputs, 10)).toEqual([]);
  });

  it('gives the same answer whatever the padding and the other rows of the batch', async () => {
    const items = requests.map(encode);
    const alone = await Promise.all(items.map(async (item) => (await runPadded([item]))[0]));
    const padded = await runPadded(items, 120);
    const reversed = (await runPadded([...items].reverse(), 90)).reverse();
    for (const batch of [padded, reversed]) {
      batch.forEach((row, r) => {
        expect(row.indices).toEqual(alone[r].indices);
        row.scores.forEach((score, k) => {
          expect(score).toBeCloseTo(alone[r].scores[k], 5);
        });
      });
    }
  });
});
