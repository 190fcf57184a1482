/**
 * GraphQL names for a model's typed field and types, and for its labels as enum values. Pure string
 * rules, so the schema's names can be predicted from a manifest (and tested without a schema).
 */

/** What graphql-js accepts as a name (and the names starting with `__`, which it reserves, are refused apart). */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** `demand-forecast` → `DemandForecast`, `iris` → `Iris`, `3d-scan` → `_3dScan` (a name must not start with a digit). */
export function pascalCase(model: string): string {
  const name = model
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `versicolor` → `VERSICOLOR`, `not spam` → `NOT_SPAM`, `7` → `_7`: upper-cased, other characters as `_`. */
export function labelValueName(label: string): string {
  const name = label.toUpperCase().replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** Whether graphql-js accepts `name` for a type, field or enum value the gateway defines. */
export function isGraphQLName(name: string): boolean {
  return GRAPHQL_NAME.test(name) && !name.startsWith('__');
}
