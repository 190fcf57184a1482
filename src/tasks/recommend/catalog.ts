/**
 * The recommender's movie catalog file (`movies.json`: `{ "movies": [{ "id", "title", "year", "genres" }] }`).
 * A movie's position in `movies` is its row in the model's item embeddings, so the order is part of the
 * model. Lookups by id and by row, the distinct genres, and a title/genre search.
 */
import { z } from 'zod';
import { badInput, describeValue } from '../../errors/gateway-error.js';
import { readJsonFile } from '../shared/json-file.js';

export interface Movie {
  readonly id: string;
  readonly title: string;
  readonly year: number | null;
  readonly genres: readonly string[];
}

export interface MovieSearch {
  /** Case-insensitive substring of the title. */
  search?: string;
  /** Only movies of this genre (case-insensitive). */
  genre?: string;
  /** At most this many movies, 1 to `MAX_SEARCH_LIMIT`. */
  limit: number;
}

export const MAX_SEARCH_LIMIT = 100;
/**
 * Movies on one connection page. Lower than the search limit because graphql-armor's cost limit
 * multiplies a connection's selection by a literal `first` (as it should): a page of 50 selecting every
 * movie field costs about 1,700 of the 2,000 allowed per operation.
 */
export const MAX_PAGE_SIZE = 50;

export interface MoviePageQuery {
  search?: string;
  genre?: string;
  /** Movies on the page, 1 to `MAX_PAGE_SIZE`. */
  first: number;
  /** The cursor of the last movie of the previous page (opaque to callers). */
  after?: string;
}

export interface MoviePage {
  readonly edges: readonly { readonly cursor: string; readonly node: Movie }[];
  readonly hasNextPage: boolean;
  /** Every movie that matches, on all pages. */
  readonly totalCount: number;
}

// A cursor names the movie it follows (by id, not position), so paging stays right if the catalog is reloaded.
const CURSOR_PREFIX = 'movie:';
const encodeCursor = (id: string) => Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  return text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : undefined;
}

// Messages in the gateway's "must X, but got Y" style, naming the offending value.
const must = (what: string) => ({ error: (issue: { input?: unknown }) => `must be ${what}, but got ${describeValue(issue.input)}` });

// Unknown fields are ignored, so a catalog may carry more than the gateway shows.
const MovieEntry = z.object({
  id: z.string(must('a non-empty string')).min(1, must('a non-empty string')),
  title: z.string(must('a non-empty string')).min(1, must('a non-empty string')),
  year: z
    .number(must('an integer year or null'))
    .int(must('an integer year or null'))
    .min(1800, must('a year from 1800 to 2200'))
    .max(2200, must('a year from 1800 to 2200'))
    .nullable(),
  genres: z
    .array(z.string(must('a non-empty string')).min(1, must('a non-empty string')), must('an array of genre names'))
    .min(1, must('an array of at least one genre')),
});

const CatalogFile = z.object(
  { movies: z.array(MovieEntry, must('an array of movies')).min(1, must('an array of at least one movie')) },
  must('a JSON object with a "movies" array'),
);

export class MovieCatalog {
  private readonly movies: readonly Movie[];
  private readonly indexById: ReadonlyMap<string, number>;
  /** Lower-cased genre → the spelling the catalog uses. */
  private readonly genreByKey: ReadonlyMap<string, string>;
  private readonly sortedGenres: readonly string[];
  /** Rows ordered by title, then id: the stable order of search results. */
  private readonly titleOrder: readonly number[];

