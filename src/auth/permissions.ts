/**
 * The graphql-shield permissions map over the whole schema, deny by default: a field not named here is
 * closed, so a new field stays closed until someone opens it on purpose (and start-up refuses a root
 * field without a spec, see src/graphql/root-fields.ts). Rules return typed errors
 * (UNAUTHENTICATED for the anonymous, FORBIDDEN naming the missing scope) and are cached per request
 * where they depend only on the caller, so a 256-item query does not evaluate one 256 times.
 */

import { type GraphQLResolveInfo, type GraphQLSchema, isObjectType } from 'graphql';
import { applyMiddlewareToDeclaredResolvers } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import { describeValue, echoedDetail, GatewayError, isGatewayError, MAX_ECHOED_NAME_CHARACTERS } from '../errors/gateway-error.js';
import { rootFieldSpecs } from '../graphql/root-fields.js';
import type { ModelRegistry } from '../models/registry.js';
import type { RootFieldSpec, TaskKind } from '../tasks/definition.js';
import { canCallModel, modelScopes } from './model-access.js';
import { hasScope, isAuthenticated, type Principal } from './principal.js';

/** The part of the request context the rules read. */
export interface AuthorizedContext {
  readonly principal: Principal;
}

export interface PermissionsOptions {
  readonly registry: ModelRegistry;
}

type Rule = ReturnType<ReturnType<typeof rule>>;

/** Object types reached only through the root fields, which decide: every field of these is open. */
const OPEN_TYPES = [
  'Prediction',
  'ClassProbability',
  'SentimentResult',
  'Movie',
  'MovieRecommendation',
  'MovieConnection',
  'MovieEdge',
  'PageInfo',
  'ModelInfo',
  'ModelVersionInfo',
  'TensorInfo',
  'OutputInfo',
  'BatchingInfo',
];

/**
 * The map for `schema`: each root field's rule comes from its spec (`extensions.rootField`, see
 * src/graphql/root-fields.ts), a scope or the model it uses; the result types are open.
 */
export function createPermissions(schema: GraphQLSchema, { registry }: PermissionsOptions) {
  // Rules are named, and shield refuses two rules with one name: one rule per scope, model or argument.
  const rules = new Map<string, Rule>();
  const once = (name: string, create: () => Rule) => {
    let existing = rules.get(name);
    if (!existing) {
      existing = create();
      rules.set(name, existing);
    }
    return existing;
  };

  const requireScope = (scope: string) =>
    once(`scope:${scope}`, () =>
      rule(`scope:${scope}`, { cache: 'contextual' })((_parent, _args, { principal }: AuthorizedContext, info: GraphQLResolveInfo) =>
        hasScope(principal, scope) ? true : denial(principal, [scope], info),
      ),
    );

  // A fixed model: the caller alone decides, so it is cached per request.
  const requireModel = (model: string, kind: TaskKind) =>
    once(`model:${model}`, () =>
      rule(`model:${model}`, { cache: 'contextual' })((_parent, _args, { principal }: AuthorizedContext, info: GraphQLResolveInfo) => {
        const manifest = registry.manifestOf(model);
        if (canCallModel(principal, model, manifest, kind)) return true;
        return denial(principal, modelScopes(model, manifest, kind).scopes, info);
      }),
    );

  // The model an argument names: evaluated once per field (never per instance). A model the caller may
  // not call is answered exactly as one that does not exist (`models` hides it too), so a key cannot
  // learn which restricted models a repository holds: what a missing model of that name would get,
  // MODEL_NOT_FOUND or the denial naming its kind's default scope (`predict:<name>`).
  const requireModelArgument = (argument: string, kind: TaskKind) =>
    once(`model-argument:${kind}:${argument}`, () =>
      rule(`model-argument:${kind}:${argument}`, { cache: 'no_cache' })(
        (_parent, args: Record<string, unknown>, { principal }: AuthorizedContext, info: GraphQLResolveInfo) => {
          const model = String(args[argument]);
          if (registry.has(model) && canCallModel(principal, model, registry.manifestOf(model), kind)) return true;
          return canCallModel(principal, model, undefined, kind)
            ? registry.notFound(model)
            : denial(principal, modelScopes(model, undefined, kind).scopes, info);
        },
      ),
    );

  const ruleOf = (spec: RootFieldSpec): Rule => {
    if ('scope' in spec) return requireScope(spec.scope);
    return 'argument' in spec.model ? requireModelArgument(spec.model.argument, spec.kind) : requireModel(spec.model.name, spec.kind);
  };

  const ruleTree: Record<string, Rule | typeof allow | Record<string, Rule>> = {};
  for (const [typeName, fields] of rootFieldSpecs(schema)) {
    ruleTree[typeName] = Object.fromEntries([...fields].map(([field, spec]) => [field, ruleOf(spec)]));
  }
  for (const typeName of OPEN_TYPES) ruleTree[typeName] = allow;
  const middleware = shield(ruleTree, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: (thrown: unknown, _parent: unknown, _args: unknown, context: object, info: GraphQLResolveInfo) => {
      if (isGatewayError(thrown)) return thrown;
      return closedField((context as AuthorizedContext).principal, info);
    },
  });
  return { middleware, namedTypes: Object.keys(ruleTree) };
}

/**
 * Applies the permissions to the fields that have resolvers: the root fields, which decide, and any
 * field resolver a type may gain. Plain data fields (graphql-js's default resolver) are not wrapped,
 * which keeps graphql-shield's per-field cost off every value of a 256-instance answer. Deny by default
 * still holds: a root field nobody named is denied, and every object type must be named in the map,
 * so a new type fails start-up (and the tests) until someone decides who may read it.
 */
export function applyPermissions(schema: GraphQLSchema, options: PermissionsOptions): GraphQLSchema {
  const { middleware, namedTypes } = createPermissions(schema, options);
  const named = new Set(namedTypes);
  const unnamed = Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__') && !named.has(type.name))
    .map((type) => type.name);
  if (unnamed.length > 0) {
    throw new Error(`the permissions map must name every object type, but it lacks ${unnamed.join(', ')} (src/auth/permissions.ts)`);
  }
  return applyMiddlewareToDeclaredResolvers(schema, middleware);
}

/**
 * UNAUTHENTICATED for the anonymous, FORBIDDEN naming the scopes (any one would do) for everyone else.
 * A scope may hold the caller's model name (`predict:<name>`), so it is echoed bounded.
 */
export function denial(principal: Principal, scopes: readonly string[], info: GraphQLResolveInfo): GatewayError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  const needed = scopes.map((scope) => describeValue(scope, MAX_ECHOED_NAME_CHARACTERS)).join(' or ');
  const details = { scopes: scopes.map((scope) => echoedDetail(scope, MAX_ECHOED_NAME_CHARACTERS)) };
  if (!isAuthenticated(principal)) {
    return new GatewayError(
      'UNAUTHENTICATED',
      `${field} needs credentials with scope ${needed}: send an API key (x-api-key) or a bearer token`,
      details,
    );
  }
  return new GatewayError('FORBIDDEN', `${field} needs scope ${needed}, which this caller does not have`, details);
}

function closedField(principal: Principal, info: GraphQLResolveInfo): GatewayError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (!isAuthenticated(principal)) return new GatewayError('UNAUTHENTICATED', `${field} needs credentials`);
  return new GatewayError('FORBIDDEN', `${field} is not open to any caller (denied by default)`);
}
