/**
 * GraphQL enums over sets of plain values the gateway already has (manifest tasks, statuses, catalog
 * genres). Resolvers keep returning and receiving the plain values (`tabular-classification`,
 * `Sci-Fi`); only the schema shows the enum names, which are what tools, codegen and the IDE see.
 */
import { registerEnumType } from 'type-graphql';

/**
 * The enum value name of a plain value: upper-cased, each character outside [A-Za-z0-9_] as `_`, and
 * `_` in front of a leading digit (`tabular-classification` → `TABULAR_CLASSIFICATION`, `Sci-Fi` →
 * `SCI_FI`, `3D` → `_3D`). The same rule for every enum built from data, so a client can tell a value's
 * name from the value.
 */
export function enumValueName(value: string): string {
  const name = value.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  if (/^[0-9]/.test(name)) return `_${name}`;
  // Names starting with "__" are reserved for introspection.
  return name.replace(/^__+/, '_');
}

/**
 * Names for distinct values, in the order given. Two values that would share a name (`Sci-Fi`,
 * `Sci Fi`) keep them apart with a suffix on the later one (`SCI_FI_2`); each value's description
 * still says which it is.
 */
export function enumValueNames(values: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const value of values) {
    const base = enumValueName(value);
    let name = base;
    for (let n = 2; taken.has(name); n += 1) name = `${base}_${n}`;
    taken.add(name);
    names.set(value, name);
  }
  return names;
}

/**
 * Registers a type-graphql enum named `name` whose values are `described`'s keys, each under its
 * `enumValueName` with its description; returns the enum object for `@Field(() => ...)` and `@Arg`.
 */
export function registerValueEnum<V extends string>(
  name: string,
  description: string,
  described: Readonly<Record<V, string>>,
): Record<string, V> {
  const enumObject: Record<string, V> = {};
  const valuesConfig: Record<string, { description: string }> = {};
  for (const [value, valueName] of enumValueNames(Object.keys(described) as V[]) as Map<V, string>) {
    enumObject[valueName] = value;
    valuesConfig[valueName] = { description: described[value] };
  }
  registerEnumType(enumObject, { name, description, valuesConfig });
  return enumObject;
}
