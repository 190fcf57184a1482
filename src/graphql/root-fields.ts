/**
 * Every Query and Mutation field carries its `RootFieldSpec` (who may call it, which model it uses and
 * what a call costs) in its `extensions.rootField`. The permissions map (src/auth/permissions.ts) and
 * the item costs (./item-cost.ts) read them from the schema a request runs against, so a schema built
 * later with more fields (per-model fields generated from the model list) brings its own specs.
 *
 * The specs of the task kinds' fields come from their definitions (src/tasks/registry.ts); those of the
 * model repository's own fields are declared here. `checkRootFields` refuses a schema with a field
 * that has no spec, or that runs a model and has no usable item cost: such a field would be closed
 * to everyone, or, worse, escape the per-query cap and the rate limit.
 */
import { type GraphQLField, type GraphQLSchema, isListType, isNonNullType, type OperationTypeNode } from 'graphql';
import type { FieldModel, RootFieldSpec, TaskDefinition, TaskKind } from '../tasks/definition.js';
import { TASK_DEFINITIONS } from '../tasks/registry.js';

declare module 'graphql' {
  interface GraphQLFieldExtensions<_TSource, _TContext, _TArgs> {
    /** Set on every root field: how it is authorized and charged. */
    rootField?: RootFieldSpec;
  }
}

/** The root fields by coordinate (`Query.predict`). */
export type RootFieldTable = ReadonlyMap<string, RootFieldSpec>;

/** The spec of a root field of an operation of type `operation`, or undefined when it has none. */
export type RootFieldLookup = (operation: OperationTypeNode, field: string) => RootFieldSpec | undefined;

/** The model repository's fields: metadata for `models:read`, model control for `admin` only. */
const REPOSITORY_FIELDS: Readonly<Record<string, RootFieldSpec>> = {
  'Query.models': { scope: 'models:read' },
  'Query.model': { scope: 'models:read' },
  // Model control changes what every caller is served.
  'Mutation.loadModel': { scope: 'admin' },
  'Mutation.unloadModel': { scope: 'admin' },
};

export interface RootFieldTableOptions {
  /** The model each kind's `configured` fields use (MODEL_SENTIMENT, MODEL_RECOMMENDER). */
  readonly configuredModels: Readonly<Partial<Record<TaskKind, string>>>;
  /** The task kinds. @default TASK_DEFINITIONS */
  readonly tasks?: readonly TaskDefinition<unknown>[];
}

/** The specs of the schema's fixed root fields: every task kind's, and the model repository's. */
export function rootFieldTable({ configuredModels, tasks = TASK_DEFINITIONS }: RootFieldTableOptions): RootFieldTable {
  const table = new Map<string, RootFieldSpec>(Object.entries(REPOSITORY_FIELDS));
  for (const definition of tasks) {
    for (const [name, field] of Object.entries(definition.fields)) {
      const coordinate = `Query.${name}`;
      if (table.has(coordinate))
        throw new Error(`root field ${coordinate} must be declared once, but task kind ${definition.kind} declares it again`);
      if ('scope' in field) {
        table.set(coordinate, field);
        continue;
      }
      const configured = configuredModels[definition.kind];
      if (field.model === 'configured' && configured === undefined) {
        throw new Error(`task kind ${definition.kind} must be given its configured model (for ${coordinate})`);
      }
      const model: FieldModel = field.model === 'configured' ? { name: String(configured) } : field.model;
      table.set(
        coordinate,
        field.use === 'runs'
          ? { kind: definition.kind, model, use: 'runs', cost: field.cost }
          : { kind: definition.kind, model, use: 'reads' },
      );
    }
  }
  return table;
}

/**
 * Puts each spec of `table` on its field of `schema` (in place, like the descriptions type-graphql
 * cannot give); a spec for a field the schema lacks is an error, as it would guard nothing.
 */
export function declareRootFields(schema: GraphQLSchema, table: RootFieldTable): void {
  for (const [coordinate, spec] of table) {
    const [typeName, fieldName] = coordinate.split('.');
    const field = rootTypes(schema)
      .find((type) => type.name === typeName)
      ?.getFields()[fieldName];
    if (!field) throw new Error(`root field ${coordinate} is declared (with its permission and cost) but the schema has no such field`);
    field.extensions = { ...field.extensions, rootField: spec };
  }
}

/**
 * Refuses `schema` unless every Query and Mutation field has a spec, and every field that runs a model
 * has an item cost that reads an argument the field has. One error lists every problem, each naming
 * the field. Run it on every schema the gateway serves (at start-up, and on each rebuild).
 */
export function checkRootFields(schema: GraphQLSchema): void {
  const problems: string[] = [];
  for (const type of rootTypes(schema)) {
    for (const field of Object.values(type.getFields())) {
      const problem = fieldProblem(field);
      if (problem) problems.push(`${type.name}.${field.name} ${problem}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `every root field must have a permission rule and, when it runs a model, an item cost; ${problems.join('; ')}` +
        ' (declare task fields in src/tasks/<kind>/definition.ts, the others in src/graphql/root-fields.ts, generated ones in their extensions.rootField)',
    );
  }
}

/** Looks specs up on `schema`'s root types. */
export function rootFieldsOf(schema: GraphQLSchema): RootFieldLookup {
  return (operation, field) => schema.getRootType(operation)?.getFields()[field]?.extensions.rootField;
}

/** The specs of every root field of `schema`, by coordinate (for building the permissions map). */
export function rootFieldSpecs(schema: GraphQLSchema): Map<string, Map<string, RootFieldSpec>> {
  const byType = new Map<string, Map<string, RootFieldSpec>>();
  for (const type of rootTypes(schema)) {
    const fields = new Map<string, RootFieldSpec>();
    for (const field of Object.values(type.getFields())) if (field.extensions.rootField) fields.set(field.name, field.extensions.rootField);
    byType.set(type.name, fields);
  }
  return byType;
}

function rootTypes(schema: GraphQLSchema) {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
    (type) => type !== null && type !== undefined,
  );
}

// Why a root field cannot be served as it is declared, or null.
function fieldProblem(field: GraphQLField<unknown, unknown>): string | null {
  const spec = field.extensions.rootField;
  if (!spec) return 'has no permission rule';
  if ('scope' in spec) return null;
  const hasArgument = (name: string) => field.args.some((arg) => arg.name === name);
  if ('argument' in spec.model && !hasArgument(spec.model.argument)) {
    return `takes its model from argument "${spec.model.argument}", which it does not have`;
  }
  if (spec.use !== 'runs') return null;
  const { cost } = spec;
  if (!cost) return 'runs a model and has no item cost';
  if (cost.per === 'call') return null;
  const argument = field.args.find((arg) => arg.name === cost.argument);
  if (!argument) return `runs a model and its item cost reads argument "${cost.argument}", which it does not have`;
  const type = isNonNullType(argument.type) ? argument.type.ofType : argument.type;
  if (cost.per === 'element' && !isListType(type))
    return `runs a model and its item cost counts the elements of "${cost.argument}", which is not a list`;
  return null;
}
