/**
 * recommendMovies(history, limit, genres) and the movie catalog, over the recommendation model named in
 * the configuration. `prepare` validates and encodes (typed errors before anything is queued); the
 * caller infers the item on the model; `decode` turns its outputs into movies with scores.
 */
import { badInput, GatewayError } from '../../errors/gateway-error.js';
import type { ModelRegistry, PrepareContext, ServingModel } from '../../models/registry.js';
import { scanModel } from '../../models/repository.js';
import type { ItemFeeds, ItemOutputs } from '../../runtime/tensor.js';
import { loadMovieCatalog, type Movie, type MovieCatalog, type MoviePage } from './catalog.js';
import { decodeRecommendations, encodeRecommendationRequest, maxLimit } from './recommend-codec.js';

export interface MovieRating {
  readonly movieId: string;
  readonly rating: number;
}

export interface Recommendation {
  readonly movie: Movie;
  readonly score: number;
}

/** The registry's preparer for recommendation models: loads the catalog and checks it fits the graph. */
export function prepareRecommenderResources(context: PrepareContext): MovieCatalog {
  const catalog = loadMovieCatalog(context.files.catalog);
  const candidates = context.manifest.inputs.find((spec) => spec.role === 'candidates');
  const width = candidates?.shape[1];
  if (typeof width === 'number' && width !== catalog.size) {
    throw new Error(
      `catalog ${context.files.catalog}: must list ${width} movies to match input "${candidates!.name}", but lists ${catalog.size}`,
    );
  }
  return catalog;
}

/**
 * The same preparer for a gateway whose API names the genres it read at start-up (`readCatalogGenres`):
 * a catalog loaded later may use only those, spelt the same, since a movie's genre must be one the API
 * can name. A catalog with a new genre fails to load (what served keeps serving) until a restart.
 */
export function prepareRecommenderWithGenres(genres: readonly string[]): (context: PrepareContext) => MovieCatalog {
  const known = new Set(genres);
  return (context) => {
    const catalog = prepareRecommenderResources(context);
    const added = catalog.genres().filter((genre) => !known.has(genre));
    if (added.length > 0) {
      throw new Error(
        `catalog ${context.files.catalog}: genres must be among those the gateway started with (${genres.join(', ')}), ` +
          `but ${added.map((genre) => JSON.stringify(genre)).join(', ')} ${added.length === 1 ? 'is' : 'are'} new; restart the gateway to serve new genres`,
      );
    }
    return catalog;
  };
}

/**
 * The genres of a recommendation model's catalogs (every version's that reads), sorted, as found in the
 * repository at start-up; undefined when there is no such model or no catalog reads (its load will say why).
 */
export function readCatalogGenres(modelsDir: string, modelName: string): string[] | undefined {
  let scanned: ReturnType<typeof scanModel>;
  try {
    scanned = scanModel(modelsDir, modelName);
  } catch {
    return undefined; // no repository or no such folder: nothing to name
  }
  if (scanned.manifest?.task !== 'recommendation') return undefined;
  const byKey = new Map<string, string>();
  for (const version of scanned.versions) {
    const file = version.files.catalog;
    if (version.failure || file === undefined) continue;
    try {
      for (const genre of loadMovieCatalog(file).genres()) if (!byKey.has(genre.toLowerCase())) byKey.set(genre.toLowerCase(), genre);
    } catch {
      // An unreadable catalog fails that version's load, which reports it.
    }
  }
  return byKey.size > 0 ? [...byKey.values()].sort() : undefined;
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
    const item = encodeRecommendationRequest(serving.manifest, this.catalogOf(serving), {
      history: [...history],
      genres: genres ? [...genres] : undefined,
    });
    return { serving, item };
  }

  decode(serving: ServingModel, outputs: ItemOutputs, limit: number): Recommendation[] {
    return decodeRecommendations(serving.manifest, this.catalogOf(serving), outputs, limit);
  }

  /** Catalog search: title substring and genre, both case-insensitive. */
  movies(query: { search?: string | null; genre?: string | null; limit: number }): Movie[] {
    return this.catalogOf(this.serving()).search({
      search: query.search ?? undefined,
      genre: query.genre ?? undefined,
      limit: query.limit,
    });
  }

  /** One page of the same search, after a cursor (Relay connection). */
  moviePage(query: { search?: string | null; genre?: string | null; first: number; after?: string | null }): MoviePage {
    return this.catalogOf(this.serving()).page({
      search: query.search ?? undefined,
      genre: query.genre ?? undefined,
      first: query.first,
      after: query.after ?? undefined,
    });
  }

  /** prepare, infer on the model's batcher, decode. */
  async recommend(history: readonly MovieRating[], limit: number, genres?: readonly string[] | null): Promise<Recommendation[]> {
    const { serving, item } = this.prepare(history, limit, genres);
    const [outputs] = await Promise.all(serving.infer([item]));
    return this.decode(serving, outputs, limit);
  }

  private serving(): ServingModel {
    const serving = this.registry.resolve(this.modelName);
    if (serving.manifest.task !== 'recommendation') {
      throw new GatewayError(
        'MODEL_UNAVAILABLE',
        `the recommender "${this.modelName}" must be a recommendation model, but it is ${serving.manifest.task}`,
      );
    }
    return serving;
  }

  private catalogOf(serving: ServingModel): MovieCatalog {
    return serving.resources as MovieCatalog;
  }
}
