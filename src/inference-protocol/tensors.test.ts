import { describe, expect, it } from 'vitest';
import { acceptedDatatypes, datatypeOf, decodeElements, encodeElements } from './tensors.js';

describe('v2 datatypes and element decoding', () => {
  it('names onnxruntime element types as the spec does', () => {
    expect(['float32', 'int32', 'int64', 'float64', 'bool', 'string'].map(datatypeOf)).toEqual([
      'FP32',
      'INT32',
      'INT64',
      'FP64',
      'BOOL',
      'BYTES',
    ]);
  });

  it('lets each element type decide what it accepts, its own datatype first', () => {
    expect(acceptedDatatypes('float32')).toEqual(['FP32', 'INT32', 'INT64']);
    expect(acceptedDatatypes('int32')).toEqual(['INT32']);
    expect(acceptedDatatypes('int64')).toEqual(['INT64', 'INT32']);
  });

  it('decodes FP32 values into float32, and integers into float32 only while exact', () => {
    expect(decodeElements([1.5, -2, 0], 'FP32', 'float32', 'data')).toEqual(new Float32Array([1.5, -2, 0]));
    expect(decodeElements([16_777_216, -16_777_216], 'INT64', 'float32', 'data')).toEqual(new Float32Array([16_777_216, -16_777_216]));
    expect(() => decodeElements([1, 16_777_217], 'INT32', 'float32', 'data')).toThrow(
      "data[1]: must be at most 16777216 in magnitude: INT32 values become the model's FP32 and must stay exact, but got 16777217",
    );
  });

  it('decodes INT32 and INT64 into integer inputs, within their ranges', () => {
    expect(decodeElements([2 ** 31 - 1, -(2 ** 31)], 'INT32', 'int32', 'data')).toEqual(new Int32Array([2 ** 31 - 1, -(2 ** 31)]));
    expect(() => decodeElements([2 ** 31], 'INT32', 'int32', 'data')).toThrow(
      'data[0]: must be an integer from -2147483648 to 2147483647 (INT32), but got 2147483648',
    );
    const int64 = decodeElements([Number.MAX_SAFE_INTEGER, -3], 'INT64', 'int64', 'data');
    expect(int64).toEqual(new BigInt64Array([BigInt(Number.MAX_SAFE_INTEGER), -3n]));
    expect(() => decodeElements([2 ** 53], 'INT64', 'int64', 'data')).toThrow(
      /^data\[0\]: must be an integer from -9007199254740991 to 9007199254740991/,
    );
    expect(encodeElements(int64)).toEqual([Number.MAX_SAFE_INTEGER, -3]);
  });

  it('refuses non-numbers whatever the datatype, naming the element', () => {
    expect(() => decodeElements([1, '2'], 'FP32', 'float32', 'inputs[0].data')).toThrow(
      'inputs[0].data[1]: must be a finite number, but got "2"',
    );
    expect(() => decodeElements([true], 'INT32', 'int32', 'data')).toThrow(
      'data[0]: must be an integer from -2147483648 to 2147483647 (INT32), but got boolean',
    );
  });
});
