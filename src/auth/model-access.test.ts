import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../models/manifest.js';
import { canCallModel, modelScopes } from './model-access.js';
import type { Principal } from './principal.js';

const principal = (...scopes: string[]): Principal => ({ kind: 'api-key', id: 'k', scopes: new Set(scopes) });
const manifest = (task: ModelManifest['task'], scopes?: string[]) => ({ task, scopes }) as ModelManifest;

describe('model access policy', () => {
  it('lets predict and predict:<model> call a predict model', () => {
    const iris = manifest('tabular-classification');
    expect(canCallModel(principal('predict'), 'iris', iris)).toBe(true);
    expect(canCallModel(principal('predict:iris'), 'iris', iris)).toBe(true);
    expect(canCallModel(principal('predict:digits'), 'iris', iris)).toBe(false);
    expect(canCallModel(principal('sentiment'), 'iris', iris)).toBe(false);
    expect(canCallModel(principal('admin'), 'iris', iris)).toBe(true);
  });

  it('gives the recommender and the sentiment model their own scopes', () => {
    expect(modelScopes('movie-recommender', manifest('recommendation'))).toEqual({ scopes: ['recommend'], strict: false });
    expect(canCallModel(principal('recommend'), 'movie-recommender', manifest('recommendation'))).toBe(true);
    expect(canCallModel(principal('predict'), 'movie-recommender', manifest('recommendation'))).toBe(false);
    expect(canCallModel(principal('sentiment'), 'sentiment', manifest('text-classification'))).toBe(true);
  });

  it('lets a manifest restrict a model to its own scopes, matched literally', () => {
    const digits = manifest('tensor-classification', ['predict:digits']);
    expect(canCallModel(principal('predict'), 'digits', digits)).toBe(false);
    expect(canCallModel(principal('predict:digits'), 'digits', digits)).toBe(true);
    expect(canCallModel(principal('admin'), 'digits', digits)).toBe(true);
  });

  it('lets the development demo key call restricted models, but not admin-only ones', () => {
    const demo: Principal = { kind: 'demo', id: 'dev-key', scopes: new Set(['predict']) };
    expect(canCallModel(demo, 'digits', manifest('tensor-classification', ['predict:digits']))).toBe(true);
    expect(canCallModel(demo, 'secret', manifest('tensor-classification', ['admin']))).toBe(false);
  });

  it('asks for predict:<name> of a model it does not know, so unknown and forbidden look alike', () => {
    expect(modelScopes('nope', undefined)).toEqual({ scopes: ['predict:nope'], strict: false });
    expect(canCallModel(principal('predict:iris'), 'nope', undefined)).toBe(false);
    expect(canCallModel(principal('predict'), 'nope', undefined)).toBe(true);
  });
});
