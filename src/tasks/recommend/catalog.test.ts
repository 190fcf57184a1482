import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { loadMovieCatalog, MovieCatalog } from './catalog.js';

const MOVIES = [
  { id: 'm1', title: 'The Haunted Cellar', year: 1985, genres: ['Horror'] },
  { id: 'm2', title: 'Stellar Galaxy', year: 2019, genres: ['Sci-Fi', 'Action'] },
  { id: 'm3', title: 'cellar door', year: null, genres: ['Drama', 'Horror'] },
  { id: 'm4', title: 'A Kiss in Paris', year: 1962, genres: ['Romance', 'Comedy'] },
  { id: 'm5', title: 'Galaxy of the River', year: 2001, genres: ['Sci-Fi'] },
  { id: 'm0', title: 'Stellar Galaxy', year: 1977, genres: ['sci-fi'] },
];

const catalog = new MovieCatalog({ movies: MOVIES }, 'test.json');

const dir = mkdtempSync(join(tmpdir(), 'movie-catalog-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, contents: string): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** The thrown error, for asserting on its class, code and exact message. */
function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

describe('MovieCatalog lookups', () => {
  it('maps ids to rows and rows to movies, in file order', () => {
    expect(catalog.size).toBe(6);
    expect(catalog.indexOf('m3')).toBe(2);
    expect(catalog.indexOf('m0')).toBe(5);
    expect(catalog.indexOf('nope')).toBeUndefined();
    expect(catalog.movieAt(1)).toEqual({ id: 'm2', title: 'Stellar Galaxy', year: 2019, genres: ['Sci-Fi', 'Action'] });
    expect(catalog.byId('m3')?.year).toBeNull();
    expect(catalog.byId('nope')).toBeUndefined();
  });

  it('refuses rows outside the catalog', () => {
    expect(() => catalog.movieAt(6)).toThrow('catalog row must be an integer in 0..5, but got 6');
    expect(() => catalog.movieAt(-1)).toThrow(RangeError);
    expect(() => catalog.movieAt(1.5)).toThrow(RangeError);
  });

  it('lists distinct genres sorted, keeping the first spelling of each', () => {
    expect(catalog.genres()).toEqual(['Action', 'Comedy', 'Drama', 'Horror', 'Romance', 'Sci-Fi']);
    expect(catalog.canonicalGenre('SCI-FI')).toBe('Sci-Fi');
    expect(catalog.canonicalGenre('Western')).toBeUndefined();
  });
});

describe('MovieCatalog.search', () => {
  it('orders by title (code-unit order), then id', () => {
    expect(catalog.search({ limit: 100 }).map((m) => m.id)).toEqual(['m4', 'm5', 'm0', 'm2', 'm1', 'm3']);
  });

  it('matches a case-insensitive title substring', () => {
    expect(catalog.search({ search: 'CELLAR', limit: 10 }).map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(catalog.search({ search: 'galaxy', limit: 10 }).map((m) => m.id)).toEqual(['m5', 'm0', 'm2']);
    expect(catalog.search({ search: 'no such title', limit: 10 })).toEqual([]);
  });

  it('filters by genre case-insensitively, also on movies that spell it differently', () => {
    expect(catalog.search({ genre: 'horror', limit: 10 }).map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(catalog.search({ genre: 'Sci-Fi', limit: 10 }).map((m) => m.id)).toEqual(['m5', 'm0', 'm2']);
    expect(catalog.search({ search: 'cellar', genre: 'DRAMA', limit: 10 }).map((m) => m.id)).toEqual(['m3']);
  });

  it('stops at the limit', () => {
    expect(catalog.search({ limit: 2 }).map((m) => m.id)).toEqual(['m4', 'm5']);
    expect(catalog.search({ search: 'galaxy', limit: 1 }).map((m) => m.id)).toEqual(['m5']);
  });

  it('rejects a limit outside 1..100 with BAD_USER_INPUT', () => {
    for (const [limit, shown] of [
      [0, '0'],
      [101, '101'],
      [2.5, '2.5'],
      [Number.NaN, 'NaN'],
    ] as const) {
      const error = errorOf(() => catalog.search({ limit }));
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
      expect((error as GatewayError).details).toEqual({ path: 'limit' });
      expect(error.message).toBe(`limit: must be between 1 and 100, but got ${shown}`);
    }
  });

  it('rejects an unknown genre, listing the known ones', () => {
    const error = errorOf(() => catalog.search({ genre: 'Foo', limit: 5 }));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.message).toBe('genre: must be one of Action, Comedy, Drama, Horror, Romance, Sci-Fi, but got "Foo"');
  });
});

describe('MovieCatalog.page (cursor pagination)', () => {
  it('pages through every match in title order, without repeats or gaps', () => {
    const ids: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = catalog.page({ first: 4, after });
      pages += 1;
      expect(page.totalCount).toBe(6);
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.hasNextPage) break;
      after = page.edges.at(-1)!.cursor;
    }
    expect(pages).toBe(2);
    expect(ids).toEqual(catalog.search({ limit: 100 }).map((movie) => movie.id));
  });

  it('continues after any edge cursor, and filters like search', () => {
    const all = catalog.page({ first: 6 });
    const rest = catalog.page({ first: 6, after: all.edges[1].cursor });
    expect(rest.edges.map((edge) => edge.node.id)).toEqual(all.edges.slice(2).map((edge) => edge.node.id));
    expect(rest.hasNextPage).toBe(false);
    const sciFi = catalog.page({ first: 1, genre: 'SCI-FI' });
    expect(sciFi.totalCount).toBe(3);
    expect(sciFi.hasNextPage).toBe(true);
  });

  it('answers an empty last page after the last movie', () => {
    const all = catalog.page({ first: 6 });
    const after = catalog.page({ first: 6, after: all.edges.at(-1)!.cursor });
    expect(after).toEqual({ edges: [], hasNextPage: false, totalCount: 6 });
  });

  it('rejects a forged, foreign or malformed cursor and a page size outside 1..50 with BAD_USER_INPUT', () => {
    const horrorOnly = catalog.page({ first: 1, genre: 'horror' }).edges[0].cursor;
    for (const after of [
      'nope',
      '',
      Buffer.from('movie:m404').toString('base64url'),
      'x'.repeat(5000),
      catalog.page({ first: 1, genre: 'romance' }).edges[0].cursor,
    ]) {
      let thrown: unknown;
      try {
        catalog.page({ first: 2, after, genre: 'horror' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `after ${after.slice(0, 20)}`).toBeInstanceOf(GatewayError);
      expect((thrown as GatewayError).code).toBe('BAD_USER_INPUT');
      expect((thrown as GatewayError).message.length).toBeLessThan(200);
    }
    expect(catalog.page({ first: 2, after: horrorOnly, genre: 'horror' }).edges).toHaveLength(1);
    expect(() => catalog.page({ first: 0 })).toThrow(/first: must be between 1 and 50, but got 0/);
    expect(() => catalog.page({ first: 51 })).toThrow(/first: must be between 1 and 50, but got 51/);
  });
});

describe('MovieCatalog validation', () => {
  const valid = { id: 'a', title: 'T', year: 2000, genres: ['Drama'] };
  const cases: [string, unknown, string][] = [
    ['a non-object', ['x'], 'catalog f.json: (root): must be a JSON object with a "movies" array, but got an array of 1'],
    ['no movies', {}, 'catalog f.json: movies: must be an array of movies, but got nothing'],
    ['an empty list', { movies: [] }, 'catalog f.json: movies: must be an array of at least one movie, but got an array of 0'],
    [
      'a missing id',
      { movies: [valid, { ...valid, id: undefined }] },
      'catalog f.json: movies[1].id: must be a non-empty string, but got nothing',
    ],
    ['an empty title', { movies: [{ ...valid, title: '' }] }, 'catalog f.json: movies[0].title: must be a non-empty string, but got ""'],
    [
      'a fractional year',
      { movies: [{ ...valid, year: 1999.5 }] },
      'catalog f.json: movies[0].year: must be an integer year or null, but got 1999.5',
    ],
    [
      'a year as text',
      { movies: [{ ...valid, year: '1999' }] },
      'catalog f.json: movies[0].year: must be an integer year or null, but got "1999"',
    ],
    [
      'no genres',
      { movies: [{ ...valid, genres: [] }] },
      'catalog f.json: movies[0].genres: must be an array of at least one genre, but got an array of 0',
    ],
    [
      'a non-string genre',
      { movies: [{ ...valid, genres: ['Drama', 7] }] },
      'catalog f.json: movies[0].genres[1]: must be a non-empty string, but got 7',
    ],
    [
      'a repeated id',
      { movies: [valid, { ...valid, id: 'b' }, valid] },
      'catalog f.json: movies[2].id: must be unique, but "a" is also movies[0].id',
    ],
  ];
  it.each(cases)('names the file and the field for %s', (_, json, message) => {
    expect(() => new MovieCatalog(json, 'f.json')).toThrow(message);
    expect(errorOf(() => new MovieCatalog(json, 'f.json')).message).toBe(message);
  });

  it('ignores fields it does not use', () => {
    const extra = new MovieCatalog({ movies: [{ ...valid, poster: 'x.png' }], version: 2 }, 'f.json');
    expect(extra.movieAt(0)).toEqual(valid);
  });
});

describe('loadMovieCatalog', () => {
  it('reads and validates a file', () => {
    const loaded = loadMovieCatalog(file('ok.json', JSON.stringify({ movies: MOVIES })));
    expect(loaded.size).toBe(6);
    expect(loaded.indexOf('m5')).toBe(4);
  });

  it('names the file when it cannot be read, parsed or validated', () => {
    const missing = join(dir, 'missing.json');
    expect(() => loadMovieCatalog(missing)).toThrow(`catalog ${missing}: cannot be read`);
    const broken = file('broken.json', '{"movies": [');
    expect(() => loadMovieCatalog(broken)).toThrow(`catalog ${broken}: must be valid JSON`);
    const invalid = file('invalid.json', JSON.stringify({ movies: [{ id: 'a', title: 'T', year: 2000, genres: 'Drama' }] }));
    expect(() => loadMovieCatalog(invalid)).toThrow(
      `catalog ${invalid}: movies[0].genres: must be an array of genre names, but got "Drama"`,
    );
  });
});
