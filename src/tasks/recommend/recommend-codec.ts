/**
 * The recommendation task's plain code: validates a user's rating history (and an optional genre filter)
 * and encodes it as one item's ONNX feeds by the manifest's input roles (`items`, `ratings`, `mask`,
 * `candidates`); decodes one item's top-K outputs (roles `indices`, `scores`) into movies with scores.
 * The graph does the math (user vector, scores, masking of rated and filtered-out movies, top-K).
 */
import { badInput } from '../../errors/gateway-error.js';
import { inputByRole, type ModelManifest, type OutputSpec, outputByRole, type TensorSpec } from '../../models/manifest.js';
import type { HostTensor, ItemFeeds, ItemOutputs } from '../../runtime/tensor.js';
import type { Movie, MovieCatalog } from './catalog.js';

export const MAX_HISTORY = 500;
export const MIN_RATING = 0.5;
export const MAX_RATING = 5;
/**
 * The score the graph gives movies that may not be recommended (already rated, or not among the
 * candidates); such entries can fill the top K when the filter leaves fewer than K movies.
 */
export const MASKED_SCORE = -1e9;

export interface MovieRatingInput {
  readonly movieId: string;
  readonly rating: number;
}

export interface RecommendationRequest {
  readonly history: readonly MovieRatingInput[];
  /** Only recommend movies with at least one of these genres (case-insensitive); absent or empty: any. */
  readonly genres?: readonly string[] | null;
}

export interface ScoredMovie {
  readonly movie: Movie;
  readonly score: number;
}

/** Validates a request (errors name the argument path) and encodes it as one item's feeds, without a batch dimension. */
export function encodeRecommendationRequest(manifest: ModelManifest, catalog: MovieCatalog, request: RecommendationRequest): ItemFeeds {
  const itemsSpec = requireInput(manifest, 'items');
  const ratingsSpec = requireInput(manifest, 'ratings');
  const maskSpec = inputByRole(manifest, 'mask');
  const candidatesSpec = inputByRole(manifest, 'candidates');
  for (const spec of [ratingsSpec, maskSpec, candidatesSpec]) {
    if (spec && spec.type !== 'float32')
      throw new Error(`the model input "${spec.name}" (role ${spec.role}) must be float32, but the manifest says ${spec.type}`);
  }

  const rows = validateHistory(catalog, request.history);
  const allowedGenres = validateGenres(catalog, request.genres);
  if (allowedGenres && !candidatesSpec) throw badInput('genres', 'must be omitted: this model has no candidates input to filter by genre');

  const length = rows.length;
  const feeds: ItemFeeds = {
    [itemsSpec.name]: indexTensor(
      itemsSpec,
      rows.map((r) => r.index),
    ),
    [ratingsSpec.name]: { type: 'float32', dims: [length], data: Float32Array.from(rows, (r) => r.rating) },
  };
  if (maskSpec) feeds[maskSpec.name] = { type: 'float32', dims: [length], data: new Float32Array(length).fill(1) };
  if (candidatesSpec) feeds[candidatesSpec.name] = candidatesTensor(candidatesSpec, catalog, allowedGenres);
  return feeds;
}

/**
 * One item's outputs → the first `limit` recommendations, best first. Entries at the masked score are
 * dropped, so fewer than `limit` come back when the genre filter leaves few movies.
 */
export function decodeRecommendations(manifest: ModelManifest, catalog: MovieCatalog, outputs: ItemOutputs, limit: number): ScoredMovie[] {
  const most = maxLimit(manifest);
  if (!Number.isInteger(limit) || limit < 1 || limit > most) throw badInput('limit', `must be between 1 and ${most}`, limit);
  const indices = requireOutput(outputs, requireOutputSpec(manifest, 'indices'));
  const scores = requireOutput(outputs, requireOutputSpec(manifest, 'scores'));
  if (indices.data.length !== scores.data.length) {
    throw new Error(`the model's indices and scores must have the same length, but got ${indices.data.length} and ${scores.data.length}`);
  }
  const results: ScoredMovie[] = [];
  for (let k = 0; k < indices.data.length && results.length < limit; k += 1) {
    const score = Number(scores.data[k]);
    if (isMaskedScore(score)) continue;
    results.push({ movie: catalog.movieAt(Number(indices.data[k])), score });
  }
  return results;
}

/** The most recommendations one call may ask for: K, the fixed second dimension of the `indices` output. */
export function maxLimit(manifest: ModelManifest): number {
  const spec = requireOutputSpec(manifest, 'indices');
  const k = spec.shape?.[1];
  if (spec.shape?.length !== 2 || typeof k !== 'number') {
    throw new Error(
      `the model output "${spec.name}" (role indices) must declare a fixed shape [batch, K], but the manifest says ${JSON.stringify(spec.shape ?? null)}`,
    );
  }
  return k;
}

