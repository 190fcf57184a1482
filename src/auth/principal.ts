/**
 * Who is calling: the one value authentication hands to authorization, rate limiting and logging.
 * Plain data, no GraphQL: the API layer puts it in the request context and checks scopes with `hasScope`.
 */

/** How the caller proved who it is. `demo` is the development-only `dev-key`. */
export type PrincipalKind = 'anonymous' | 'api-key' | 'jwt' | 'demo';

export interface Principal {
  readonly kind: PrincipalKind;
  /** The API key's id, the JWT's `sub`, `"anonymous"` or `"dev-key"`. Safe to log; never a secret. */
  readonly id: string;
  /** Granted scopes as stored (check them with `hasScope`, which knows the implications). */
  readonly scopes: ReadonlySet<string>;
  /** The key's own item budget, for the rate limiter; absent means "use the default". */
  readonly rateLimit?: { readonly itemsPerMinute: number };
  /** When the credential stops being valid (key `expiresAt`, JWT `exp`). */
  readonly expiresAt?: Date;
}

/** The fixed scopes of the product; `predict:<model>` narrows `predict` to one model. */
export const KNOWN_SCOPES = ['predict', 'recommend', 'sentiment', 'models:read', 'admin'] as const;
export type KnownScope = (typeof KNOWN_SCOPES)[number];

/** `admin` implies every scope. */
export const ADMIN_SCOPE = 'admin';
/** `predict` implies every `predict:<model>`. */
export const PREDICT_SCOPE = 'predict';

/** Model names as they appear in folder names: letters, digits, `.`, `_`, `-`. */
const MODEL_SCOPE_PATTERN = /^predict:[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The scope that allows predicting with one model, e.g. `predict:iris`. */
export function predictScope(model: string): string {
  return `${PREDICT_SCOPE}:${model}`;
}

/** True for a fixed scope or `predict:<model>`; used to validate keys files and the keys CLI. */
export function isValidScope(scope: string): boolean {
  return (KNOWN_SCOPES as readonly string[]).includes(scope) || MODEL_SCOPE_PATTERN.test(scope);
}

/** The expectation used in "must X, but got Y" messages about scopes. */
export const VALID_SCOPE_DESCRIPTION = `be one of ${KNOWN_SCOPES.join(', ')} or predict:<model>`;

/** No credentials: no scopes. Authorization decides what (if anything) anonymous callers may do. */
export const ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  id: 'anonymous',
  scopes: new Set<string>(),
});

/** What the development-only demo key `dev-key` may do: every fixed scope except `admin`. */
export const DEMO_SCOPES: readonly KnownScope[] = KNOWN_SCOPES.filter((scope) => scope !== ADMIN_SCOPE);

/**
 * Whether the principal holds `scope`, directly or by implication:
 * `admin` implies everything, `predict` implies every `predict:<model>`.
 */
export function hasScope(principal: Principal, scope: string): boolean {
  const { scopes } = principal;
  if (scopes.has(scope) || scopes.has(ADMIN_SCOPE)) return true;
  return scope.startsWith(`${PREDICT_SCOPE}:`) && scopes.has(PREDICT_SCOPE);
}

/** Whether the caller sent valid credentials (anything but anonymous). */
export function isAuthenticated(principal: Principal): boolean {
  return principal.kind !== 'anonymous';
}
