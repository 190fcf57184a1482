import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';

type Movie = { id: string; title: string; year: number | null; genres: string[] };
type Recommendations = { recommendMovies: { movie: Movie; score: number }[] | null };
const RECOMMEND = `query ($history: [MovieRatingInput!]!, $limit: Int, $genres: [String!]) {
  recommendMovies(history: $history, limit: $limit, genres: $genres) { movie { id title year genres } score }
}`;

describe('recommendMovies and movies over HTTP', () => {
  let server: TestServer;
  let horror: Movie[];
  beforeAll(async () => {
    server = await startTestServer();
    horror = (await server.gql<{ movies: Movie[] }>(`{ movies(genre: "horror", limit: 100) { id title year genres } }`)).body.data!.movies;
  });
  afterAll(() => server.close());

  const recommend = (variables: Record<string, unknown>) => server.gql<Recommendations>(RECOMMEND, variables);

  it('searches the catalog by genre and title', async () => {
    expect(horror.length).toBeGreaterThan(10);
    for (const movie of horror) expect(movie.genres).toContain('Horror');
    const word = horror[0].title.split(' ').at(-1)!;
    const found = await server.gql<{ movies: Movie[] }>(`query ($s: String) { movies(search: $s, limit: 100) { title } }`, { s: word.toLowerCase() });
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
    const horrorCount = recommendations.filter((r) => r.movie.genres.includes('Horror')).length;
    expect(horrorCount).toBeGreaterThanOrEqual(6);
  });

  it('honours the genre filter and the limit', async () => {
    const response = await recommend({ history: [{ movieId: horror[0].id, rating: 4.5 }], limit: 7, genres: ['Comedy'] });
    const recommendations = response.body.data!.recommendMovies!;
    expect(recommendations).toHaveLength(7);
    for (const r of recommendations) expect(r.movie.genres).toContain('Comedy');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty history', { history: [] }, 'history: must hold at least one rating'],
    ['an unknown movie id', { history: [{ movieId: 'm0001', rating: 4 }, { movieId: 'nope', rating: 4 }] }, 'history[1].movieId: must be a movie in the catalog, but got "nope"'],
    ['a rating out of range', { history: [{ movieId: 'm0001', rating: 7 }] }, 'history[0].rating: must be between 0.5 and 5, but got 7'],
    ['a limit of 0', { history: [{ movieId: 'm0001', rating: 4 }], limit: 0 }, 'limit: must be between 1 and 50, but got 0'],
    ['a limit above 50', { history: [{ movieId: 'm0001', rating: 4 }], limit: 51 }, 'limit: must be between 1 and 50, but got 51'],
  ])('rejects %s with BAD_USER_INPUT', async (_name, variables, message) => {
    const response = await recommend(variables);
    expect(response.body.data).toEqual({ recommendMovies: null });
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0].message).toBe(message);
  });

  it('rejects an unknown genre in movies()', async () => {
    const response = await server.gql(`{ movies(genre: "Polka") { id } }`);
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0].message).toMatch(/^genre: must be one of Action, .*, but got "Polka"$/);
  });
});
