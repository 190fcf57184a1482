/**
 * The recommend kind: a recommendation model over a movie catalog (the configured MODEL_RECOMMENDER),
 * behind `recommendMovies` (runs it) and `movies` / `moviesConnection` (search its catalog).
 */
import type { PrepareContext } from '../../models/registry.js';
import { resourcesReader, type TaskDefinition } from '../definition.js';
import { loadMovieCatalog, MovieCatalog } from './catalog.js';

/** Loads the catalog and checks that it fits the graph: one movie per column of the `candidates` input. */
function prepareCatalog(context: PrepareContext): MovieCatalog {
  const catalog = loadMovieCatalog(context.files.catalog);
  const candidates = context.manifest.inputs.find((spec) => spec.role === 'candidates');
  const width = candidates?.shape[1];
  if (candidates && typeof width === 'number' && width !== catalog.size) {
    throw new Error(
      `catalog ${context.files.catalog}: must list ${width} movies to match input "${candidates.name}", but lists ${catalog.size}`,
    );
  }
  return catalog;
}

export const RECOMMEND: TaskDefinition<MovieCatalog> = {
  kind: 'recommend',
  tasks: ['recommendation'],
  manifestRules(m, check) {
    check.requireRole('inputs', 'items');
    check.requireRole('inputs', 'ratings');
    check.requireRole('outputs', 'indices');
    check.requireRole('outputs', 'scores');
    if (!m.files.catalog) check.issue(['files', 'catalog'], 'is required for task recommendation (the movie catalog, JSON)');
  },
  defaultScope: () => 'recommend',
  prepare: prepareCatalog,
  fields: {
    // One item per call, whatever the history's length: the model scores the whole catalog once.
    recommendMovies: { model: 'configured', use: 'runs', cost: { per: 'call' } },
    movies: { model: 'configured', use: 'reads' },
    moviesConnection: { model: 'configured', use: 'reads' },
  },
};

/** The catalog a recommendation version was loaded with. */
export const catalogOf = resourcesReader('recommend', MovieCatalog);
