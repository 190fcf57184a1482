/**
 * The typed per-model root fields, built from the live model list: for each planned model an input
 * type (`IrisFeaturesInput`, one `Float!` per feature, or `DigitsTensorInput`), a prediction type
 * (`IrisPrediction`, with an `IrisLabel` enum for classifiers), and `predictIris(instances, version)`.
 * The resolvers are as thin as `predict`'s and go the same way: PredictService validates and encodes,
 * the operation's loaders batch with every other call of the tick (an alias of `predictIris` and a
 * `predict` on iris share one ONNX run), PredictService decodes.
 *
 * Each field carries its spec in `extensions.rootField` (the predict kind's `modelField`, from the task
 * registry), and each object type it answers with says `extensions.openResult`: the permissions and
 * the item costs read them from the schema a request was validated against, as for every root field
 * (../root-fields.ts), so nothing else needs to know which typed fields exist.
 */
import {
  GraphQLEnumType,
  type GraphQLEnumValueConfigMap,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  GraphQLFloat,
  type GraphQLInputFieldConfigMap,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  type GraphQLNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLString,
} from 'graphql';
import { GatewayError } from '../../errors/gateway-error.js';
import type { InstanceInput } from '../../tasks/predict/predict-codec.js';
import type { PredictService } from '../../tasks/predict/predict-service.js';
import type { GatewayContext } from '../context.js';
import { type ListedModel, planSignature, planTypedModels, type ReservedNames, type TypedModel, type TypedModelProblem } from './plan.js';

export interface TypedModelFields {
  /** Equal signatures, equal fields: the schema is rebuilt only when it changes. */
  readonly signature: string;
  readonly fields: GraphQLFieldConfigMap<unknown, GatewayContext>;
  /** Every type the fields use (types reached only through them are listed too, for printing). */
  readonly types: readonly GraphQLNamedType[];
  /** Models left without a typed field, and why (for the log). */
  readonly problems: readonly TypedModelProblem[];
}

/** The typed fields for `listed` (the registry's models), avoiding the names in `reserved` (the rest of the schema). */
export function buildTypedModelFields(listed: readonly ListedModel[], reserved: ReservedNames, service: PredictService): TypedModelFields {
  const plan = planTypedModels(listed, reserved);
  const fields: GraphQLFieldConfigMap<unknown, GatewayContext> = {};
  const types: GraphQLNamedType[] = [];
  for (const model of plan.models) {
    const built = buildModelField(model, service);
    fields[model.field] = built.field;
    types.push(...built.types);
  }
  return { signature: planSignature(plan), fields, types, problems: plan.problems };
}

// Reached only through its root field, whose rule decides who may read it.
const OPEN_RESULT = { openResult: true };

// One model's field and the types it brings.
function buildModelField(
  model: TypedModel,
  service: PredictService,
): { field: GraphQLFieldConfig<unknown, GatewayContext>; types: GraphQLNamedType[] } {
  const input = inputTypeOf(model);
  const { prediction, types } = predictionTypeOf(model);
  const name = model.model;
  const tabular = model.input.kind === 'features';
  const classifier = model.classes !== undefined;
  const quoted = JSON.stringify(name);
  const field: GraphQLFieldConfig<unknown, GatewayContext, { instances: readonly Record<string, unknown>[]; version?: number | null }> = {
    type: new GraphQLList(new GraphQLNonNull(prediction)),
    description: `Runs model ${quoted} (${model.manifest.task}) on one or more instances, as \`predict(model: ${quoted})\` does, with its inputs and answers typed. ${model.manifest.description}`,
    args: {
      instances: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(input))),
        description: 'The instances to predict, in order.',
      },
      version: { type: GraphQLInt, description: 'Pin a version; the default is the highest ready one.' },
    },
    extensions: { rootField: model.spec },
    async resolve(_root, { instances, version }, context) {
      const { serving, items } = tabular
        ? service.prepareRows(name, version, instances)
        : service.prepare(name, version, instances.map(asTensorInstance));
      const outputs = await context.loaders.infer(serving, items);
      return outputs.map((out) => {
        const prediction = service.decode(serving, out);
        // The schema promised one value per instance; a replaced graph that answers more says so here.
        if (!classifier && model.singleValue && prediction.value === null)
          throw new GatewayError(
            'INFERENCE_FAILED',
            `model ${quoted} answered ${prediction.values.length} values per instance, but ${model.field} reads one: use predict until the schema follows`,
          );
        return prediction;
      });
    },
  };
  return { field: field as GraphQLFieldConfig<unknown, GatewayContext>, types: [input, prediction, ...types] };
}

