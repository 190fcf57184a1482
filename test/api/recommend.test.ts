import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { codesOf, type GraphQLResponse, startTestServer, type TestServer } from '../support/gateway-server.js';
import { TempRepository } from '../support/temp-repository.js';

type Movie = { id: string; title: string; year: number | null; genres: string[] };
type Recommendations = { recommendMovies: { movie: Movie; score: number }[] | null };
const RECOMMEND = `query ($history: [MovieRatingInput!]!, $limit: Int, $genres: [Genre!]) {
  recommendMovies(history: $history, limit: $limit, genres: $genres) { movie { id title year genres } score }
}`;

describe('recommendMovies and movies over HTTP', () => {
  let server: TestServer;
  let horror: Movie[];
  beforeAll(async () => {
    server = await startTestServer();
    horror = (await server.gql<{ movies: Movie[] }>(`{ movies(genre: HORROR, limit: 100) { id title year genres } }`)).body.data!.movies;
  });
  afterAll(() => server.close());

  const recommend = (variables: Record<string, unknown>) => server.gql<Recommendations>(RECOMMEND, variables);

  it('searches the catalog by genre and title', async () => {
    expect(horror.length).toBeGreaterThan(10);
    for (const movie of horror) expect(movie.genres).toContain('HORROR');
    const word = horror[0].title.split(' ').at(-1)!;
    const found = await server.gql<{ movies: Movie[] }>(`query ($s: String) { movies(search: $s, limit: 100) { title } }`, {
      s: word.toLowerCase(),
    });
    expect(found.body.data!.movies.length).toBeGreaterThan(0);
    for (const movie of found.body.data!.movies) expect(movie.title.toLowerCase()).toContain(word.toLowerCase());
    const defaults = await server.gql<{ movies: Movie[] }>(`{ movies { id } }`);
    expect(defaults.body.data!.movies).toHaveLength(20);
  });

  it('recommends mostly horror to a horror fan, never a movie already rated, best first', async () => {
    const history = horror.slice(0, 5).map((movie) => ({ movieId: movie.id, rating: 5 }));
    const response = await recommend({ history });
    expect(response.body.errors).toBeUndefined();
    const recommendations = response.body.data!.recommendMovies!;
    expect(recommendations).toHaveLength(10);
    const rated = new Set(history.map((h) => h.movieId));
    for (const r of recommendations) expect(rated.has(r.movie.id)).toBe(false);
    const scores = recommendations.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const horrorCount = recommendations.filter((r) => r.movie.genres.includes('HORROR')).length;
    expect(horrorCount).toBeGreaterThanOrEqual(6);
  });

  it('honours the genre filter and the limit', async () => {
    const response = await recommend({ history: [{ movieId: horror[0].id, rating: 4.5 }], limit: 7, genres: ['COMEDY'] });
    const recommendations = response.body.data!.recommendMovies!;
    expect(recommendations).toHaveLength(7);
    for (const r of recommendations) expect(r.movie.genres).toContain('COMEDY');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty history', { history: [] }, 'history: must hold at least one rating'],
    [
      'an unknown movie id',
      {
        history: [
          { movieId: 'm0001', rating: 4 },
          { movieId: 'nope', rating: 4 },
        ],
      },
      'history[1].movieId: must be a movie in the catalog, but got "nope"',
    ],
    ['a rating out of range', { history: [{ movieId: 'm0001', rating: 7 }] }, 'history[0].rating: must be between 0.5 and 5, but got 7'],
    ['a limit of 0', { history: [{ movieId: 'm0001', rating: 4 }], limit: 0 }, 'limit: must be between 1 and 50, but got 0'],
    ['a limit above 50', { history: [{ movieId: 'm0001', rating: 4 }], limit: 51 }, 'limit: must be between 1 and 50, but got 51'],
  ])('rejects %s with BAD_USER_INPUT', async (_name, variables, message) => {
    const response = await recommend(variables);
    expect(response.body.data).toEqual({ recommendMovies: null });
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0].message).toBe(message);
  });

  it('refuses a genre the catalog does not have before anything runs: Genre is an enum', async () => {
    const response = await server.gql(`{ movies(genre: POLKA) { id } }`);
    expect(response.status).toBe(400);
    expect(codesOf(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.body.errors![0].message).toMatch(/^Value "POLKA" does not exist in "Genre" enum\./);
    const asString = await server.gql(`{ movies(genre: "Horror") { id } }`);
    expect(codesOf(asString)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it("builds Genre from the catalog: names like GraphQL names, each described by the catalog's spelling", async () => {
    const type = await server.gql<{ __type: { enumValues: { name: string; description: string }[] } }>(
      '{ __type(name: "Genre") { enumValues { name description } } }',
    );
    const values = type.body.data!.__type.enumValues;
    expect(values).toContainEqual({ name: 'SCI_FI', description: 'Sci-Fi' });
    expect(values).toContainEqual({ name: 'HORROR', description: 'Horror' });
    expect(values).toHaveLength(18);
    // The enum value reaches the catalog as its own spelling, and comes back as the enum value.
    const sciFi = await server.gql<{ moviesConnection: { totalCount: number; edges: { node: Movie }[] } }>(
      '{ moviesConnection(genre: SCI_FI, first: 50) { totalCount edges { node { genres } } } }',
    );
    expect(sciFi.body.errors).toBeUndefined();
    expect(sciFi.body.data!.moviesConnection.totalCount).toBeGreaterThan(10);
    for (const { node } of sciFi.body.data!.moviesConnection.edges) expect(node.genres).toContain('SCI_FI');
  });

  it('moviesConnection pages through the whole catalog without repeats or gaps', async () => {
    type Page = {
      moviesConnection: {
        totalCount: number;
        edges: { cursor: string; node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const PAGE = `query ($after: String) { moviesConnection(first: 50, after: $after) { totalCount edges { cursor node { id title year genres } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response: GraphQLResponse<Page> = await server.gql<Page>(PAGE, { after });
      expect(response.body.errors).toBeUndefined();
      const page: Page['moviesConnection'] = response.body.data!.moviesConnection;
      pages += 1;
      seen.push(...page.edges.map((edge) => edge.node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      if (!page.pageInfo.hasNextPage) {
        expect(seen).toHaveLength(page.totalCount);
        break;
      }
      after = page.pageInfo.endCursor;
      expect(pages).toBeLessThan(20);
    }
    expect(seen.length).toBe(600);
    expect(new Set(seen).size).toBe(600);
    expect(pages).toBe(12);
  });

  it('moviesConnection refuses a bad cursor and an over-large page with BAD_USER_INPUT naming the argument', async () => {
    const bad = await server.gql(`{ moviesConnection(after: "bm9wZQ") { totalCount } }`);
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.body.errors![0].message).toMatch(/^after: /);
    // A literal `first` multiplies graphql-armor's cost, which refuses a huge page before it runs;
    // through a variable it reaches the resolver, which refuses it by name.
    const literal = await server.gql(`{ moviesConnection(first: 1000) { totalCount edges { node { id } } } }`);
    expect(codesOf(literal)).toEqual(['QUERY_TOO_COMPLEX']);
    const big = await server.gql(`query ($first: Int) { moviesConnection(first: $first) { totalCount } }`, { first: 51 });
    expect(codesOf(big)).toEqual(['BAD_USER_INPUT']);
    expect(big.body.errors![0].message).toMatch(/^first: must be between 1 and 50, but got 51/);
  });
});

describe('the Genre enum and catalogs loaded while serving', () => {
  it('refuses a new catalog that adds a genre the schema cannot name, and keeps serving the old one', async () => {
    const repository = new TempRepository().copyBundled('movie-recommender');
    const admin = createKeyRecord({ id: 'ops', scopes: ['admin'] });
    const keysFile = join(repository.root, 'keys.json');
    await writeKeysFile(keysFile, { keys: [admin.record] });
    const asAdmin = { 'x-api-key': admin.key };
    const server = await startTestServer({ MODELS_DIR: repository.root, MODEL_CONTROL: 'explicit', API_KEYS_FILE: keysFile });
    try {
      const catalogFile = join(repository.root, 'movie-recommender', 'movies.json');
      const catalog = JSON.parse(readFileSync(catalogFile, 'utf8')) as { movies: { genres: string[] }[] };
      catalog.movies[0].genres = ['Noir'];
      writeFileSync(catalogFile, JSON.stringify(catalog));
      const load = await server.gql<{
        loadModel: { versionDetails: { status: string; errorCode: string | null; error: string | null }[] };
      }>('mutation { loadModel(name: "movie-recommender") { versionDetails { status errorCode error } } }', undefined, asAdmin);
      expect(load.body.errors).toBeUndefined();
      const [version] = load.body.data!.loadModel.versionDetails;
      expect(version).toMatchObject({ status: 'READY', errorCode: 'EXTRA_FILE_INVALID' });
      expect(version.error).toMatch(
        /genres must be among those the gateway started with \(Action, .*\), but "Noir" is new; restart the gateway/,
      );
      const movies = await server.gql<{ movies: Movie[] }>('{ movies(genre: ACTION, limit: 1) { genres } }', undefined, asAdmin);
      expect(movies.body.errors).toBeUndefined();
      expect(movies.body.data!.movies[0].genres).toContain('ACTION');
    } finally {
      await server.close();
    }
  });

  it('keeps genres as String when no catalog could be read at start-up', async () => {
    const repository = new TempRepository().manifest('movie-recommender', '{ not json');
    const server = await startTestServer({ MODELS_DIR: repository.root });
    try {
      const type = await server.gql<{ __type: { fields: { name: string; args: { name: string; type: { name: string } }[] }[] } }>(
        '{ __type(name: "Query") { fields { name args { name type { name } } } } }',
      );
      const movies = type.body.data!.__type.fields.find((field) => field.name === 'movies')!;
      expect(movies.args.find((arg) => arg.name === 'genre')!.type.name).toBe('String');
      const absent = await server.gql('{ __type(name: "Genre") { name } }');
      expect(absent.body.data).toEqual({ __type: null });
    } finally {
      await server.close();
    }
  });
});
