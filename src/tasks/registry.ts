/**
 * The one list of task kinds. Everything that depends on a kind is built from it: the manifest schema
 * (each kind's rules), the resources a loaded version gets (each kind's preparer), the default scopes
 * of its models, and, in src/graphql and src/auth, the schema's resolvers, the permission rules and the
 * item costs of its root fields. Adding a kind: write src/tasks/<kind>/definition.ts and list it here
 * (the README's Architecture section says the rest).
 */
import { type ManifestParseResult, manifestSchema, parseWith, TASKS, type Task } from '../models/manifest.js';
import type { PrepareContext } from '../models/registry.js';
import type { TaskDefinition, TaskKind } from './definition.js';
import { PREDICT } from './predict/definition.js';
import { RECOMMEND } from './recommend/definition.js';
import { SENTIMENT } from './sentiment/definition.js';

/** Every task kind, once. */
export const TASK_DEFINITIONS: readonly TaskDefinition<unknown>[] = [PREDICT, RECOMMEND, SENTIMENT];

/** Each manifest task's kind; a task served by no kind, or by two, stops the process at load. */
const KIND_OF_TASK = kindsByTask(TASK_DEFINITIONS);

/** The kind that serves models of `task`. */
export function definitionOf(task: Task): TaskDefinition<unknown> {
  const definition = KIND_OF_TASK.get(task);
  if (!definition) throw new Error(`task "${task}" has no task kind (src/tasks/registry.ts)`);
  return definition;
}

/** The kind called `kind`. */
export function definitionNamed(kind: TaskKind): TaskDefinition<unknown> {
  const definition = TASK_DEFINITIONS.find((candidate) => candidate.kind === kind);
  if (!definition) throw new Error(`the task registry must list the kind "${kind}", but does not`);
  return definition;
}

/** The model manifest's schema: the common shape, plus each kind's rules for its tasks. */
export const ModelManifest = manifestSchema((task) => definitionOf(task).manifestRules);

/** Validates a parsed `model.json`; on failure names the first offending field as a dotted path (`inputs.0.shape`). */
export function parseManifest(json: unknown): ManifestParseResult {
  return parseWith(ModelManifest, json);
}

/** Builds a loaded version's resources with its kind's preparer (undefined for kinds that need none). */
export async function prepareResources(context: PrepareContext): Promise<unknown> {
  return definitionOf(context.manifest.task).prepare?.(context);
}

/** What the model lifecycle needs of the tasks. */
export const MODEL_TASKS = { parseManifest, prepareResources };

function kindsByTask(definitions: readonly TaskDefinition<unknown>[]): ReadonlyMap<Task, TaskDefinition<unknown>> {
  const byTask = new Map<Task, TaskDefinition<unknown>>();
  for (const definition of definitions) {
    for (const task of definition.tasks) {
      const other = byTask.get(task);
      if (other) throw new Error(`task "${task}" must belong to one task kind, but both ${other.kind} and ${definition.kind} declare it`);
      byTask.set(task, definition);
    }
  }
  const missing = TASKS.filter((task) => !byTask.has(task));
  if (missing.length > 0)
    throw new Error(`every manifest task must have a task kind, but ${missing.join(', ')} has none (src/tasks/registry.ts)`);
  return byTask;
}
