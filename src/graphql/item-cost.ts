/**
 * The cost of an operation in model items, counted before anything runs: the instances of every
 * predict, the texts of every classifySentiments, one per classifySentiment and recommendMovies.
 * Aliases, fragments and variables are all followed, so the count is what execution will infer.
 */
import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/** Root fields that infer, and the argument whose list length is their item count (null: one item). */
const ITEM_ARGUMENTS: Readonly<Record<string, string | null>> = {
  predict: 'instances',
  classifySentiments: 'texts',
  classifySentiment: null,
  recommendMovies: null,
};

export function countItems(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>> = {}): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let items = 0;
  forEachRootField(operation.selectionSet, fragments, new Set(), (field) => {
    const name = field.name.value;
    if (!(name in ITEM_ARGUMENTS)) return;
    const argumentName = ITEM_ARGUMENTS[name];
    if (argumentName === null) {
      items += 1;
      return;
    }
    const argument = field.arguments?.find((arg) => arg.name.value === argumentName);
    items += argument ? listLength(argument.value, variables) : 0;
  });
  return items;
}

// Visits the root fields of a selection set, through fragment spreads and inline fragments.
function forEachRootField(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>, visit: (field: FieldNode) => void): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) visit(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) forEachRootField(selection.selectionSet, fragments, seen, visit);
    else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || seen.has(name)) continue; // validation reports unknown and cyclic fragments
      seen.add(name);
      forEachRootField(fragment.selectionSet, fragments, seen, visit);
    }
  }
}

// A list argument's length, from a literal or a variable; a single value counts as a list of one (input coercion).
function listLength(value: ValueNode, variables: Readonly<Record<string, unknown>>): number {
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    if (Array.isArray(bound)) return bound.length;
    return bound === undefined || bound === null ? 0 : 1;
  }
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.NULL) return 0;
  return 1;
}
