/**
 * The predict task's plain code: validates one instance against a tabular or tensor model's manifest
 * and encodes it as one item's feeds; decodes one item's output into a prediction.
 */
import { badInput, describeValue, MAX_ECHOED_NAME_CHARACTERS, pathSegment } from '../../errors/gateway-error.js';
import type { ModelManifest } from '../../models/manifest.js';
import { elementCount, type ItemFeeds, type ItemOutputs } from '../../runtime/tensor.js';
import { argmax, type ClassProbability, softmax } from '../shared/classification.js';

/** One instance as a client sends it: named features (tabular models) or a tensor (tensor models). */
export interface InstanceInput {
  readonly features?: Readonly<Record<string, unknown>> | null;
  readonly tensor?: TensorValues | null;
}

/** One instance's tensor: its values flattened row-major, and its shape without the batch dimension. */
export interface TensorValues {
  readonly values: readonly unknown[];
  readonly shape?: readonly unknown[] | null;
}

export interface PredictionResult {
  readonly model: string;
  readonly version: number;
  /** Classifiers: the most probable label, its probability, and every label's probability. */
  readonly label: string | null;
  readonly score: number | null;
  readonly probabilities: ClassProbability[] | null;
  /** Classifiers: every label's probability, in the manifest's label order (`probabilities` without the labels). */
  readonly scores: number[] | null;
  /** Regressors with a single output value. */
  readonly value: number | null;
  /** The raw output row, always (logits stay logits here). */
  readonly values: number[];
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Validates and encodes a call's instances into one Float32Array: each item's feeds are a view on its
 * rows, so a 256-instance call allocates one buffer, not 256 arrays. Well-formed tabular instances take
 * a fast path that writes each feature straight into the buffer; anything else goes through
 * `encodeInstance`, whose errors (naming `instances[i]`) are the same either way.
 */
export function encodeInstances(manifest: ModelManifest, model: string, instances: readonly InstanceInput[]): ItemFeeds[] {
  if (!manifest.task.startsWith('tabular'))
    return instances.map((instance, i) => encodeInstance(manifest, model, instance, `instances[${i}]`));
  const input = manifest.inputs[0];
  return encodeTabularRows(manifest, instances.length, (i, buffer, offset) => {
    if (!writeFeatures(manifest.features!, instances[i], buffer, offset)) {
      // Something is off with this instance: the careful path finds what, and throws naming it.
      buffer.set(encodeInstance(manifest, model, instances[i], `instances[${i}]`)[input.name].data as Float32Array, offset);
    }
  });
}

/**
 * Encodes rows of named features without the `features` wrapper (the typed per-model fields' inputs,
 * `instances: [IrisFeaturesInput!]!`) exactly as `encodeInstances` encodes tabular instances; errors
 * name `instances[i].<feature>`, the path the caller wrote.
 */
export function encodeFeatureRows(manifest: ModelManifest, model: string, rows: readonly Readonly<Record<string, unknown>>[]): ItemFeeds[] {
  if (!manifest.task.startsWith('tabular'))
    throw badInput(
      'instances',
      `must be tensors: model ${describeValue(model, MAX_ECHOED_NAME_CHARACTERS)} is a ${manifest.task} model now`,
    );
  const names = manifest.features!;
  return encodeTabularRows(manifest, rows.length, (i, buffer, offset) => {
    const row = rows[i];
    if (row === null || typeof row !== 'object' || !writeRow(names, row, buffer, offset))
      buffer.set(encodeFeatures(names, model, row, `instances[${i}]`), offset);
  });
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
    if (!hasFeatures)
      throw badInput(
        `${path}.tensor`,
        `must not be used with tabular model ${describeValue(model, MAX_ECHOED_NAME_CHARACTERS)}: send features by name (${manifest.features!.join(', ')})`,
      );
    return {
      [input.name]: {
        type: 'float32',
        dims: [manifest.features!.length],
        data: encodeFeatures(manifest.features!, model, instance.features!, `${path}.features`),
      },
    };
  }
  const tensor = instance.tensor;
  if (!tensor)
    throw badInput(
      `${path}.features`,
      `must not be used with tensor model ${describeValue(model, MAX_ECHOED_NAME_CHARACTERS)}: send tensor { values, shape }`,
    );
  const dims = resolveShape(input.shape.slice(1), tensor.shape, `${path}.tensor.shape`);
  const data = encodeTensor(tensor.values, elementCount(dims), dims, `${path}.tensor.values`);
  return { [input.name]: { type: 'float32', dims, data } };
}

/**
 * One item's output → the prediction (softmax for logits). Label and score are computed at once; the
 * lists (`values`, `probabilities`, `scores`) only when a client selects them, since most queries ask
 * for a few fields of many predictions.
 */
export function decodePrediction(manifest: ModelManifest, model: string, version: number, outputs: ItemOutputs): PredictionResult {
  const spec = manifest.outputs[0];
  const row = outputs[spec.name].data as Float32Array;
  if (manifest.labels && (spec.kind === 'logits' || spec.kind === 'probabilities')) {
    if (row.length !== manifest.labels.length) {
      throw new Error(`a classifier's output row must hold one value per label (${manifest.labels.length}), but got ${row.length}`);
    }
    return new ClassifierPrediction(model, version, row, manifest.labels, spec.kind);
  }
  return new RegressorPrediction(model, version, row);
}

