/**
 * The graphql-shield permissions map over the whole schema, deny by default: a field not named here is
 * closed, so a new field stays closed until someone opens it on purpose. Rules return typed errors
 * (UNAUTHENTICATED for the anonymous, FORBIDDEN naming the missing scope) and are cached per request
 * where they depend only on the caller, so a 256-item query does not evaluate one 256 times.
 */

import { type GraphQLResolveInfo, type GraphQLSchema, isObjectType } from 'graphql';
import { applyMiddlewareToDeclaredResolvers } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import { describeValue, echoedDetail, GatewayError, isGatewayError, MAX_ECHOED_NAME_CHARACTERS } from '../errors/gateway-error.js';
import type { ModelRegistry } from '../models/registry.js';
import { canCallModel, modelScopes } from './model-access.js';
import { hasScope, isAuthenticated, type Principal } from './principal.js';

/** The part of the request context the rules read. */
export interface AuthorizedContext {
  readonly principal: Principal;
}

export interface PermissionsOptions {
  readonly registry: ModelRegistry;
  /** Model names behind classifySentiment(s) and recommendMovies/movies. */
  readonly sentimentModel: string;
  readonly recommenderModel: string;
  /** The per-model root fields of this schema (`predictIris` → `iris`) and the object types they answer with. */
  readonly typedModels?: {
    readonly fields: ReadonlyMap<string, string>;
    readonly objectTypes: readonly string[];
  };
}

export function createPermissions({ registry, sentimentModel, recommenderModel, typedModels }: PermissionsOptions) {
  const requireScope = (scope: string) =>
    rule(`scope:${scope}`, { cache: 'contextual' })((_parent, _args, { principal }: AuthorizedContext, info: GraphQLResolveInfo) =>
      hasScope(principal, scope) ? true : denial(principal, [scope], info),
    );

  // Depends on the model the field uses; the caller alone decides, so it is cached per request.
  // One rule per model name: shield refuses two rules with one name (both fields may use one model).
  const modelRules = new Map<string, ReturnType<ReturnType<typeof rule>>>();
  const requireModel = (model: string) => {
    let modelRule = modelRules.get(model);
    if (!modelRule) {
      modelRule = rule(`model:${model}`, { cache: 'contextual' })(
        (_parent, _args, { principal }: AuthorizedContext, info: GraphQLResolveInfo) => modelDecision(principal, model, info),
      );
      modelRules.set(model, modelRule);
    }
    return modelRule;
  };

  // Depends on the `model` argument: evaluated once per predict field (never per instance). A model the
  // caller may not call is answered exactly as one that does not exist (`models` hides it too), so a
  // key cannot learn which restricted models a repository holds: what a missing model of that name
  // would get, MODEL_NOT_FOUND or the denial naming the default scope `predict:<name>`.
  const canPredict = rule('predict', { cache: 'no_cache' })(
    (_parent, args: { model: string }, { principal }: AuthorizedContext, info: GraphQLResolveInfo) => {
      const { model } = args;
      if (registry.has(model) && canCallModel(principal, model, registry.manifestOf(model))) return true;
      return canCallModel(principal, model, undefined)
        ? registry.notFound(model)
        : denial(principal, modelScopes(model, undefined).scopes, info);
    },
  );

  function modelDecision(principal: Principal, model: string, info: GraphQLResolveInfo): true | GatewayError {
    const manifest = registry.manifestOf(model);
    if (canCallModel(principal, model, manifest)) return true;
    return denial(principal, modelScopes(model, manifest).scopes, info);
  }

  const canUseSentiment = requireModel(sentimentModel);
  const canUseRecommender = requireModel(recommenderModel);
  const canReadModels = requireScope('models:read');
  const canControlModels = requireScope('admin');
  const ruleTree = {
    Query: {
      predict: canPredict,
      classifySentiment: canUseSentiment,
      classifySentiments: canUseSentiment,
      recommendMovies: canUseRecommender,
      movies: canUseRecommender,
      moviesConnection: canUseRecommender,
      models: canReadModels,
      model: canReadModels,
      // predictIris: whoever may call iris. The field exists only for models the schema may show
      // (unrestricted, or restricted with `typedField: true`), so a denial reveals nothing new.
      ...Object.fromEntries([...(typedModels?.fields ?? [])].map(([field, model]) => [field, requireModel(model)])),
    },
    // Model control changes what every caller is served: admin only.
    Mutation: {
      loadModel: canControlModels,
      unloadModel: canControlModels,
    },
    // Reached only through the root fields above, which decide; every field of these types is open.
    Prediction: allow,
    ClassProbability: allow,
    SentimentResult: allow,
    Movie: allow,
    MovieRecommendation: allow,
    MovieConnection: allow,
    MovieEdge: allow,
    PageInfo: allow,
    ModelInfo: allow,
    ModelVersionInfo: allow,
    TensorInfo: allow,
    OutputInfo: allow,
    BatchingInfo: allow,
    ...Object.fromEntries((typedModels?.objectTypes ?? []).map((type) => [type, allow])),
  };
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
  const { middleware, namedTypes } = createPermissions(options);
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
