import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  DEMO_SCOPES,
  hasScope,
  isAuthenticated,
  isValidScope,
  KNOWN_SCOPES,
  type Principal,
  predictScope,
} from './principal.js';

const withScopes = (...scopes: string[]): Principal => ({ kind: 'api-key', id: 'test', scopes: new Set(scopes) });

describe('hasScope', () => {
  it('grants exactly the listed scopes', () => {
    const caller = withScopes('sentiment', 'models:read');
    expect(hasScope(caller, 'sentiment')).toBe(true);
    expect(hasScope(caller, 'models:read')).toBe(true);
    expect(hasScope(caller, 'recommend')).toBe(false);
    expect(hasScope(caller, 'predict')).toBe(false);
    expect(hasScope(caller, 'admin')).toBe(false);
  });

  it('lets admin imply every scope, including per-model ones', () => {
    const admin = withScopes('admin');
    for (const scope of [...KNOWN_SCOPES, 'predict:iris', 'anything-else']) expect(hasScope(admin, scope)).toBe(true);
  });

  it('lets predict imply every predict:<model>, but not the other way round', () => {
    expect(hasScope(withScopes('predict'), 'predict:iris')).toBe(true);
    expect(hasScope(withScopes('predict'), predictScope('digits'))).toBe(true);
    expect(hasScope(withScopes('predict:iris'), 'predict')).toBe(false);
    expect(hasScope(withScopes('predict:iris'), 'predict:digits')).toBe(false);
    expect(hasScope(withScopes('predict:iris'), 'predict:iris')).toBe(true);
    // "predict" does not leak into look-alike scopes.
    expect(hasScope(withScopes('predict'), 'predictions')).toBe(false);
  });

  it('gives the anonymous principal nothing', () => {
    expect(ANONYMOUS.scopes.size).toBe(0);
    for (const scope of KNOWN_SCOPES) expect(hasScope(ANONYMOUS, scope)).toBe(false);
    expect(isAuthenticated(ANONYMOUS)).toBe(false);
    expect(isAuthenticated(withScopes())).toBe(true);
  });
});

describe('scopes', () => {
  it('validates fixed scopes and predict:<model>', () => {
    for (const scope of KNOWN_SCOPES) expect(isValidScope(scope)).toBe(true);
    expect(isValidScope('predict:iris')).toBe(true);
    expect(isValidScope('predict:movie-recommender')).toBe(true);
    expect(isValidScope('predict:')).toBe(false);
    expect(isValidScope('predict:../x')).toBe(false);
    expect(isValidScope('write')).toBe(false);
    expect(isValidScope('Admin')).toBe(false);
  });

  it('gives the demo key every fixed scope except admin', () => {
    expect([...DEMO_SCOPES].sort()).toEqual(['models:read', 'predict', 'recommend', 'sentiment']);
  });
});
