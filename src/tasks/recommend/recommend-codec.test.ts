import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ModelManifest, ModelManifestInput } from '../../models/manifest.js';
import { type ItemOutputs, stackItems } from '../../runtime/tensor.js';
import { parseManifest } from '../registry.js';
import { MovieCatalog } from './catalog.js';
import {
  decodeRecommendations,
  encodeRecommendationRequest,
  isMaskedScore,
  MASKED_SCORE,
  MAX_HISTORY,
  maxLimit,
  type RecommendationRequest,
} from './recommend-codec.js';

const catalog = new MovieCatalog(
  {
    movies: [
      { id: 'm1', title: 'Night Ritual', year: 1980, genres: ['Horror'] },
      { id: 'm2', title: 'Stellar Colony', year: 2015, genres: ['Sci-Fi', 'Thriller'] },
      { id: 'm3', title: 'Lucky Weekend', year: 1999, genres: ['Comedy'] },
      { id: 'm4', title: 'The Cold Alibi', year: 2004, genres: ['Crime', 'Thriller'] },
      { id: 'm5', title: 'Sweet Proposal', year: null, genres: ['Romance', 'Comedy'] },
    ],
  },
  'test catalog',
);

const INPUTS: ModelManifestInput['inputs'] = [
  { name: 'item_rows', type: 'int64', shape: ['batch', 'history'], role: 'items' },
  { name: 'stars', type: 'float32', shape: ['batch', 'history'], role: 'ratings' },
  { name: 'real', type: 'float32', shape: ['batch', 'history'], role: 'mask' },
  { name: 'allowed', type: 'float32', shape: ['batch', 5], role: 'candidates' },
];

