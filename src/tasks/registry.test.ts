import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TASKS } from '../models/manifest.js';
import { ModelRegistry, type PrepareContext, type ServingModel } from '../models/registry.js';
import { InferencePool } from '../runtime/inference-pool.js';
import { MovieCatalog } from './recommend/catalog.js';
import { catalogOf } from './recommend/definition.js';
import { definitionOf, parseManifest, prepareResources, TASK_DEFINITIONS } from './registry.js';
import { SentimentResources, sentimentResourcesOf } from './sentiment/definition.js';

const contextOf = (name: string, files: Record<string, string>): PrepareContext => {
  const parsed = parseManifest(JSON.parse(readFileSync(`models/${name}/model.json`, 'utf8')));
  if (!parsed.ok) throw new Error(parsed.message);
  return { name, version: 1, manifest: parsed.manifest, files, graph: { inputs: [], outputs: [] } };
};
// A serving version as the registry builds it (its batcher never runs here: the pool is not started).
const registry = new ModelRegistry({ backend: new InferencePool({ workers: 1 }) });
const servingWith = (resources: unknown): ServingModel =>
  registry.createServing({ name: 'm', version: 1, manifest: contextOf('iris', {}).manifest, resources, backendKey: 'm@1#1' });

describe('the task registry', () => {
  it('gives every manifest task exactly one kind', () => {
    expect(TASK_DEFINITIONS.flatMap((definition) => definition.tasks).sort()).toEqual([...TASKS].sort());
    expect(definitionOf('tensor-regression').kind).toBe('predict');
    expect(definitionOf('recommendation').kind).toBe('recommend');
    expect(definitionOf('text-classification').kind).toBe('sentiment');
  });

  it("builds a version's resources with its kind's preparer, and each kind reads only its own", async () => {
    const catalog = await prepareResources(contextOf('movie-recommender', { catalog: 'models/movie-recommender/movies.json' }));
    const encoding = await prepareResources(contextOf('sentiment', { vocabulary: 'models/sentiment/vocab.json' }));
    expect(catalog).toBeInstanceOf(MovieCatalog);
    expect(encoding).toBeInstanceOf(SentimentResources);
    expect(await prepareResources(contextOf('iris', {}))).toBeUndefined();
    expect(catalogOf(servingWith(catalog)).size).toBe(600);
    expect(() => catalogOf(servingWith(encoding))).toThrow(expect.objectContaining({ code: 'MODEL_UNAVAILABLE' }));
    expect(() => sentimentResourcesOf(servingWith(undefined))).toThrow('model "m" version 1 holds no sentiment resources');
  });
});
