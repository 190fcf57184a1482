/**
 * The predict task's plain code: validates one instance against a tabular or tensor model's manifest
 * and encodes it as one item's feeds; decodes one item's output into a prediction.
 */
import { badInput, describeValue } from '../../errors/gateway-error.js';
import type { ModelManifest, Task } from '../../models/manifest.js';
import { elementCount, type ItemFeeds, type ItemOutputs } from '../../runtime/tensor.js';
import { classify, type ClassProbability } from '../shared/classification.js';

/** One instance as a client sends it: named features (tabular) or a flat tensor with its shape. */
export interface InstanceInput {
  readonly features?: Readonly<Record<string, unknown>> | null;
  readonly tensor?: readonly unknown[] | null;
  readonly shape?: readonly unknown[] | null;
}

export interface PredictionResult {
  readonly model: string;
  readonly version: number;
  /** Classifiers: the most probable label, its probability, and every label's probability. */
  readonly label: string | null;
  readonly score: number | null;
  readonly probabilities: ClassProbability[] | null;
  /** Regressors with a single output value. */
  readonly value: number | null;
  /** The raw output row, always (logits stay logits here). */
  readonly values: number[];
}

export const PREDICT_TASKS: readonly Task[] = ['tabular-classification', 'tabular-regression', 'tensor-classification', 'tensor-regression'];
const FLOAT32_MAX = 3.4028234663852886e38;

export function isPredictTask(task: Task): boolean {
  return PREDICT_TASKS.includes(task);
}

/** Validates one instance (errors name `path`, e.g. `instances[2]`) and encodes its feeds. */
export function encodeInstance(manifest: ModelManifest, model: string, instance: InstanceInput, path: string): ItemFeeds {
  const hasFeatures = instance.features !== undefined && instance.features !== null;
  const hasTensor = instance.tensor !== undefined && instance.tensor !== null;
  if (hasFeatures === hasTensor) {
    throw badInput(path, `must have exactly one of features or tensor, but got ${hasFeatures ? 'both' : 'neither'}`);
  }
  const input = manifest.inputs[0];
  const isTabular = manifest.task.startsWith('tabular');
  if (isTabular) {
    if (!hasFeatures) throw badInput(`${path}.tensor`, `must not be used with tabular model "${model}": send features by name (${manifest.features!.join(', ')})`);
    if (instance.shape !== undefined && instance.shape !== null) throw badInput(`${path}.shape`, `must not be used with tabular model "${model}"`);
    return { [input.name]: { type: 'float32', dims: [manifest.features!.length], data: encodeFeatures(manifest.features!, model, instance.features!, `${path}.features`) } };
  }
  if (!hasTensor) throw badInput(`${path}.features`, `must not be used with tensor model "${model}": send tensor (and shape)`);
  const dims = resolveShape(input.shape.slice(1), instance.shape, `${path}.shape`);
  const data = encodeTensor(instance.tensor!, elementCount(dims), dims, `${path}.tensor`);
  return { [input.name]: { type: 'float32', dims, data } };
}

/** One item's output → the prediction (softmax for logits). */
export function decodePrediction(manifest: ModelManifest, model: string, version: number, outputs: ItemOutputs): PredictionResult {
  const spec = manifest.outputs[0];
  const values = Array.from(outputs[spec.name].data as Float32Array, Number);
  const base = { model, version, values, label: null, score: null, probabilities: null, value: null };
  if (manifest.labels && (spec.kind === 'logits' || spec.kind === 'probabilities')) {
    const { label, score, probabilities } = classify(values, manifest.labels, spec.kind);
    return { ...base, label, score, probabilities };
  }
  return { ...base, value: values.length === 1 ? values[0] : null };
}

// Features by name, in the manifest's order; every one present, no unknown ones, each a finite float32.
function encodeFeatures(names: readonly string[], model: string, features: Readonly<Record<string, unknown>>, path: string): Float32Array {
  if (typeof features !== 'object' || Array.isArray(features)) throw badInput(path, 'must be an object of feature names to numbers', features);
  const known = new Set(names);
  for (const key of Object.keys(features)) {
    if (!known.has(key)) throw badInput(`${path}.${key}`, `must be one of the features of model "${model}" (${names.join(', ')})`, key);
  }
  const row = new Float32Array(names.length);
  names.forEach((name, i) => {
    if (!(name in features)) throw badInput(`${path}.${name}`, 'must be present');
    row[i] = finiteFloat32(features[name], `${path}.${name}`);
  });
  return row;
}

// The instance's shape without the batch dimension: the manifest's fixed dims, with dynamic ones from `shape`.
function resolveShape(declared: readonly (number | string)[], given: readonly unknown[] | null | undefined, path: string): number[] {
  const fixed = declared.every((d) => typeof d === 'number');
  if (given === undefined || given === null) {
    if (fixed) return declared as number[];
    throw badInput(path, `must be given: the model's instance shape [${declared.join(', ')}] has dynamic dimensions`);
  }
  if (!Array.isArray(given)) throw badInput(path, 'must be a list of integers', given);
  const mismatch = () => badInput(path, `must be [${declared.join(', ')}], but got [${given.map(describeValue).join(', ')}]`);
  if (given.length !== declared.length) throw mismatch();
  return declared.map((d, i) => {
    const value = given[i];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw badInput(`${path}[${i}]`, 'must be a positive integer', value);
    if (typeof d === 'number' && value !== d) throw mismatch();
    return value;
  });
}

function encodeTensor(values: readonly unknown[], expected: number, dims: readonly number[], path: string): Float32Array {
  if (!Array.isArray(values)) throw badInput(path, 'must be a list of numbers', values);
  if (values.length !== expected) throw badInput(path, `must hold ${expected} values for shape [${dims.join(', ')}]`, values.length);
  const data = new Float32Array(expected);
  for (let i = 0; i < expected; i += 1) {
    const value = values[i];
    // The path is built only for a bad value: a string per value cost more than the copy itself.
    data[i] = typeof value === 'number' && Math.abs(value) <= FLOAT32_MAX ? value : finiteFloat32(value, `${path}[${i}]`);
  }
  return data;
}

function finiteFloat32(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badInput(path, 'must be a finite number', value);
  if (Math.abs(value) > FLOAT32_MAX) throw badInput(path, 'must fit in float32 (|x| <= 3.4e38)', value);
  return value;
}
