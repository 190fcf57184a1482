/**
 * The Open Inference Protocol's tensor data types, and JSON element values ↔ host tensors. Shared by
 * both ends of the protocol: the gateway's own v2 routes (src/server/inference-protocol) and the client
 * of remote inference servers (src/backends/kserve-v2).
 *
 * What an input accepts is decided by the model's element type. A float32 input takes FP32, and also
 * INT32 or INT64 tensors whose every value float32 holds exactly (|x| <= 2^24), converted: an integer
 * tensor is a common way to send counts and flags, and the conversion loses nothing. Everything else
 * (FP64, FP16, BOOL, unsigned types, BYTES) is refused, as Triton refuses a datatype that differs from
 * the model's: a silent narrowing would hide a client's bug.
 */
import { badInput, describeValue, GatewayError } from '../errors/gateway-error.js';
import { allocate, type ElementType, elementCount, type TypedArray } from '../runtime/tensor.js';
import { finiteFloat32 } from '../tasks/predict/predict-codec.js';

/** The protocol's names for onnxruntime's element types (the spec's "Tensor Data Types" table). */
const DATATYPE_OF: Readonly<Record<string, string>> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

/** Request datatypes each element type accepts, the exact one first. */
const ACCEPTED: Readonly<Record<ElementType, readonly string[]>> = {
  float32: ['FP32', 'INT32', 'INT64'],
  int32: ['INT32'],
  int64: ['INT64', 'INT32'],
};

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Integers float32 represents exactly. */
const FLOAT32_EXACT_INT = 2 ** 24;

const ELEMENT_TYPE_OF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DATATYPE_OF).map(([elementType, datatype]) => [datatype, elementType]),
);

/** The protocol datatype of an onnxruntime element type (`float32` → `FP32`). */
export function datatypeOf(elementType: string): string {
  return DATATYPE_OF[elementType] ?? elementType.toUpperCase();
}

/** The onnxruntime element type of a protocol datatype (`FP32` → `float32`), or undefined for a name the spec does not define. */
export function elementTypeOf(datatype: string): string | undefined {
  return Object.hasOwn(ELEMENT_TYPE_OF, datatype) ? ELEMENT_TYPE_OF[datatype] : undefined;
}

/** The request datatypes an input of `elementType` accepts, e.g. FP32, INT32, INT64 for float32. */
export function acceptedDatatypes(elementType: ElementType): readonly string[] {
  return ACCEPTED[elementType];
}

/**
 * Decodes flat JSON values of request `datatype` into a typed array of `target`; errors name
 * `path[i]` and the offending value. The caller has checked that `target` accepts `datatype`.
 */
export function decodeElements(values: readonly unknown[], datatype: string, target: ElementType, path: string): TypedArray {
  const out = allocate(target, values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = readElement(values[i], datatype, `${path}[${i}]`);
    if (target === 'int64') (out as BigInt64Array)[i] = BigInt(value);
    else {
      if (target === 'float32' && datatype !== 'FP32' && Math.abs(value) > FLOAT32_EXACT_INT) {
        throw badInput(
          `${path}[${i}]`,
          `must be at most ${FLOAT32_EXACT_INT} in magnitude: ${datatype} values become the model's FP32 and must stay exact`,
          value,
        );
      }
      (out as Float32Array | Int32Array)[i] = value;
    }
  }
  return out;
}

/**
 * Row-major elements of `data` for `shape`: a flat list of every element, or lists nested exactly as
 * the shape (the spec allows both); errors name the JSON path, "must X, but got Y".
 */
export function flattenElements(data: unknown, shape: readonly number[], path: string): unknown[] {
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
    // Recursion is bounded by the shape's rank, never by the sender's nesting.
    if (depth === shape.length - 1) for (const value of list) flat.push(value);
    else for (let i = 0; i < list.length; i += 1) walk(list[i], depth + 1, `${at}[${i}]`);
  };
  walk(data, 0, path);
  return flat;
}

/** A tensor's elements as JSON numbers (int64 beyond 2^53 loses precision, as in any JSON). */
export function encodeElements(data: TypedArray): number[] {
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

// One element checked against its declared datatype.
function readElement(value: unknown, datatype: string, path: string): number {
  switch (datatype) {
    case 'FP32':
      return finiteFloat32(value, path);
    case 'INT32':
      if (!Number.isInteger(value) || (value as number) < INT32_MIN || (value as number) > INT32_MAX) {
        throw badInput(path, `must be an integer from ${INT32_MIN} to ${INT32_MAX} (INT32)`, value);
      }
      return value as number;
    case 'INT64':
      // JSON numbers beyond 2^53 have already lost precision when parsed.
      if (!Number.isSafeInteger(value))
        throw badInput(path, 'must be an integer from -9007199254740991 to 9007199254740991 (INT64 in JSON)', value);
      return value as number;
    default:
      throw badInput(path, 'must be of datatype FP32, INT32 or INT64', datatype);
  }
}

// BAD_USER_INPUT at `path`: "must X, but got Y", also when Y is missing ("but got nothing").
function refuse(path: string, expectation: string, got: unknown): GatewayError {
  return new GatewayError('BAD_USER_INPUT', `${path}: ${expectation}, but got ${describeValue(got)}`, { path });
}