function inputTypeOf(model: TypedModel): GraphQLInputObjectType {
  const quoted = JSON.stringify(model.model);
  if (model.input.kind === 'features') {
    const { features } = model.input;
    const fields: GraphQLInputFieldConfigMap = {};
    features.forEach((feature, i) => {
      fields[feature] = {
        type: new GraphQLNonNull(GraphQLFloat),
        description: `Feature ${JSON.stringify(feature)}: column ${i + 1} of ${features.length} of the model's input.`,
      };
    });
    return new GraphQLInputObjectType({
      name: model.inputType,
      description: `One instance for model ${quoted}: its ${features.length} features by name, each a finite number that float32 holds (|x| <= 3.4e38).`,
      fields,
    });
  }
  const { shape } = model.input;
  const fixed = shape.every((d) => typeof d === 'number');
  const written = `[${shape.join(', ')}]`;
  const size = fixed ? (shape as number[]).reduce((product, d) => product * d, 1) : null;
  const fields: GraphQLInputFieldConfigMap = {
    tensor: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLFloat))),
      description:
        size !== null
          ? `One instance of shape ${written}, flattened row-major: ${size} values.`
          : `One instance of shape ${written} (named dimensions are dynamic), flattened row-major: as many values as \`shape\` says.`,
    },
  };
  if (!fixed)
    fields.shape = {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLInt))),
      description: `The instance's shape without the batch dimension: ${written}, with a size for each named dimension.`,
    };
  return new GraphQLInputObjectType({
    name: model.inputType,
    description: `One instance for tensor model ${quoted}: a ${written} tensor (the model's input shape without the batch dimension).`,
    fields,
  });
}

// The prediction type, and the label enum and probability type of a classifier.
function predictionTypeOf(model: TypedModel): { prediction: GraphQLObjectType; types: GraphQLNamedType[] } {
  const quoted = JSON.stringify(model.model);
  const nonNull = (type: GraphQLOutputType) => new GraphQLNonNull(type);
  const floats = nonNull(new GraphQLList(nonNull(GraphQLFloat)));
  const common = {
    model: { type: nonNull(GraphQLString), description: 'The model that answered.' },
    version: { type: nonNull(GraphQLInt), description: 'The model version that answered (the default version unless one was pinned).' },
  };
  const values = { type: floats, description: 'The raw output row, always (logits stay logits here).' };
  if (!model.classes) {
    const prediction = new GraphQLObjectType({
      name: model.predictionType,
      description: `The prediction of regression model ${quoted} for one instance.`,
      extensions: OPEN_RESULT,
      fields: {
        ...common,
        ...(model.singleValue ? { value: { type: nonNull(GraphQLFloat), description: 'The predicted value.' } } : {}),
        values,
      },
    });
    return { prediction, types: [] };
  }
  const { labelType, probabilityType, labels } = model.classes;
  const valueMap: GraphQLEnumValueConfigMap = {};
  for (const { name, label } of labels) valueMap[name] = { value: label, description: `The label ${JSON.stringify(label)}.` };
  const labelEnum = new GraphQLEnumType({
    name: labelType,
    description: `The labels of model ${quoted}, in its manifest's order.`,
    values: valueMap,
  });
  const probability = new GraphQLObjectType({
    name: probabilityType,
    description: `One label's probability, for model ${quoted}.`,
    extensions: OPEN_RESULT,
    fields: {
      label: { type: nonNull(labelEnum), description: 'The label.' },
      probability: { type: nonNull(GraphQLFloat), description: 'Probability in [0, 1]; the probabilities of one prediction sum to 1.' },
    },
  });
  const prediction = new GraphQLObjectType({
    name: model.predictionType,
    description: `The prediction of classifier ${quoted} for one instance.`,
    extensions: OPEN_RESULT,
    fields: {
      ...common,
      label: { type: nonNull(labelEnum), description: 'The most probable label.' },
      score: { type: nonNull(GraphQLFloat), description: 'The probability of `label`.' },
      probabilities: {
        type: nonNull(new GraphQLList(nonNull(probability))),
        description: "Every label's probability, in the manifest's label order.",
      },
      scores: {
        type: floats,
        description: `Every label's probability as a plain list, in the order of \`${labelType}\`'s values: the cheaper shape for large batches.`,
      },
      values,
    },
  });
  return { prediction, types: [labelEnum, probability] };
}

// A typed tensor instance (`tensor` flat, `shape` beside it) in the generic input's form (`tensor: { values, shape }`).
function asTensorInstance(instance: Readonly<Record<string, unknown>>): InstanceInput {
  return { tensor: { values: instance.tensor as readonly unknown[], shape: (instance.shape as readonly unknown[] | undefined) ?? null } };
}
