/**
 * recommendMovies(history, limit, genres) and the movie catalog, over the recommendation model named in
 * the configuration. `prepare` validates and encodes (typed errors before anything is queued); the
 * caller infers the item on the model; `decode` turns its outputs into movies with scores.
 */
import { badInput, GatewayError } from '../../errors/gateway-error.js';
import type { ModelRegistry, ServingModel } from '../../models/registry.js';
import type { ItemFeeds, ItemOutputs } from '../../runtime/tensor.js';
import type { Movie, MoviePage } from './catalog.js';
import { catalogOf, RECOMMEND } from './definition.js';
import { decodeRecommendations, encodeRecommendationRequest, maxLimit } from './recommend-codec.js';

export interface MovieRating {
  readonly movieId: string;
  readonly rating: number;
}

export interface Recommendation {
  readonly movie: Movie;
  readonly score: number;
}

export class RecommendService {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly modelName: string,
  ) {}

  /** Validates and encodes one request; errors name the argument (`history[3].rating`, `limit`, `genres[0]`). */
  prepare(
    history: readonly MovieRating[],
    limit: number,
    genres: readonly string[] | null | undefined,
  ): { serving: ServingModel; item: ItemFeeds } {
    const serving = this.serving();
    const most = maxLimit(serving.manifest);
    if (!Number.isInteger(limit) || limit < 1 || limit > most) throw badInput('limit', `must be between 1 and ${most}`, limit);
    const item = encodeRecommendationRequest(serving.manifest, catalogOf(serving), {
      history: [...history],
      genres: genres ? [...genres] : undefined,
    });
    return { serving, item };
  }

  decode(serving: ServingModel, outputs: ItemOutputs, limit: number): Recommendation[] {
    return decodeRecommendations(serving.manifest, catalogOf(serving), outputs, limit);
  }

  /** Catalog search: title substring and genre, both case-insensitive. */
  movies(query: { search?: string | null; genre?: string | null; limit: number }): Movie[] {
    return catalogOf(this.serving()).search({
      search: query.search ?? undefined,
      genre: query.genre ?? undefined,
      limit: query.limit,
    });
  }

  /** One page of the same search, after a cursor (Relay connection). */
  moviePage(query: { search?: string | null; genre?: string | null; first: number; after?: string | null }): MoviePage {
    return catalogOf(this.serving()).page({
      search: query.search ?? undefined,
      genre: query.genre ?? undefined,
      first: query.first,
      after: query.after ?? undefined,
    });
  }

  private serving(): ServingModel {
    const serving = this.registry.resolve(this.modelName);
    if (!RECOMMEND.tasks.includes(serving.manifest.task)) {
      throw new GatewayError(
        'MODEL_UNAVAILABLE',
        `the recommender "${this.modelName}" must be a recommendation model, but it is ${serving.manifest.task}`,
      );
    }
    return serving;
  }
}
