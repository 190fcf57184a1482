/**
 * A small builder for ONNX graphs over `onnx-proto`, used by the model build scripts.
 * Initializers are stored as little-endian `rawData`, so the encoded bytes are deterministic.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElementType = 'float32' | 'int32' | 'int64' | 'bool';
export type Dim = number | string;
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array;
export type AttributeValue = number | string | number[] | Float32Array | { floats: number[] } | { tensor: ConstantTensor };
export interface ConstantTensor {
  type: ElementType;
  dims: number[];
  data: TensorData;
}

const DATA_TYPE: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export const OPSET = 17;

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(private readonly graphName: string) {}

  /** Declares a graph input; string dims are symbolic (dynamic). */
  input(name: string, type: ElementType, shape: Dim[]): string {
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** Declares a graph output produced by some node. */
  output(name: string, type: ElementType, shape: Dim[]): string {
    this.outputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** Adds a constant weight tensor. */
  initializer(name: string, type: ElementType, dims: number[], data: TensorData): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected)
      throw new Error(`initializer ${name}: dims ${JSON.stringify(dims)} need ${expected} values, but got ${data.length}`);
    this.initializers.push(tensorProto(name, type, dims, data));
    return name;
  }

  /** Convenience for small constants: a float32 initializer from plain numbers. */
  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    return this.initializer(name, 'float32', dims, Float32Array.from(values));
  }

  /** Convenience for small constants: an int64 initializer from plain numbers. */
  int64s(name: string, dims: number[], values: ArrayLike<number>): string {
    return this.initializer(name, 'int64', dims, BigInt64Array.from(Array.from(values, (v) => BigInt(v))));
  }

  /**
   * Adds a node and returns its output name(s). `outputs` may be names or a count of fresh names.
   */
  node(opType: string, inputs: string[], outputs: string[] | number = 1, attributes: Record<string, AttributeValue> = {}): string[] {
    const outputNames = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType)) : outputs;
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: inputs,
      output: outputNames,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputNames;
  }

  /** A single-output node, returning its output name. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    return this.node(opType, inputs, outputName ? [outputName] : 1, attributes)[0];
  }

  /** Encodes the model (opset 17, IR version 8). */
  encode(options: { producer?: string; docString?: string } = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: options.producer ?? 'onnx-graphql-gateway/scripts',
      producerVersion: '1',
      docString: options.docString ?? '',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix.toLowerCase()}_${this.counter}`;
  }
}

function valueInfo(name: string, type: ElementType, shape: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[type],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function tensorProto(name: string, type: ElementType, dims: number[], data: TensorData): onnxProto.onnx.ITensorProto {
  return {
    name,
    dataType: DATA_TYPE[type],
    dims,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  };
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (value instanceof Float32Array) return { name, type: T.FLOATS, floats: Array.from(value) };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.TENSOR, t: tensorProto(name, value.tensor.type, value.tensor.dims, value.tensor.data) };
}

/** Reads an encoded model's initializers back as typed arrays (used by golden tests' independent math). */
export function readInitializers(bytes: Uint8Array): Map<string, { dims: number[]; data: Float32Array | BigInt64Array | Int32Array }> {
  const model = onnx.ModelProto.decode(bytes);
  const result = new Map<string, { dims: number[]; data: Float32Array | BigInt64Array | Int32Array }>();
  for (const init of model.graph?.initializer ?? []) {
    const raw = init.rawData as Uint8Array;
    const copy = new Uint8Array(raw); // a copy: Buffer.slice() would be a misaligned view
    const dims = (init.dims ?? []).map(Number);
    const data =
      init.dataType === onnx.TensorProto.DataType.FLOAT
        ? new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4)
        : init.dataType === onnx.TensorProto.DataType.INT64
          ? new BigInt64Array(copy.buffer, copy.byteOffset, copy.byteLength / 8)
          : new Int32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
    result.set(init.name as string, { dims, data });
  }
  return result;
}
