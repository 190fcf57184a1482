/**
 * OneOf input objects (`input InstanceInput @oneOf`: exactly one field, not null). graphql-js 16.9+
 * checks them in validation (literals) and in variable coercion, codegen types them as unions, and
 * printSchema prints the directive, all from `GraphQLInputObjectType.isOneOf`. Two pieces of the stack
 * do not know it: type-graphql 2.0 rc only writes `@Directive('@oneOf')` into the type's AST, so
 * `applyOneOf` sets the flag from there; and graphql-jit's compiled variable coercion ignores it, so
 * the jit executor asks `oneOfVariablesCheck` first and lets graphql-js refuse the variables that break it.
 */
import {
  type GraphQLInputType,
  type GraphQLSchema,
  isInputObjectType,
  isListType,
  isNonNullType,
  type OperationDefinitionNode,
  typeFromAST,
} from 'graphql';

/** Marks every input object type declared with `@Directive('@oneOf')` as a OneOf input object. */
export function applyOneOf(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInputObjectType(type) && type.astNode?.directives?.some((directive) => directive.name.value === 'oneOf')) type.isOneOf = true;
  }
}

/** True when every OneOf input object in the variables has exactly one field, and it is not null. */
export type OneOfVariablesCheck = (variables: Readonly<Record<string, unknown>>) => boolean;

/** The check for an operation's variables, or null when no variable's type holds a OneOf input object. */
export function oneOfVariablesCheck(schema: GraphQLSchema, operation: OperationDefinitionNode): OneOfVariablesCheck | null {
  const checks: [string, ValueCheck][] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    const check = type && valueCheck(type, new Map());
    if (check) checks.push([definition.variable.name.value, check]);
  }
  if (checks.length === 0) return null;
  return (variables) =>
    checks.every(([name, check]) => variables[name] === undefined || variables[name] === null || check(variables[name]));
}

type ValueCheck = (value: unknown) => boolean;

// A check of values of `type` (null when nothing in it is OneOf). Values of the wrong shape pass:
// coercion refuses those anyway, and this only has to catch what graphql-jit would let through.
function valueCheck(type: GraphQLInputType, building: Map<GraphQLInputType, ValueCheck | null>): ValueCheck | null {
  if (isNonNullType(type)) return valueCheck(type.ofType, building);
  if (isListType(type)) {
    const item = valueCheck(type.ofType, building);
    if (!item) return null;
    // A single value where a list is expected is coerced to a list of one.
    return (value) => (Array.isArray(value) ? value.every((v) => v === null || v === undefined || item(v)) : item(value));
  }
  if (!isInputObjectType(type)) return null;
  if (building.has(type)) return building.get(type) ?? null;
  building.set(type, (value) => check(value)); // recursive types reach this entry before it is complete
  const fields: [string, ValueCheck][] = [];
  for (const field of Object.values(type.getFields())) {
    const fieldCheck = valueCheck(field.type, building);
    if (fieldCheck) fields.push([field.name, fieldCheck]);
  }
  const oneOf = type.isOneOf;
  const check: ValueCheck = (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
    const record = value as Record<string, unknown>;
    if (oneOf) {
      let given = 0;
      let field = '';
      for (const key of Object.keys(record)) {
        if (record[key] === undefined) continue;
        given += 1;
        field = key;
      }
      if (given !== 1 || record[field] === null) return false;
    }
    return fields.every(([name, fieldCheck]) => record[name] === undefined || record[name] === null || fieldCheck(record[name]));
  };
  if (!oneOf && fields.length === 0) {
    building.set(type, null);
    return null;
  }
  building.set(type, check);
  return check;
}
