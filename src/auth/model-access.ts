/**
 * Which scopes may call which model: the policy behind the GraphQL permissions, in plain TypeScript.
 * - predict models: `predict:<name>` (which `predict` implies), unless the manifest lists its own scopes;
 * - the recommender: `recommend`; the sentiment model: `sentiment`;
 * - a manifest's `scopes` restrict a model further: one of them literally (no implication from
 *   `predict`), or `admin`. So `"scopes": ["predict:digits"]` keeps digits from every `predict` key.
 *   The development demo key passes any such list that names a scope other than `admin`.
 */
import type { ModelManifest, Task } from '../models/manifest.js';
import { ADMIN_SCOPE, hasScope, type Principal, predictScope } from './principal.js';

/** The scope a task's models need when their manifest names none. */
export function defaultScope(task: Task, model: string): string {
  if (task === 'recommendation') return 'recommend';
  if (task === 'text-classification') return 'sentiment';
  return predictScope(model);
}

/** The scopes that may call `model` (any one suffices); `strict` when they come from the manifest. */
export function modelScopes(
  model: string,
  manifest: ModelManifest | undefined,
  fallbackTask: Task = 'tabular-classification',
): { scopes: string[]; strict: boolean } {
  if (manifest?.scopes) return { scopes: manifest.scopes, strict: true };
  return { scopes: [defaultScope(manifest?.task ?? fallbackTask, model)], strict: false };
}

export function canCallModel(principal: Principal, model: string, manifest: ModelManifest | undefined, fallbackTask?: Task): boolean {
  const { scopes, strict } = modelScopes(model, manifest, fallbackTask);
  if (strict) {
    // The development demo key holds every scope but admin, including the ones manifests invent.
    if (principal.kind === 'demo') return scopes.some((scope) => scope !== ADMIN_SCOPE);
    return principal.scopes.has(ADMIN_SCOPE) || scopes.some((scope) => principal.scopes.has(scope));
  }
  return scopes.some((scope) => hasScope(principal, scope));
}