  /** Validates the parsed JSON of a catalog file; errors name `source` (the file) and the offending field. */
  constructor(json: unknown, source = 'catalog') {
    const parsed = CatalogFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`catalog ${source}: ${formatPath(issue.path)}: ${issue.message}`);
    }
    const movies = parsed.data.movies.map((m): Movie => Object.freeze({ ...m, genres: Object.freeze([...m.genres]) }));
    const indexById = new Map<string, number>();
    movies.forEach((movie, index) => {
      const earlier = indexById.get(movie.id);
      if (earlier !== undefined) {
        throw new Error(
          `catalog ${source}: movies[${index}].id: must be unique, but ${JSON.stringify(movie.id)} is also movies[${earlier}].id`,
        );
      }
      indexById.set(movie.id, index);
    });
    const genreByKey = new Map<string, string>();
    for (const movie of movies)
      for (const genre of movie.genres) if (!genreByKey.has(genre.toLowerCase())) genreByKey.set(genre.toLowerCase(), genre);

    this.movies = movies;
    this.indexById = indexById;
    this.genreByKey = genreByKey;
    this.sortedGenres = [...new Set(genreByKey.values())].sort(compareText);
    this.titleOrder = movies
      .map((_, i) => i)
      .sort((a, b) => compareText(movies[a].title, movies[b].title) || compareText(movies[a].id, movies[b].id));
  }

  get size(): number {
    return this.movies.length;
  }

  /** The movie's row (0-based), or undefined for an id not in the catalog. */
  indexOf(id: string): number | undefined {
    return this.indexById.get(id);
  }

  byId(id: string): Movie | undefined {
    const index = this.indexById.get(id);
    return index === undefined ? undefined : this.movies[index];
  }

  /** The movie at a row; throws for a row outside the catalog (a model/catalog mismatch, not user input). */
  movieAt(index: number): Movie {
    const movie = Number.isInteger(index) ? this.movies[index] : undefined;
    if (!movie) throw new RangeError(`catalog row must be an integer in 0..${this.movies.length - 1}, but got ${index}`);
    return movie;
  }

  /** Distinct genres, sorted. */
  genres(): string[] {
    return [...this.sortedGenres];
  }

  /** The catalog's spelling of a genre matched case-insensitively, or undefined. */
  canonicalGenre(genre: string): string | undefined {
    return this.genreByKey.get(genre.toLowerCase());
  }

  /** Movies whose title contains `search` and that have `genre`, by title; validates `limit` and `genre`. */
  search(query: MovieSearch): Movie[] {
    checkPageSize('limit', query.limit, MAX_SEARCH_LIMIT);
    return this.matching(query).slice(0, query.limit);
  }

  /**
   * One page of the same search (Relay connection order: by title, then id), after the movie `after`
   * names. A cursor from another search still works if its movie matches this one; else BAD_USER_INPUT.
   */
  page(query: MoviePageQuery): MoviePage {
    checkPageSize('first', query.first, MAX_PAGE_SIZE);
    const found = this.matching(query);
    let start = 0;
    if (query.after !== undefined) {
      const id = decodeCursor(query.after);
      const position = id === undefined ? -1 : found.findIndex((movie) => movie.id === id);
      if (position < 0) throw badInput('after', 'must be the endCursor or an edge cursor of an earlier page of this search', query.after);
      start = position + 1;
    }
    const nodes = found.slice(start, start + query.first);
    return {
      edges: nodes.map((node) => ({ cursor: encodeCursor(node.id), node })),
      hasNextPage: start + nodes.length < found.length,
      totalCount: found.length,
    };
  }

  // Every movie matching the title substring and genre, in title order; validates the genre.
  private matching(query: { search?: string; genre?: string }): Movie[] {
    const genre = query.genre?.toLowerCase();
    if (genre !== undefined && !this.genreByKey.has(genre))
      throw badInput('genre', `must be one of ${this.sortedGenres.join(', ')}`, query.genre);
    const needle = query.search?.toLowerCase() ?? '';
    const found: Movie[] = [];
    for (const index of this.titleOrder) {
      const movie = this.movies[index];
      if (needle !== '' && !movie.title.toLowerCase().includes(needle)) continue;
      if (genre !== undefined && !movie.genres.some((g) => g.toLowerCase() === genre)) continue;
      found.push(movie);
    }
    return found;
  }
}

function checkPageSize(argument: string, size: number, most: number): void {
  if (!Number.isInteger(size) || size < 1 || size > most) throw badInput(argument, `must be between 1 and ${most}`, size);
}

/** Reads and validates a catalog file; errors name the file. */
export function loadMovieCatalog(path: string): MovieCatalog {
  return new MovieCatalog(readJsonFile(path, 'catalog'), path);
}

// Code-unit order: the same on every machine and locale, unlike localeCompare.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// zod's path as the file's own notation: movies[12].genres[0].
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}