/** Masked entries carry MASKED_SCORE exactly; anything near it (at or below half) counts as masked too. */
export function isMaskedScore(score: number): boolean {
  return !(score > MASKED_SCORE / 2);
}

interface HistoryRow {
  index: number;
  rating: number;
}

function validateHistory(catalog: MovieCatalog, history: readonly MovieRatingInput[]): HistoryRow[] {
  if (!Array.isArray(history)) throw badInput('history', 'must be a list of ratings', history);
  if (history.length === 0) throw badInput('history', 'must hold at least one rating');
  if (history.length > MAX_HISTORY) throw badInput('history', `must hold at most ${MAX_HISTORY} ratings`, history.length);
  const seenAt = new Map<number, number>();
  return history.map((entry, i) => {
    const movieId: unknown = entry?.movieId;
    const index = typeof movieId === 'string' ? catalog.indexOf(movieId) : undefined;
    if (index === undefined) throw badInput(`history[${i}].movieId`, 'must be a movie in the catalog', movieId);
    const earlier = seenAt.get(index);
    if (earlier !== undefined) throw badInput(`history[${i}].movieId`, `must not repeat the movie rated at history[${earlier}]`, movieId);
    seenAt.set(index, i);
    const rating: unknown = entry.rating;
    if (typeof rating !== 'number' || !Number.isFinite(rating) || rating < MIN_RATING || rating > MAX_RATING) {
      throw badInput(`history[${i}].rating`, `must be between ${MIN_RATING} and ${MAX_RATING}`, rating);
    }
    return { index, rating };
  });
}

// The requested genres, lower-cased, or undefined for "no filter".
function validateGenres(catalog: MovieCatalog, genres: readonly string[] | null | undefined): Set<string> | undefined {
  if (genres === undefined || genres === null) return undefined;
  if (!Array.isArray(genres)) throw badInput('genres', 'must be a list of genre names', genres);
  if (genres.length === 0) return undefined;
  const allowed = new Set<string>();
  genres.forEach((genre, i) => {
    const canonical = typeof genre === 'string' ? catalog.canonicalGenre(genre) : undefined;
    if (canonical === undefined) throw badInput(`genres[${i}]`, `must be one of ${catalog.genres().join(', ')}`, genre);
    allowed.add(canonical.toLowerCase());
  });
  return allowed;
}

function candidatesTensor(spec: TensorSpec, catalog: MovieCatalog, allowedGenres: Set<string> | undefined): HostTensor {
  const width = spec.shape[1];
  if (spec.shape.length !== 2 || (typeof width === 'number' && width !== catalog.size)) {
    throw new Error(
      `the model input "${spec.name}" (role candidates) must have shape [batch, ${catalog.size}] to match the catalog, but the manifest says ${JSON.stringify(spec.shape)}`,
    );
  }
  const data = new Float32Array(catalog.size);
  for (let i = 0; i < catalog.size; i += 1) {
    data[i] = !allowedGenres || catalog.movieAt(i).genres.some((g) => allowedGenres.has(g.toLowerCase())) ? 1 : 0;
  }
  return { type: 'float32', dims: [catalog.size], data };
}

function indexTensor(spec: TensorSpec, indices: number[]): HostTensor {
  switch (spec.type) {
    case 'int64':
      return { type: 'int64', dims: [indices.length], data: BigInt64Array.from(indices, (i) => BigInt(i)) };
    case 'int32':
      return { type: 'int32', dims: [indices.length], data: Int32Array.from(indices) };
    default:
      throw new Error(`the model input "${spec.name}" (role items) must be int64 or int32, but the manifest says ${spec.type}`);
  }
}

function requireInput(manifest: ModelManifest, role: string): TensorSpec {
  const spec = inputByRole(manifest, role);
  if (!spec) throw new Error(`the model manifest must have an input with role "${role}" for recommendation`);
  return spec;
}

function requireOutputSpec(manifest: ModelManifest, role: string): OutputSpec {
  const spec = outputByRole(manifest, role);
  if (!spec) throw new Error(`the model manifest must have an output with role "${role}" for recommendation`);
  return spec;
}

function requireOutput(outputs: ItemOutputs, spec: OutputSpec): HostTensor {
  const tensor = outputs[spec.name];
  if (!tensor) throw new Error(`the model's outputs lack "${spec.name}"; got ${Object.keys(outputs).join(', ') || 'none'}`);
  return tensor;
}
