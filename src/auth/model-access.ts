/**
 * Which scopes may call which model: the policy behind the GraphQL permissions, in plain TypeScript.
 * - without scopes in its manifest, a model needs its task kind's default scope (src/tasks/<kind>/definition.ts):
 *   `predict:<name>` (which `predict` implies) for predict models, `recommend`, `sentiment`;
 * - a manifest's `scopes` restrict a model further: one of them literally (no implication from
 *   `predict`), or `admin`. So `"scopes": ["predict:digits"]` keeps digits from every `predict` key.
 *   The development demo key passes any such list that names a scope other than `admin`.
 */
import type { ModelManifest } from '../models/manifest.js';
import type { TaskKind } from '../tasks/definition.js';
import { definitionNamed, definitionOf } from '../tasks/registry.js';
import { ADMIN_SCOPE, hasScope, type Principal } from './principal.js';

/**
 * The scopes that may call `model` (any one suffices); `strict` when they come from the manifest.
 * A model that is not in the repository (no manifest) needs the default scope of `fallbackKind`, the
 * kind of the field that names it, so that it looks like any missing model of that kind.
 */
export function modelScopes(
  model: string,
  manifest: ModelManifest | undefined,
  fallbackKind: TaskKind = 'predict',
): { scopes: string[]; strict: boolean } {
  if (manifest?.scopes) return { scopes: manifest.scopes, strict: true };
  const definition = manifest ? definitionOf(manifest.task) : definitionNamed(fallbackKind);
  return { scopes: [definition.defaultScope(model)], strict: false };
}

export function canCallModel(principal: Principal, model: string, manifest: ModelManifest | undefined, fallbackKind?: TaskKind): boolean {
  const { scopes, strict } = modelScopes(model, manifest, fallbackKind);
  if (strict) {
    // The development demo key holds every scope but admin, including the ones manifests invent.
    if (principal.kind === 'demo') return scopes.some((scope) => scope !== ADMIN_SCOPE);
    return principal.scopes.has(ADMIN_SCOPE) || scopes.some((scope) => principal.scopes.has(scope));
  }
  return scopes.some((scope) => hasScope(principal, scope));
}
