/**
 * The cost of an operation in model items, counted before anything runs, from the item cost each
 * root field's spec declares (./root-fields.ts): the instances of every predict, one per text of
 * classifySentiment(s) (weighed by size), one per recommendMovies.
 * Aliases, fragments, variables and variables' default values are all followed, @skip/@include are
 * honoured and fields merged under one response key count once, so the count is what execution will run.
 */
import {
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import type { ModelFieldSpec, TaskKind } from '../tasks/definition.js';
import type { RootFieldLookup } from './root-fields.js';

/** Characters of text that cost one item: a 5,000-character text costs 5, a short one 1. */
export const TEXT_CHARACTERS_PER_ITEM = 1_000;

/** One root field that runs a model. */
export interface FieldCost {
  /** Its alias, or its name. */
  readonly responseKey: string;
  /** The field's name. */
  readonly field: string;
  /** The task kind whose field it is. */
  readonly kind: TaskKind;
  /** The model it runs: its fixed model, or the value of its model argument (null when that is not a string). */
  readonly model: string | null;
  /** Items it hands to its model: instances, texts, or 1. */
  readonly items: number;
  /** Characters of the texts it classifies. */
  readonly textCharacters: number;
  /** What it costs from the budget: its items, each text weighed by `TEXT_CHARACTERS_PER_ITEM`. */
  readonly cost: number;
}

/** The root fields of `operation` that run models (their specs say so, see ./root-fields.ts), each once, with what they ask for. */
export function costFields(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  rootFields: RootFieldLookup,
): FieldCost[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const bound = withDefaults(operation, variables);
  // graphql-js executes fields sharing a response key once (validation ensures they are the same call).
  const byKey = new Map<string, FieldCost>();
  forEachRootField(operation.selectionSet, fragments, bound, new Set(), (field) => {
    const spec = rootFields(operation.operation, field.name.value);
    if (!spec || !('use' in spec) || spec.use !== 'runs') return;
    const responseKey = field.alias?.value ?? field.name.value;
    if (!byKey.has(responseKey)) byKey.set(responseKey, fieldCost(field, spec, responseKey, bound));
  });
  return [...byKey.values()];
}

/** A text's cost: one item per started `TEXT_CHARACTERS_PER_ITEM` characters, at least one. */
export function textCost(characters: number): number {
  return Math.max(1, Math.ceil(characters / TEXT_CHARACTERS_PER_ITEM));
}

function fieldCost(
  field: FieldNode,
  spec: ModelFieldSpec & { readonly use: 'runs' },
  responseKey: string,
  variables: Readonly<Record<string, unknown>>,
): FieldCost {
  const argument = (argumentName: string) => field.arguments?.find((arg) => arg.name.value === argumentName)?.value;
  const named = 'name' in spec.model ? spec.model.name : argumentValue(argument(spec.model.argument), variables);
  const known = { responseKey, field: field.name.value, kind: spec.kind, model: typeof named === 'string' ? named : null };
  const { cost } = spec;
  if (cost.per === 'call') return { ...known, items: 1, textCharacters: 0, cost: 1 };
  const value = argument(cost.argument);
  if (cost.per === 'element') {
    const items = listLength(value, variables);
    return { ...known, items, textCharacters: 0, cost: items };
  }
  const lengths = textLengths(value, variables);
  const textCharacters = lengths.reduce((sum, length) => sum + length, 0);
  return { ...known, items: lengths.length, textCharacters, cost: lengths.reduce((sum, length) => sum + textCost(length), 0) };
}

// The request's variables, plus the default of every variable it leaves out (execution uses those too).
function withDefaults(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let bound: Record<string, unknown> | null = null;
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (!definition.defaultValue || variables[name] !== undefined) continue;
    bound ??= { ...variables };
    bound[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return bound ?? variables;
}

// Visits the root fields that execution will run, through fragment spreads and inline fragments.
function forEachRootField(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Readonly<Record<string, unknown>>,
  seen: Set<string>,
  visit: (field: FieldNode) => void,
): void {
  for (const selection of selectionSet.selections) {
    if (!isIncluded(selection.directives, variables)) continue;
    if (selection.kind === Kind.FIELD) visit(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) forEachRootField(selection.selectionSet, fragments, variables, seen, visit);
    else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || seen.has(name)) continue; // validation reports unknown and cyclic fragments
      seen.add(name);
      forEachRootField(fragment.selectionSet, fragments, variables, seen, visit);
    }
  }
}

// @skip(if: true) and @include(if: false) keep a selection from running; bad values fail validation later.
function isIncluded(directives: readonly DirectiveNode[] | undefined, variables: Readonly<Record<string, unknown>>): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = argumentValue(directive.arguments?.find((arg) => arg.name.value === 'if')?.value, variables);
    if (name === 'skip' && condition === true) return false;
    if (name === 'include' && condition === false) return false;
  }
  return true;
}

// A list argument's length; a single value counts as a list of one (input coercion).
function listLength(value: ValueNode | undefined, variables: Readonly<Record<string, unknown>>): number {
  if (value?.kind === Kind.LIST) return value.values.length;
  const resolved = argumentValue(value, variables);
  if (Array.isArray(resolved)) return resolved.length;
  return resolved === undefined || resolved === null ? 0 : 1;
}

// The length of every text in a text or list-of-texts argument (a value that is not a string counts as
// an empty text: coercion refuses it before anything runs).
function textLengths(value: ValueNode | undefined, variables: Readonly<Record<string, unknown>>): number[] {
  const lengthOf = (text: unknown) => (typeof text === 'string' ? text.length : 0);
  if (value?.kind === Kind.LIST) return value.values.map((element) => lengthOf(argumentValue(element, variables)));
  const resolved = argumentValue(value, variables);
  if (Array.isArray(resolved)) return resolved.map(lengthOf);
  return resolved === undefined || resolved === null ? [] : [lengthOf(resolved)];
}

function argumentValue(value: ValueNode | undefined, variables: Readonly<Record<string, unknown>>): unknown {
  if (value === undefined) return undefined;
  if (value.kind === Kind.VARIABLE) return variables[value.name.value];
  return valueFromASTUntyped(value, variables);
}
