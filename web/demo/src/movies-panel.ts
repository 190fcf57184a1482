/**
 * Movie picks: search the catalog, rate movies you liked, get recommendations. Every rating change
 * is one request with two fields: recommendations from all ratings, and more of the favourite genre.
 */
import type { Genre, MovieRatingInput } from '../../../client/src/gql/graphql.js';
import { RecommendationsDocument, SearchMoviesDocument } from '../../../client/src/operations.js';
import { debounce, fill, h, latestOnly } from './dom.js';
import { type DemoGateway, errorList } from './gateway.js';
import { firstSentence } from './sentiment-panel.js';

export interface Movie {
  readonly id: string;
  readonly title: string;
  readonly year?: number | null;
  readonly genres: readonly Genre[];
}

interface Recommendation {
  readonly score: number;
  readonly movie: Movie;
}

export function mountMoviesPanel(panel: HTMLElement, gateway: DemoGateway, firstMovies: readonly Movie[], description?: string): void {
  const ratings = new Map<string, { movie: Movie; rating: number }>();
  let shown: readonly Movie[] = firstMovies;

  const search = h('input', {
    type: 'search',
    placeholder: 'Search titles, e.g. "night"',
    'aria-label': 'Search movies',
    'data-testid': 'movie-search',
  });
  const results = h('ul', { class: 'movie-list', 'data-testid': 'search-results' });
  const searchErrors = h('div');
  const rated = h('div', { class: 'rated', 'data-testid': 'rated-movies' });
  const recommendations = h('div', { class: 'result', 'aria-live': 'polite' });

  const stars = (movie: Movie) => {
    const current = ratings.get(movie.id)?.rating ?? 0;
    return h(
      'span',
      { class: 'stars', role: 'group', 'aria-label': `Rate ${movie.title}` },
      ...[1, 2, 3, 4, 5].map((n) =>
        h(
          'button',
          {
            type: 'button',
            class: `star${n <= current ? ' is-on' : ''}`,
            'data-stars': n,
            'aria-label': `${n} star${n > 1 ? 's' : ''}`,
            'aria-pressed': n === current ? 'true' : 'false',
            onclick: () => rate(movie, n === current ? 0 : n),
          },
          '★',
        ),
      ),
    );
  };

  const renderResults = () =>
    fill(
      results,
      ...shown.map((movie) =>
        h('li', { class: 'movie', 'data-testid': 'movie-result', 'data-movie-id': movie.id }, movieText(movie), stars(movie)),
      ),
      shown.length === 0 && h('li', { class: 'hint' }, 'No movie matches.'),
    );

  const renderRated = () =>
    fill(
      rated,
      ratings.size === 0
        ? h('p', { class: 'hint' }, 'Rate a few movies you have seen (the stars on the left) to get recommendations.')
        : h(
            'ul',
            { class: 'chips' },
            ...[...ratings.values()].map(({ movie, rating }) =>
              h(
                'li',
                { class: 'chip is-static' },
                `${movie.title} `,
                h('span', { class: 'muted' }, '★'.repeat(rating)),
                h('button', { type: 'button', class: 'remove', 'aria-label': `Forget ${movie.title}`, onclick: () => rate(movie, 0) }, '×'),
              ),
            ),
          ),
    );

  // One request at a time, the newest ratings last: an older answer never overwrites a newer one.
  const recommend = latestOnly<void>(async () => {
    if (ratings.size === 0) return fill(recommendations);
    const history: MovieRatingInput[] = [...ratings.values()].map(({ movie, rating }) => ({ movieId: movie.id, rating }));
    const genre = favouriteGenre([...ratings.values()]);
    const { data, errors } = await gateway.run(RecommendationsDocument, {
      history,
      limit: 8,
      genres: genre ? [genre] : null,
      withGenre: genre !== undefined,
    });
    fill(
      recommendations,
      data?.forYou && h('div', { class: 'card' }, h('h3', {}, 'Recommended for you'), recommendationList(data.forYou, 'recommendations')),
      genre &&
        data?.inGenre &&
        data.inGenre.length > 0 &&
        h('div', { class: 'card' }, h('h3', {}, `More ${genreName(genre)}`), recommendationList(data.inGenre, 'genre-recommendations')),
      errorList(errors),
    );
  });

  function rate(movie: Movie, rating: number): void {
    if (rating === 0) ratings.delete(movie.id);
    else ratings.set(movie.id, { movie, rating });
    renderResults();
    renderRated();
    recommend();
  }

  const runSearch = debounce(
    latestOnly(async (text: string) => {
      const { data, errors } = await gateway.run(SearchMoviesDocument, { search: text.trim() || null, limit: 12 });
      shown = data?.movies ?? [];
      renderResults();
      fill(searchErrors, errorList(errors));
    }),
    250,
  );
  search.addEventListener('input', () => runSearch(search.value));

  renderResults();
  renderRated();
  fill(
    panel,
    h('h2', {}, 'What should I watch next?'),
    description && h('p', { class: 'description' }, firstSentence(description)),
    h(
      'div',
      { class: 'columns' },
      h('div', { class: 'stack' }, search, results, searchErrors),
      h('div', { class: 'stack' }, h('h3', {}, 'Your ratings'), rated, recommendations),
    ),
  );
}

function movieText(movie: Movie): HTMLElement {
  return h(
    'span',
    { class: 'movie-text' },
    h('strong', {}, movie.title),
    ' ',
    h('span', { class: 'muted' }, [movie.year, movie.genres.map(genreName).join(', ')].filter(Boolean).join(' · ')),
  );
}

/** Scores compare only within one answer: the bars show each one relative to the list's range. */
function recommendationList(items: readonly Recommendation[], testId: string): HTMLElement {
  const scores = items.map((item) => item.score);
  const low = Math.min(...scores);
  const span = Math.max(...scores) - low || 1;
  return h(
    'ol',
    { class: 'movie-list', 'data-testid': testId },
    ...items.map((item) =>
      h(
        'li',
        { class: 'movie' },
        movieText(item.movie),
        h(
          'span',
          { class: 'bar-track small', title: `score ${item.score.toFixed(3)}` },
          h('span', { class: 'bar-fill tone-match', style: `width: ${(20 + (80 * (item.score - low)) / span).toFixed(0)}%` }),
        ),
      ),
    ),
  );
}

/** The genre most common among movies rated 4 stars or more; undefined when none is. */
export function favouriteGenre(rated: readonly { movie: Movie; rating: number }[]): Genre | undefined {
  const counts = new Map<Genre, number>();
  for (const { movie, rating } of rated) {
    if (rating < 4) continue;
    for (const genre of movie.genres) counts.set(genre, (counts.get(genre) ?? 0) + 1);
  }
  let best: Genre | undefined;
  for (const [genre, count] of counts) if (best === undefined || count > (counts.get(best) ?? 0)) best = genre;
  return best;
}

/**
 * A genre for people: its enum value as words (SCI_FI → "Sci Fi"). The catalog's own spelling is in the
 * schema's description of each value, which a page could only read by introspection.
 */
function genreName(genre: Genre): string {
  return genre
    .split('_')
    .filter(Boolean)
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join(' ');
}
