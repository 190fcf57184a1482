import { describe, expect, it } from 'vitest';
import { type ItemFeeds, stackItems } from './tensor.js';

const item = (data: Float32Array | BigInt64Array): ItemFeeds => ({
  x: { type: data instanceof Float32Array ? 'float32' : 'int64', dims: [data.length], data },
});

describe('stackItems', () => {
  it('stacks rows in order, whether they are views back to back in one buffer or arrays of their own', () => {
    const shared = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const items = [
      item(shared.subarray(0, 2)),
      item(shared.subarray(2, 4)),
      item(new Float32Array([9, 10])),
      item(shared.subarray(6, 8)),
      item(shared.subarray(4, 6)),
    ];
    const batch = stackItems(['x'], items);
    expect(batch.x.dims).toEqual([5, 2]);
    expect(Array.from(batch.x.data as Float32Array)).toEqual([1, 2, 3, 4, 9, 10, 7, 8, 5, 6]);
  });

  it('copies int64 rows the same way', () => {
    const shared = new BigInt64Array([1n, 2n, 3n, 4n]);
    const batch = stackItems(['x'], [item(shared.subarray(0, 2)), item(shared.subarray(2, 4))]);
    expect(Array.from(batch.x.data as BigInt64Array)).toEqual([1n, 2n, 3n, 4n]);
  });

  it('pads rows of different sizes with zeros', () => {
    const batch = stackItems(['x'], [item(new Float32Array([1])), item(new Float32Array([2, 3]))]);
    expect(batch.x.dims).toEqual([2, 2]);
    expect(Array.from(batch.x.data as Float32Array)).toEqual([1, 0, 2, 3]);
  });
});