function manifest(overrides: Partial<ModelManifestInput> = {}): ModelManifest {
  const parsed = parseManifest({
    task: 'recommendation',
    description: 'test',
    inputs: INPUTS,
    outputs: [
      { name: 'top_rows', kind: 'indices', shape: ['batch', 3], role: 'indices' },
      { name: 'top_scores', kind: 'scores', shape: ['batch', 3], role: 'scores' },
    ],
    files: { catalog: 'movies.json' },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(`test manifest invalid at ${parsed.field}: ${parsed.message}`);
  return parsed.manifest;
}

/** The thrown GatewayError, for asserting on its code, path and exact message. */
function badInputOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) {
      expect(error.code).toBe('BAD_USER_INPUT');
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayError, but nothing was thrown');
}

function encode(request: RecommendationRequest, m = manifest()) {
  return encodeRecommendationRequest(m, catalog, request);
}

describe('encodeRecommendationRequest', () => {
  it('encodes rows, ratings, mask and candidates under the input names given by role, without a batch dimension', () => {
    const feeds = encode({
      history: [
        { movieId: 'm4', rating: 4.5 },
        { movieId: 'm1', rating: 1 },
      ],
    });
    expect(Object.keys(feeds).sort()).toEqual(['allowed', 'item_rows', 'real', 'stars']);
    expect(feeds.item_rows).toEqual({ type: 'int64', dims: [2], data: BigInt64Array.from([3n, 0n]) });
    expect(feeds.stars).toEqual({ type: 'float32', dims: [2], data: Float32Array.from([4.5, 1]) });
    expect(feeds.real).toEqual({ type: 'float32', dims: [2], data: Float32Array.from([1, 1]) });
    expect(feeds.allowed).toEqual({ type: 'float32', dims: [5], data: Float32Array.from([1, 1, 1, 1, 1]) });
  });

  it('marks as candidates only movies with one of the requested genres, matched case-insensitively', () => {
    const history = [{ movieId: 'm1', rating: 5 }];
    expect(encode({ history, genres: ['thriller'] }).allowed.data).toEqual(Float32Array.from([0, 1, 0, 1, 0]));
    expect(encode({ history, genres: ['COMEDY', 'Horror'] }).allowed.data).toEqual(Float32Array.from([1, 0, 1, 0, 1]));
  });

  it('treats absent, null and empty genres as no filter', () => {
    const history = [{ movieId: 'm1', rating: 5 }];
    for (const genres of [undefined, null, []]) {
      expect(encode({ history, genres }).allowed.data).toEqual(Float32Array.from([1, 1, 1, 1, 1]));
    }
  });

  it('writes int32 rows when the manifest asks, and leaves out mask and candidates when the model has none', () => {
    const lean = manifest({
      inputs: [
        { name: 'item_rows', type: 'int32', shape: ['batch', 'history'], role: 'items' },
        { name: 'stars', type: 'float32', shape: ['batch', 'history'], role: 'ratings' },
      ],
    });
    const feeds = encode({ history: [{ movieId: 'm2', rating: 3 }] }, lean);
    expect(Object.keys(feeds).sort()).toEqual(['item_rows', 'stars']);
    expect(feeds.item_rows).toEqual({ type: 'int32', dims: [1], data: Int32Array.from([1]) });
    const error = badInputOf(() => encode({ history: [{ movieId: 'm2', rating: 3 }], genres: ['Comedy'] }, lean));
    expect(error.message).toBe('genres: must be omitted: this model has no candidates input to filter by genre');
  });

  it('is padded by the runtime with row 0, rating 0 and mask 0, which the graph ignores', () => {
    const m = manifest();
    const short = encode({ history: [{ movieId: 'm3', rating: 2 }] }, m);
    const long = encode(
      {
        history: [
          { movieId: 'm5', rating: 4 },
          { movieId: 'm2', rating: 3.5 },
          { movieId: 'm4', rating: 0.5 },
        ],
      },
      m,
    );
    const batch = stackItems(
      m.inputs.map((i) => i.name),
      [short, long],
    );
    expect(batch.item_rows.dims).toEqual([2, 3]);
    expect(batch.item_rows.data).toEqual(BigInt64Array.from([2n, 0n, 0n, 4n, 1n, 3n]));
    expect(batch.stars.data).toEqual(Float32Array.from([2, 0, 0, 4, 3.5, 0.5]));
    expect(batch.real.data).toEqual(Float32Array.from([1, 0, 0, 1, 1, 1]));
    expect(batch.allowed.dims).toEqual([2, 5]);
  });

  describe('rejects bad input with BAD_USER_INPUT and the exact path', () => {
    const ok = { movieId: 'm1', rating: 4 };
    const cases: [string, RecommendationRequest, string, string][] = [
      ['an empty history', { history: [] }, 'history', 'history: must hold at least one rating'],
      [
        'a too long history',
        { history: Array.from({ length: MAX_HISTORY + 1 }, () => ok) },
        'history',
        `history: must hold at most ${MAX_HISTORY} ratings, but got ${MAX_HISTORY + 1}`,
      ],
      [
        'an unknown movie',
        { history: [ok, { movieId: 'm2', rating: 3 }, { movieId: 'm3', rating: 3 }, { movieId: 'x', rating: 3 }] },
        'history[3].movieId',
        'history[3].movieId: must be a movie in the catalog, but got "x"',
      ],
      [
        'a repeated movie',
        { history: [{ movieId: 'm2', rating: 3 }, ok, { movieId: 'm2', rating: 5 }] },
        'history[2].movieId',
        'history[2].movieId: must not repeat the movie rated at history[0], but got "m2"',
      ],
      [
        'a rating above 5',
        { history: [ok, { movieId: 'm2', rating: 7 }] },
        'history[1].rating',
        'history[1].rating: must be between 0.5 and 5, but got 7',
      ],
      [
        'a rating below 0.5',
        { history: [{ movieId: 'm2', rating: 0.25 }] },
        'history[0].rating',
        'history[0].rating: must be between 0.5 and 5, but got 0.25',
      ],
      [
        'a NaN rating',
        { history: [{ movieId: 'm2', rating: Number.NaN }] },
        'history[0].rating',
        'history[0].rating: must be between 0.5 and 5, but got NaN',
      ],
      [
        'an infinite rating',
        { history: [{ movieId: 'm2', rating: Number.POSITIVE_INFINITY }] },
        'history[0].rating',
        'history[0].rating: must be between 0.5 and 5, but got Infinity',
      ],
      [
        'an unknown genre',
        { history: [ok], genres: ['Comedy', 'Foo'] },
        'genres[1]',
        'genres[1]: must be one of Comedy, Crime, Horror, Romance, Sci-Fi, Thriller, but got "Foo"',
      ],
    ];
    it.each(cases)('%s', (_, request, path, message) => {
      const error = badInputOf(() => encode(request));
      expect(error.details).toEqual({ path });
      expect(error.message).toBe(message);
    });
  });

  it('refuses a manifest whose candidates width does not match the catalog (a deployment error, not user input)', () => {
    const wide = manifest({
      inputs: [...INPUTS.slice(0, 3), { name: 'allowed', type: 'float32', shape: ['batch', 6], role: 'candidates' }],
    });
    expect(() => encode({ history: [{ movieId: 'm1', rating: 4 }] }, wide)).toThrow(
      'the model input "allowed" (role candidates) must have shape [batch, 5] to match the catalog, but the manifest says ["batch",6]',
    );
  });
});

describe('decodeRecommendations', () => {
  function outputs(rows: number[], scores: number[]): ItemOutputs {
    return {
      top_rows: { type: 'int64', dims: [rows.length], data: BigInt64Array.from(rows, (r) => BigInt(r)) },
      top_scores: { type: 'float32', dims: [scores.length], data: Float32Array.from(scores) },
    };
  }

  it('returns the first `limit` movies with their scores, best first', () => {
    const result = decodeRecommendations(manifest(), catalog, outputs([4, 1, 2], [2.5, 1.25, -0.5]), 2);
    expect(result).toEqual([
      { movie: catalog.byId('m5'), score: 2.5 },
      { movie: catalog.byId('m2'), score: 1.25 },
    ]);
  });

  it('drops masked entries, so fewer than `limit` may come back', () => {
    const result = decodeRecommendations(manifest(), catalog, outputs([3, 0, 1], [0.75, MASKED_SCORE, MASKED_SCORE]), 3);
    expect(result).toEqual([{ movie: catalog.byId('m4'), score: 0.75 }]);
    expect(decodeRecommendations(manifest(), catalog, outputs([0, 1, 2], [MASKED_SCORE, MASKED_SCORE, MASKED_SCORE]), 3)).toEqual([]);
  });

  it('knows a masked score, and that ordinary negative scores are not masked', () => {
    expect(isMaskedScore(MASKED_SCORE)).toBe(true);
    expect(isMaskedScore(Number.NaN)).toBe(true);
    expect(isMaskedScore(-1000)).toBe(false);
  });

  it('validates limit against K from the manifest', () => {
    expect(maxLimit(manifest())).toBe(3);
    for (const [limit, shown] of [
      [0, '0'],
      [4, '4'],
      [1.5, '1.5'],
    ] as const) {
      const error = badInputOf(() => decodeRecommendations(manifest(), catalog, outputs([0, 1, 2], [3, 2, 1]), limit));
      expect(error.details).toEqual({ path: 'limit' });
      expect(error.message).toBe(`limit: must be between 1 and 3, but got ${shown}`);
    }
  });

  it('refuses a manifest without a fixed K, and outputs that do not fit the catalog', () => {
    const dynamic = manifest({
      outputs: [
        { name: 'top_rows', kind: 'indices', shape: ['batch', 'k'], role: 'indices' },
        { name: 'top_scores', kind: 'scores', role: 'scores' },
      ],
    });
    expect(() => maxLimit(dynamic)).toThrow(
      'the model output "top_rows" (role indices) must declare a fixed shape [batch, K], but the manifest says ["batch","k"]',
    );
    expect(() => decodeRecommendations(manifest(), catalog, outputs([0, 9, 2], [3, 2, 1]), 3)).toThrow(
      'catalog row must be an integer in 0..4, but got 9',
    );
    expect(() => decodeRecommendations(manifest(), catalog, { top_rows: outputs([0], [1]).top_rows }, 1)).toThrow(
      'the model\'s outputs lack "top_scores"; got top_rows',
    );
  });
});
