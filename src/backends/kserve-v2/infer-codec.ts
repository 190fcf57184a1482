/**
 * One batch as a v2 infer request, and the remote's infer response back as batch tensors, checked
 * against what the remote's own metadata promised at load: every output asked for, its datatype, its
 * rank and fixed sizes, one row per item of the batch, every element a finite number of its datatype.
 * An answer that breaks any of these is `malformed`, never half-read into wrong results.
 */
import { describeValue } from '../../errors/gateway-error.js';
import { datatypeOf, decodeElements, encodeElements, flattenElements } from '../../inference-protocol/tensors.js';
import type { TensorMetadata } from '../../models/backend.js';
import { type BatchTensors, type ElementType, elementCount } from '../../runtime/tensor.js';
import { RemoteCallError } from './client.js';

/** Bytes allowed per element of an answer: a float64 in JSON with its separator takes at most about 25. */
const BYTES_PER_ELEMENT = 64;
/** Room for the answer's names, shapes and whitespace. */
const ANSWER_OVERHEAD_BYTES = 64 * 1024;
/** The cap when an output has a variable-size dimension besides the batch, so its size cannot be known. */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The body of one infer call: every input of the batch, flat row-major, and the outputs wanted. */
export function encodeInferRequest(feeds: BatchTensors, fetches: readonly string[]): string {
  return JSON.stringify({
    inputs: Object.entries(feeds).map(([name, tensor]) => ({
      name,
      shape: tensor.dims,
      datatype: datatypeOf(tensor.type),
      data: encodeElements(tensor.data),
    })),
    outputs: fetches.map((name) => ({ name })),
  });
}

/** The most bytes a well-formed answer of `fetches` for `rows` rows can take, from the outputs' fixed sizes. */
export function answerByteLimit(outputs: ReadonlyMap<string, TensorMetadata>, fetches: readonly string[], rows: number): number {
  let elements = 0;
  for (const name of fetches) {
    const row = outputs.get(name)?.shape.slice(1);
    if (!row) return MAX_ANSWER_BYTES;
    if (row.some((d) => typeof d !== 'number' || d < 0)) return MAX_ANSWER_BYTES;
    elements += rows * elementCount(row as number[]);
  }
  return Math.min(MAX_ANSWER_BYTES, ANSWER_OVERHEAD_BYTES + elements * BYTES_PER_ELEMENT);
}

/**
 * The outputs `fetches` of an infer response for a batch of `rows`, each checked against its metadata
 * (`outputs`, by name). Throws a `malformed` RemoteCallError naming the JSON path at fault.
 */
export function decodeInferResponse(
  json: unknown,
  outputs: ReadonlyMap<string, TensorMetadata>,
  fetches: readonly string[],
  rows: number,
): BatchTensors {
  if (!isObject(json) || !Array.isArray(json.outputs)) throw misfit('outputs', 'must be a list of output tensors', describeValue(json));
  const answered = json.outputs as unknown[];
  const result: BatchTensors = {};
  for (const name of fetches) {
    const index = answered.findIndex((output) => isObject(output) && output.name === name);
    if (index < 0) throw misfit('outputs', `must hold output "${name}"`, describeNames(answered));
    const output = answered[index] as Record<string, unknown>;
    const path = `outputs[${index}]`;
    const meta = outputs.get(name);
    if (!meta) throw new RemoteCallError('malformed', `has no output "${name}" in the model's metadata`);
    const type = meta.type as ElementType;
    if (output.datatype !== datatypeOf(type)) {
      throw misfit(`${path}.datatype`, `must be ${datatypeOf(type)}, as the model's metadata says`, describeValue(output.datatype));
    }
    const shape = readShape(output.shape, meta, rows, `${path}.shape`);
    if (typeof output.data === 'string')
      throw misfit(`${path}.data`, 'must be JSON numbers (binary tensor data is not supported)', 'a string');
    let values: unknown[];
    try {
      values = flattenElements(output.data, shape, `${path}.data`);
      result[name] = { type, dims: shape, data: decodeElements(values, datatypeOf(type), type, `${path}.data`) };
    } catch (error) {
      // The shared decoder's messages are phrased for callers' input; here the remote is at fault.
      throw new RemoteCallError('malformed', `gave an answer that does not fit the model: ${(error as Error).message}`);
    }
  }
  return result;
}

// The answer's shape: the batch's rows first, the metadata's rank, its fixed sizes where it fixes them.
function readShape(given: unknown, meta: TensorMetadata, rows: number, path: string): number[] {
  if (!Array.isArray(given) || !given.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw misfit(path, 'must be a list of non-negative integers', describeValue(given));
  }
  const shape = given as number[];
  if (meta.shape.length > 0 && shape.length !== meta.shape.length) {
    throw misfit(path, `must have rank ${meta.shape.length}, as the model's metadata says`, `[${shape.join(', ')}]`);
  }
  if (shape[0] !== rows) throw misfit(`${path}[0]`, `must be ${rows}, the rows of the batch`, describeValue(shape[0]));
  for (let d = 1; d < meta.shape.length; d += 1) {
    const fixed = meta.shape[d];
    if (typeof fixed === 'number' && fixed >= 0 && shape[d] !== fixed) {
      throw misfit(`${path}[${d}]`, `must be ${fixed}, as the model's metadata says`, describeValue(shape[d]));
    }
  }
  return shape;
}

function misfit(path: string, expectation: string, got: string): RemoteCallError {
  return new RemoteCallError('malformed', `gave an answer that does not fit the model: ${path}: ${expectation}, but got ${got}`);
}

function describeNames(outputs: readonly unknown[]): string {
  const names = outputs.map((output) => (isObject(output) ? describeValue(output.name) : describeValue(output)));
  return names.length === 0 ? 'none' : names.slice(0, 5).join(', ') + (names.length > 5 ? ', ...' : '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
