/**
 * Host-side tensors and the batching arithmetic: items are stacked along a new batch dimension
 * (zero-padding dynamic dimensions to the longest item) and outputs are split back into rows.
 * Knows nothing of models' meaning.
 */

export type ElementType = 'float32' | 'int32' | 'int64';
export type TypedArray = Float32Array | Int32Array | BigInt64Array;

export interface HostTensor {
  readonly type: ElementType;
  readonly dims: readonly number[];
  readonly data: TypedArray;
}

/** One item's inputs by ONNX input name, each without the batch dimension. */
export type ItemFeeds = Record<string, HostTensor>;
/** One item's outputs by ONNX output name, each without the batch dimension. */
export type ItemOutputs = Record<string, HostTensor>;
/** A batch's tensors by name, batch dimension first. */
export type BatchTensors = Record<string, HostTensor>;

export function allocate(type: ElementType, length: number): TypedArray {
  switch (type) {
    case 'float32':
      return new Float32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
  }
}

export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (const d of dims) count *= d;
  return count;
}

/**
 * Stacks items into one batch per input. Every item must carry every name with the same element type and
 * rank (callers validate items before they join a batch); dynamic dimensions are padded with zeros.
 */
export function stackItems(names: readonly string[], items: readonly ItemFeeds[]): BatchTensors {
  const batch: BatchTensors = {};
  for (const name of names) {
    const first = items[0][name];
    const maxDims = first.dims.slice();
    let sameDims = true;
    for (const item of items) {
      const dims = item[name].dims;
      for (let d = 0; d < maxDims.length; d += 1) {
        if (dims[d] !== maxDims[d]) sameDims = false;
        if (dims[d] > maxDims[d]) maxDims[d] = dims[d];
      }
    }
    const rowSize = elementCount(maxDims);
    const data = allocate(first.type, rowSize * items.length);
    if (sameDims) copyRows(items, name, data);
    else for (const [row, item] of items.entries()) copyPadded(item[name], maxDims, data, row * rowSize);
    batch[name] = { type: first.type, dims: [items.length, ...maxDims], data };
  }
  return batch;
}

/** Splits batched outputs into one `ItemOutputs` per row (views on the batch's buffers, no copy). */
export function splitRows(outputs: BatchTensors, rows: number): ItemOutputs[] {
  const result: ItemOutputs[] = Array.from({ length: rows }, () => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.dims[0] !== rows) {
      throw new Error(`output "${name}" must have batch dimension ${rows}, but got dims [${tensor.dims.join(', ')}]`);
    }
    const rowDims = tensor.dims.slice(1);
    const rowSize = elementCount(rowDims);
    for (let row = 0; row < rows; row += 1) {
      result[row][name] = {
        type: tensor.type,
        dims: rowDims,
        data: tensor.data.subarray(row * rowSize, (row + 1) * rowSize) as TypedArray,
      };
    }
  }
  return result;
}

// Copies equally shaped rows in order. Rows that lie back to back in one buffer (a request's instances,
// encoded together) are copied with one call per run of them, not one per row.
function copyRows(items: readonly ItemFeeds[], name: string, target: TypedArray): void {
  let offset = 0;
  let runStart = 0;
  for (let i = 1; i <= items.length; i += 1) {
    const previous = items[i - 1][name].data;
    const next = i < items.length ? items[i][name].data : undefined;
    if (next && next.buffer === previous.buffer && next.byteOffset === previous.byteOffset + previous.byteLength) continue;
    const first = items[runStart][name].data;
    const length = previous.byteOffset + previous.byteLength - first.byteOffset;
    const run =
      i - runStart === 1
        ? first
        : (new (first.constructor as Float32ArrayConstructor)(
            first.buffer,
            first.byteOffset,
            length / first.BYTES_PER_ELEMENT,
          ) as TypedArray);
    (target as Float32Array).set(run as Float32Array, offset);
    offset += run.length;
    runStart = i;
  }
}

/**
 * Copies items' tensors into one buffer per input name, each item's data becoming a view on it: a
 * message between threads then transfers one buffer per name instead of one per item and name.
 * Every item must carry the same names with the same element types.
 */
export function packItems(items: readonly ItemFeeds[]): { items: ItemFeeds[]; buffers: ArrayBuffer[] } {
  if (items.length === 0) return { items: [], buffers: [] };
  const packed: ItemFeeds[] = items.map(() => ({}));
  const buffers: ArrayBuffer[] = [];
  for (const name of Object.keys(items[0])) {
    let total = 0;
    for (const item of items) total += item[name].data.length;
    const data = allocate(items[0][name].type, total);
    let offset = 0;
    items.forEach((item, i) => {
      const tensor = item[name];
      (data as Float32Array).set(tensor.data as Float32Array, offset);
      packed[i][name] = { type: tensor.type, dims: tensor.dims, data: data.subarray(offset, offset + tensor.data.length) as TypedArray };
      offset += tensor.data.length;
    });
    buffers.push(data.buffer as ArrayBuffer);
  }
  return { items: packed, buffers };
}

// Copies one item into a zero-filled row whose dims are at least the item's, dimension by dimension.
function copyPadded(tensor: HostTensor, rowDims: readonly number[], target: TypedArray, offset: number): void {
  const dims = tensor.dims;
  if (dims.length === 0) {
    (target as Float32Array)[offset] = (tensor.data as Float32Array)[0];
    return;
  }
  const innerSource = elementCount(dims.slice(1));
  const innerTarget = elementCount(rowDims.slice(1));
  if (dims.length === 1) {
    (target as Float32Array).set(tensor.data as Float32Array, offset);
    return;
  }
  for (let i = 0; i < dims[0]; i += 1) {
    const slice = tensor.data.subarray(i * innerSource, (i + 1) * innerSource) as TypedArray;
    copyPadded({ type: tensor.type, dims: dims.slice(1), data: slice }, rowDims.slice(1), target, offset + i * innerTarget);
  }
}