class RegressorPrediction implements PredictionResult {
  readonly label = null;
  readonly score = null;
  readonly probabilities = null;
  readonly scores = null;
  readonly value: number | null;
  private list?: number[];

  constructor(
    readonly model: string,
    readonly version: number,
    private readonly row: Float32Array,
  ) {
    this.value = row.length === 1 ? row[0] : null;
  }

  get values(): number[] {
    this.list ??= Array.from(this.row, Number);
    return this.list;
  }
}

class ClassifierPrediction implements PredictionResult {
  readonly label: string;
  readonly score: number;
  readonly value = null;
  private list?: number[];
  private probabilityList?: number[];

  constructor(
    readonly model: string,
    readonly version: number,
    private readonly row: Float32Array,
    private readonly labels: readonly string[],
    private readonly kind: 'logits' | 'probabilities',
  ) {
    if (kind === 'logits') {
      const [best, score] = bestOfSoftmax(row);
      this.label = labels[best];
      this.score = score;
    } else {
      const best = argmax(row);
      this.label = labels[best];
      this.score = row[best];
    }
  }

  get values(): number[] {
    this.list ??= Array.from(this.row, Number);
    return this.list;
  }

  get scores(): number[] {
    this.probabilityList ??= this.kind === 'logits' ? softmax(this.row) : this.values;
    return this.probabilityList;
  }

  get probabilities(): ClassProbability[] {
    const scores = this.scores;
    return this.labels.map((label, i) => ({ label, probability: scores[i] }));
  }
}

// argmax(softmax(row)) and its probability without the array: the same arithmetic, in the same order,
// as `softmax` then `argmax` (first on ties), so label and score match `probabilities` exactly.
function bestOfSoftmax(row: Float32Array): [number, number] {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i += 1) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i += 1) sum += Math.exp(row[i] - max);
  let best = 0;
  let bestProbability = Math.exp(row[0] - max) / sum;
  for (let i = 1; i < row.length; i += 1) {
    const probability = Math.exp(row[i] - max) / sum;
    if (probability > bestProbability) {
      best = i;
      bestProbability = probability;
    }
  }
  return [best, bestProbability];
}

// One buffer for a call's rows, each item's feeds a view on its row; `write` fills row i at `offset`.
function encodeTabularRows(
  manifest: ModelManifest,
  count: number,
  write: (i: number, buffer: Float32Array, offset: number) => void,
): ItemFeeds[] {
  const input = manifest.inputs[0];
  const width = manifest.features!.length;
  const dims = [width];
  const buffer = new Float32Array(width * count);
  const items: ItemFeeds[] = new Array(count);
  for (let i = 0; i < count; i += 1) {
    const offset = i * width;
    write(i, buffer, offset);
    items[i] = { [input.name]: { type: 'float32', dims, data: buffer.subarray(offset, offset + width) } };
  }
  return items;
}

// The fast path for a well-formed tabular instance: exactly the named features, each a finite float32,
// written at `offset`. False (nothing thrown) when anything is off, so the careful path can say what.
function writeFeatures(names: readonly string[], instance: InstanceInput, target: Float32Array, offset: number): boolean {
  const features = instance.features;
  if (features === undefined || features === null || typeof features !== 'object' || Array.isArray(features)) return false;
  if (instance.tensor !== undefined && instance.tensor !== null) return false;
  return writeRow(names, features, target, offset);
}

// Exactly the named features, each a finite float32, written at `offset`; false when anything is off.
function writeRow(names: readonly string[], features: Readonly<Record<string, unknown>>, target: Float32Array, offset: number): boolean {
  for (let i = 0; i < names.length; i += 1) {
    const value = features[names[i]];
    if (typeof value !== 'number' || !(Math.abs(value) <= FLOAT32_MAX)) return false;
    target[offset + i] = value;
  }
  return Object.keys(features).length === names.length;
}

// Features by name, in the manifest's order; every one present, no unknown ones, each a finite float32.
function encodeFeatures(names: readonly string[], model: string, features: Readonly<Record<string, unknown>>, path: string): Float32Array {
  if (typeof features !== 'object' || Array.isArray(features))
    throw badInput(path, 'must be an object of feature names to numbers', features);
  const known = new Set(names);
  for (const key of Object.keys(features)) {
    if (!known.has(key))
      throw badInput(
        `${path}${pathSegment(key)}`,
        `must be one of the features of model ${describeValue(model, MAX_ECHOED_NAME_CHARACTERS)} (${names.join(', ')})`,
        key,
      );
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
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw badInput(`${path}[${i}]`, 'must be a positive integer', value);
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

/** A JSON value as one float32 element: finite and in range (errors name `path`). */
export function finiteFloat32(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badInput(path, 'must be a finite number', value);
  if (Math.abs(value) > FLOAT32_MAX) throw badInput(path, 'must fit in float32 (|x| <= 3.4e38)', value);
  return value;
}
