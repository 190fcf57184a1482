/**
 * The genres the gateway's API names (GraphQL's Genre enum is built from them at start-up): read from
 * the configured recommender's catalogs as the repository holds them then, and kept to afterwards, since
 * a movie's genre must be one the API can name. A catalog loaded later with a new genre fails to load
 * (what served keeps serving) until a restart builds the enum anew.
 */
import type { ModelTasks } from '../../models/lifecycle.js';
import { scanModel } from '../../models/repository.js';
import { parseManifest } from '../registry.js';
import { loadMovieCatalog, MovieCatalog } from './catalog.js';

/**
 * The genres of a recommendation model's catalogs (every version's that reads), sorted, spelt as the
 * first catalog spells them; undefined when there is no such model or no catalog reads (its load says why).
 */
export function readCatalogGenres(modelsDir: string, modelName: string): string[] | undefined {
  let scanned: ReturnType<typeof scanModel>;
  try {
    scanned = scanModel(modelsDir, modelName, parseManifest);
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

/** `tasks`, whose resources for `modelName` must be a catalog with only these genres, spelt the same. */
export function keepingGenres(tasks: ModelTasks, modelName: string, genres: readonly string[]): ModelTasks {
  const known = new Set(genres);
  return {
    ...tasks,
    async prepareResources(context) {
      const resources = await tasks.prepareResources(context);
      if (context.name !== modelName || !(resources instanceof MovieCatalog)) return resources;
      const added = resources.genres().filter((genre) => !known.has(genre));
      if (added.length > 0) {
        const names = added.map((genre) => JSON.stringify(genre)).join(', ');
        throw new Error(
          `catalog ${context.files.catalog}: genres must be among those the gateway started with (${genres.join(', ')}), ` +
            `but ${names} ${added.length === 1 ? 'is' : 'are'} new; restart the gateway to serve new genres`,
        );
      }
      return resources;
    },
  };
}
