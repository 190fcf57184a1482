import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RecommendService } from '../../tasks/recommend/recommend-service.js';
import type { GatewayContext } from '../context.js';
import { genreType } from './genre.enum.js';
import { Movie, MovieRecommendation } from './movie.type.js';
import { MovieConnection } from './movie-connection.type.js';
import { MovieRatingInput } from './movie-rating.input.js';

@Resolver()
export class MoviesResolver {
  constructor(private readonly service: RecommendService) {}

  @Query(() => [MovieRecommendation], {
    nullable: true,
    description: 'Movies to watch next, from the ratings the user gave; movies already rated never come back.',
  })
  async recommendMovies(
    @Arg('history', () => [MovieRatingInput], { description: "The user's ratings (at least one, at most 500)." })
    history: MovieRatingInput[],
    @Arg('limit', () => Int, { nullable: true, defaultValue: 10, description: 'How many recommendations, 1 to 50.' }) limit: number | null,
    @Arg('genres', () => [genreType()], { nullable: true, description: 'Only recommend movies with at least one of these genres.' }) genres:
      | string[]
      | null,
    @Ctx() context: GatewayContext,
  ): Promise<MovieRecommendation[]> {
    const count = limit ?? 10;
    const { serving, item } = this.service.prepare(history, count, genres);
    const [outputs] = await context.loaders.infer(serving, [item]);
    return this.service.decode(serving, outputs, count);
  }

  @Query(() => [Movie], {
    nullable: true,
    description: "Searches the recommender's movie catalog: the short form, one page of at most 100; moviesConnection pages through all.",
  })
  movies(
    @Arg('search', () => String, { nullable: true, description: 'Case-insensitive substring of the title.' }) search: string | null,
    @Arg('genre', () => genreType(), { nullable: true, description: 'Only movies of this genre.' }) genre: string | null,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 20, description: 'At most this many movies, 1 to 100.' }) limit: number | null,
  ): Movie[] {
    return this.service.movies({ search, genre, limit: limit ?? 20 });
  }

  @Query(() => MovieConnection, {
    nullable: true,
    description:
      "Pages through the recommender's movie catalog in title order (Relay cursor connection): pass pageInfo.endCursor as `after` for the next page.",
  })
  moviesConnection(
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Movies on this page, 1 to 50.' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page; none for the first page.' }) after:
      | string
      | null,
    @Arg('search', () => String, { nullable: true, description: 'Case-insensitive substring of the title.' }) search: string | null,
    @Arg('genre', () => genreType(), { nullable: true, description: 'Only movies of this genre.' }) genre: string | null,
  ): MovieConnection {
    const page = this.service.moviePage({ search, genre, first: first ?? 20, after });
    return {
      edges: [...page.edges],
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges.at(-1)?.cursor ?? null },
    };
  }
}
