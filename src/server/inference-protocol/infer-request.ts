/**
 * An Open Inference Protocol infer request (`{ id?, parameters?, inputs: [{ name, shape, datatype,
 * data }], outputs? }`) checked against a predict model's manifest and cut into one item per row,
 * the unit the dynamic batcher takes (so rows of a v2 request and instances of GraphQL requests share
 * runs). Plain TypeScript: every refusal is a BAD_USER_INPUT naming the JSON path, "must X, but got Y".
 *
 * - `shape` is the whole batch's: rows first, then the model's instance shape (its fixed sizes, and
 *   any positive size where the model's dimension is dynamic).
 * - `data` is row-major, flat or nested exactly as the shape (`[[1, 2], [3, 4]]` for [2, 2]).
 * - `parameters` (request, input and output level) are accepted and ignored; so are unknown keys.
 */
import { describeValue, GatewayError } from '../../errors/gateway-error.js';
import type { ModelManifest } from '../../models/manifest.js';
import { elementCount, type ItemFeeds } from '../../runtime/tensor.js';
import { acceptedDatatypes, decodeElements } from './tensors.js';

export interface InferRequestLimits {
  /** Rows one request may carry (MAX_INSTANCES, as for GraphQL's instances). */
  readonly maxRows: number;
}

export interface ParsedInferRequest {
  /** Echoed in the response when given. */
  readonly id?: string;
  readonly rows: number;
  /** One item per row, for `ServingModel.infer`. */
  readonly items: ItemFeeds[];
  /** Output names to return, in the model's order. */
  readonly outputs: readonly string[];
}

type Json = Record<string, unknown>;

export function parseInferRequest(
  body: unknown,
  model: { readonly name: string; readonly manifest: ModelManifest },
  limits: InferRequestLimits,
): ParsedInferRequest {
  if (!isObject(body)) {
    throw new GatewayError(
      'BAD_REQUEST',
      `the request body must be a JSON inference request object with inputs, but got ${describeValue(body)}`,
    );
  }
  if (body.id !== undefined && typeof body.id !== 'string') throw refuse('id', 'must be a string', body.id);
  const spec = model.manifest.inputs[0];
  const inputs = body.inputs;
  if (!Array.isArray(inputs) || inputs.length !== 1) {
    throw refuse('inputs', `must be a list of 1 input ("${spec.name}" of model "${model.name}")`, inputs);
  }
  const input = inputs[0] as unknown;
  if (!isObject(input)) throw refuse('inputs[0]', 'must be an object with name, shape, datatype and data', input);
  if (input.name !== spec.name) throw refuse('inputs[0].name', `must be "${spec.name}", the input of model "${model.name}"`, input.name);

  const shape = readShape(input.shape, spec.shape, limits, 'inputs[0].shape');
  const accepted = acceptedDatatypes(spec.type);
  if (typeof input.datatype !== 'string' || !accepted.includes(input.datatype)) {
    throw refuse(
      'inputs[0].datatype',
      `must be ${accepted.join(', ')} for input "${spec.name}" of model "${model.name}" (${spec.type})`,
      input.datatype,
    );
  }
  const values = flatten(input.data, shape, 'inputs[0].data');
  const data = decodeElements(values, input.datatype, spec.type, 'inputs[0].data');

  const rows = shape[0];
  const dims = shape.slice(1);
  const rowSize = elementCount(dims);
  const items: ItemFeeds[] = [];
  for (let row = 0; row < rows; row += 1) {
    items.push({ [spec.name]: { type: spec.type, dims, data: data.subarray(row * rowSize, (row + 1) * rowSize) as typeof data } });
  }
  return { id: body.id as string | undefined, rows, items, outputs: readOutputs(body.outputs, model) };
}

// The batch shape: rank and fixed sizes from the manifest, rows within the limit, every size positive.
function readShape(given: unknown, declared: readonly (number | string)[], limits: InferRequestLimits, path: string): number[] {
  const expected = `[rows, ${declared.slice(1).join(', ')}]`.replace(', ]', ']');
  if (!Array.isArray(given)) throw refuse(path, `must be a list of ${declared.length} integers ${expected}`, given);
  if (given.length !== declared.length) throw refuse(path, `must have ${declared.length} dimensions ${expected}`, given.length);
  given.forEach((dim: unknown, d) => {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0)
      throw refuse(`${path}[${d}]`, 'must be a non-negative integer', dim);
  });
  const shape = given as number[];
  if (shape[0] < 1) throw refuse(`${path}[0]`, 'must be at least 1 row', shape[0]);
  if (shape[0] > limits.maxRows) throw refuse(`${path}[0]`, `must be at most ${limits.maxRows} rows`, shape[0]);
  for (let d = 1; d < declared.length; d += 1) {
    const want = declared[d];
    if (typeof want === 'number' && shape[d] !== want)
      throw refuse(`${path}[${d}]`, `must be ${want}, as the model's shape ${expected} says`, shape[d]);
    if (shape[d] < 1) throw refuse(`${path}[${d}]`, 'must be a positive integer', shape[d]);
  }
  return shape;
}

// Row-major elements: a flat list of every element, or lists nested exactly as the shape.
function flatten(data: unknown, shape: readonly number[], path: string): unknown[] {
  const count = elementCount(shape);
  if (!Array.isArray(data)) throw refuse(path, `must be a list of ${count} values, flat or nested as the shape`, data);
  if (!Array.isArray(data[0])) {
    if (data.length !== count) throw refuse(path, `must hold ${count} values for shape [${shape.join(', ')}]`, data.length);
    return data;
  }
  const flat: unknown[] = [];
  const walk = (list: unknown, depth: number, at: string): void => {
    if (!Array.isArray(list) || list.length !== shape[depth]) {
      throw refuse(at, `must be a list of ${shape[depth]} (dimension ${depth} of shape [${shape.join(', ')}])`, list);
    }
    // Recursion is bounded by the model's rank, never by the client's nesting.
    if (depth === shape.length - 1) for (const value of list) flat.push(value);
    else for (const [i, inner] of list.entries()) walk(inner, depth + 1, `${at}[${i}]`);
  };
  walk(data, 0, path);
  return flat;
}

// The requested outputs, each a name the manifest serves; none (or an empty list) means all.
function readOutputs(requested: unknown, model: { readonly name: string; readonly manifest: ModelManifest }): readonly string[] {
  const served = model.manifest.outputs.map((spec) => spec.name);
  if (requested === undefined || (Array.isArray(requested) && requested.length === 0)) return served;
  if (!Array.isArray(requested)) throw refuse('outputs', 'must be a list of objects with a name', requested);
  const names = new Set<string>();
  requested.forEach((output: unknown, i) => {
    const name = isObject(output) ? output.name : undefined;
    if (typeof name !== 'string' || !served.includes(name)) {
      throw refuse(`outputs[${i}].name`, `must be an output of model "${model.name}" (${served.map((s) => `"${s}"`).join(', ')})`, name);
    }
    if (names.has(name)) throw refuse(`outputs[${i}].name`, 'must not repeat an output', name);
    names.add(name);
  });
  return served.filter((name) => names.has(name));
}

// BAD_USER_INPUT at `path`: "must X, but got Y", also when Y is missing ("but got nothing").
function refuse(path: string, expectation: string, got: unknown): GatewayError {
  return new GatewayError('BAD_USER_INPUT', `${path}: ${expectation}, but got ${describeValue(got)}`, { path });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
