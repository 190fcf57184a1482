/**
 * Which models get a typed root field (`predictIris`), and under which names: decided from the live
 * model list alone, before any GraphQL type is built. A model that cannot get one (a name taken by
 * another model or by the schema, a feature that is no GraphQL name, labels that collide once
 * sanitised) is left out with a problem saying why; the other models are not affected, and the model
 * itself is still served by `predict`.
 */
import type { Dimension, ModelManifest } from '../../models/manifest.js';
import type { ModelFieldSpec } from '../../tasks/definition.js';
import { modelFieldOf } from '../../tasks/registry.js';
import { isGraphQLName, labelValueName, pascalCase } from './naming.js';

/** A model as the registry lists it; models whose manifest could not be read have none. */
export interface ListedModel {
  readonly name: string;
  readonly manifest?: ModelManifest;
}

/** One model's typed field, with every name it adds to the schema. */
export interface TypedModel {
  readonly model: string;
  readonly manifest: ModelManifest;
  /** `predictIris` */
  readonly field: string;
  /** How the field is authorized and charged, from the model's task kind (src/tasks/registry.ts). */
  readonly spec: ModelFieldSpec;
  /** `IrisFeaturesInput` or `DigitsTensorInput` */
  readonly inputType: string;
  /** `IrisPrediction` */
  readonly predictionType: string;
  /** Classifiers: `IrisLabel` and `IrisClassProbability`, and each label with its enum value's name. */
  readonly classes?: {
    readonly labelType: string;
    readonly probabilityType: string;
    readonly labels: readonly { readonly name: string; readonly label: string }[];
  };
  /** Regressors: whether each instance has one value (then `value: Float!`), as far as the manifest says. */
  readonly singleValue: boolean;
  /** Tabular models: the feature names, in order. Tensor models: the instance's shape without the batch dimension. */
  readonly input:
    | { readonly kind: 'features'; readonly features: readonly string[] }
    | { readonly kind: 'tensor'; readonly shape: readonly Dimension[] };
}

export interface TypedModelProblem {
  readonly model: string;
  readonly message: string;
}

export interface TypedModelPlan {
  /** By field name. */
  readonly models: readonly TypedModel[];
  readonly problems: readonly TypedModelProblem[];
}

/** Names the schema already uses, which no model may take. */
export interface ReservedNames {
  readonly types: ReadonlySet<string>;
  readonly fields: ReadonlySet<string>;
}

export function planTypedModels(listed: readonly ListedModel[], reserved: ReservedNames): TypedModelPlan {
  const problems: TypedModelProblem[] = [];
  const candidates: TypedModel[] = [];
  for (const { name, manifest } of [...listed].sort((a, b) => byCodePoint(a.name, b.name))) {
    // Which models get one is the task registry's to say (their kind, and `graphql.typedField` in their manifest).
    const spec = manifest && modelFieldOf(name, manifest);
    if (!manifest || !spec) continue;
    const planned = planOne(name, manifest, spec);
    if (typeof planned === 'string') problems.push({ model: name, message: `model ${name} gets no typed field: ${planned}` });
    else candidates.push(planned);
  }
  // Two models whose names map to one GraphQL name would swap fields with whichever loaded last: both go without.
  const users = new Map<string, string[]>();
  for (const model of candidates) for (const name of namesOf(model)) users.set(name, [...(users.get(name) ?? []), model.model]);
  const models: TypedModel[] = [];
  for (const model of candidates) {
    const shared = namesOf(model)
      .map((name) => ({ name, models: users.get(name) ?? [] }))
      .find(({ models }) => models.length > 1);
    if (shared !== undefined) {
      const names = shared.models.join(', ');
      problems.push({
        model: model.model,
        message: `model ${model.model} gets no typed field: models ${names} all map to the GraphQL name ${shared.name}; rename one folder`,
      });
      continue;
    }
    const taken = namesOf(model).find((name) => reserved.types.has(name) || reserved.fields.has(name));
    if (taken !== undefined) {
      problems.push({
        model: model.model,
        message: `model ${model.model} gets no typed field: the schema already has ${taken}; rename the folder`,
      });
      continue;
    }
    models.push(model);
  }
  return { models: models.sort((a, b) => byCodePoint(a.field, b.field)), problems };
}

/** A stable text of what the plan puts in the schema: equal texts, equal schemas. */
export function planSignature(plan: TypedModelPlan): string {
  return JSON.stringify(
    plan.models.map((model) => [
      model.field,
      model.manifest.task,
      model.manifest.description,
      model.input,
      model.classes?.labels ?? null,
      model.singleValue,
    ]),
  );
}

// The typed model, or why it cannot have one.
function planOne(model: string, manifest: ModelManifest, spec: ModelFieldSpec): TypedModel | string {
  const base = pascalCase(model);
  if (!isGraphQLName(base)) return `its name does not give a GraphQL name (${JSON.stringify(base)})`;
  const tabular = manifest.task.startsWith('tabular');
  let input: TypedModel['input'];
  if (tabular) {
    const features = manifest.features ?? [];
    const bad = features.find((feature) => !isGraphQLName(feature));
    if (bad !== undefined)
      return `feature ${JSON.stringify(bad)} is not a GraphQL name (letters, digits and _, not starting with a digit or __)`;
    input = { kind: 'features', features };
  } else {
    input = { kind: 'tensor', shape: manifest.inputs[0].shape.slice(1) };
  }
  let classes: TypedModel['classes'];
  if (manifest.labels && manifest.task.endsWith('-classification')) {
    const labels = manifest.labels.map((label) => ({ name: labelValueName(label), label }));
    const seen = new Map<string, string>();
    for (const { name, label } of labels) {
      if (!isGraphQLName(name)) return `label ${JSON.stringify(label)} gives the enum value ${name}, which GraphQL reserves`;
      const other = seen.get(name);
      if (other !== undefined) return `labels ${JSON.stringify(other)} and ${JSON.stringify(label)} both give the enum value ${name}`;
      seen.set(name, label);
    }
    classes = { labelType: `${base}Label`, probabilityType: `${base}ClassProbability`, labels };
  }
  return {
    model,
    manifest,
    field: `predict${base}`,
    spec,
    inputType: tabular ? `${base}FeaturesInput` : `${base}TensorInput`,
    predictionType: `${base}Prediction`,
    classes,
    singleValue: valuesPerInstance(manifest) === 1,
    input,
  };
}

// The root field and the types the model adds.
function namesOf(model: TypedModel): string[] {
  return [
    model.field,
    model.inputType,
    model.predictionType,
    ...(model.classes ? [model.classes.labelType, model.classes.probabilityType] : []),
  ];
}

// Values per instance by the output's declared shape; 1 when the manifest does not say (checked at run time).
function valuesPerInstance(manifest: ModelManifest): number | null {
  const shape = manifest.outputs[0]?.shape;
  if (!shape) return 1;
  const rest = shape.slice(1);
  return rest.every((d) => typeof d === 'number') ? rest.reduce<number>((product, d) => product * (d as number), 1) : null;
}

// Locale-independent order, so the printed schema is the same on every machine.
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
