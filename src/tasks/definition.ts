/**
 * What a task kind declares, once: the manifest tasks it serves and their rules, the resources a loaded
 * version needs, the scope its models default to, and its root fields with the model each uses and
 * what a call costs in items. Plain data and functions, no GraphQL: src/graphql turns the fields into
 * resolvers and src/auth into permission rules. The list of kinds is src/tasks/registry.ts.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { ManifestRules, Task } from '../models/manifest.js';
import type { PrepareContext, ServingModel } from '../models/registry.js';

/** The task kinds, named after their folders under src/tasks. */
export type TaskKind = 'predict' | 'recommend' | 'sentiment';

/**
 * What one call of a root field costs from the item budget, read from its arguments before it runs:
 * one item per element of a list argument (a single value counts as one), one per started
 * `TEXT_CHARACTERS_PER_ITEM` characters of each text of a text or list-of-texts argument, or one per call.
 */
export type ItemCost =
  | { readonly per: 'element'; readonly argument: string }
  | { readonly per: 'text'; readonly argument: string }
  | { readonly per: 'call' };

/** Which model a root field uses: the value of one of its arguments (predict's `model`), or a fixed name. */
export type FieldModel = { readonly argument: string } | { readonly name: string };

/**
 * A root field that uses a model: callable by whoever may call that model (its manifest's scopes, else
 * its kind's default scope). `runs`: it infers on the model and must say what a call costs; `reads`: it
 * only reads the model's resources (the movie catalog) and costs nothing.
 */
export type ModelFieldSpec = {
  readonly kind: TaskKind;
  readonly model: FieldModel;
} & ({ readonly use: 'runs'; readonly cost: ItemCost } | { readonly use: 'reads' });

/** A root field that needs a scope (metadata, model control). */
export interface ScopeFieldSpec {
  readonly scope: string;
}

/** How a root field of the schema is authorized and charged; every Query and Mutation field has one. */
export type RootFieldSpec = ModelFieldSpec | ScopeFieldSpec;

/**
 * A task's root field as its definition declares it: `model: 'configured'` is the model the
 * configuration names for the kind (MODEL_SENTIMENT, MODEL_RECOMMENDER), filled in when the gateway's
 * field table is built.
 */
export type TaskField =
  | ({ readonly model: FieldModel | 'configured' } & ({ readonly use: 'runs'; readonly cost: ItemCost } | { readonly use: 'reads' }))
  | ScopeFieldSpec;

export interface TaskDefinition<Resources = undefined> {
  readonly kind: TaskKind;
  /** The manifest `task` values this kind serves. */
  readonly tasks: readonly Task[];
  /** What a manifest of those tasks must hold beyond the common shape. */
  readonly manifestRules: ManifestRules;
  /** The scope that may call one of its models when the manifest names none. */
  defaultScope(model: string): string;
  /** Builds a loaded version's resources (catalog, vocabulary); throws an Error naming the file when they are unusable. */
  readonly prepare?: (context: PrepareContext) => Resources | Promise<Resources>;
  /** Its root fields (all on Query), by name. */
  readonly fields: Readonly<Record<string, TaskField>>;
}

/**
 * The typed reader of a kind's resources: a serving version whose resources are not an instance of
 * `type` was not prepared by that kind (a configured model of another task), which is MODEL_UNAVAILABLE.
 */
export function resourcesReader<R extends object>(kind: TaskKind, type: abstract new (...args: never[]) => R) {
  return (serving: ServingModel): R => {
    const { resources } = serving;
    if (resources instanceof type) return resources;
    throw new GatewayError('MODEL_UNAVAILABLE', `model "${serving.name}" version ${serving.version} holds no ${kind} resources`, {
      model: serving.name,
      version: serving.version,
    });
  };
}
