/**
 * The Open Inference Protocol's answers: model metadata and infer responses, shaped from the
 * registry's facts and the rows the batcher returned. Outputs are the model's raw tensors (a `logits`
 * output stays logits; GraphQL's predict is where softmax and labels are applied).
 */
import { GatewayError } from '../../errors/gateway-error.js';
import { datatypeOf, encodeElements } from '../../inference-protocol/tensors.js';
import type { ModelInfo, ServingModel } from '../../models/registry.js';
import type { ItemOutputs } from '../../runtime/tensor.js';

/** Triton's platform name for models run by onnxruntime. */
export const PLATFORM = 'onnxruntime_onnx';

export interface TensorMetadata {
  readonly name: string;
  readonly datatype: string;
  /** -1 for dynamic dimensions (the batch, and any named one). */
  readonly shape: number[];
}

export interface ModelMetadataResponse {
  readonly name: string;
  readonly versions: string[];
  readonly platform: string;
  readonly inputs: TensorMetadata[];
  readonly outputs: TensorMetadata[];
}

export interface InferResponse {
  readonly model_name: string;
  readonly model_version: string;
  readonly id?: string;
  readonly outputs: { name: string; datatype: string; shape: number[]; data: number[] }[];
}

/**
 * Metadata of the serving version `serving`: `versions` lists every ready version when no version
 * was asked for, else the one asked for (as Triton answers a versioned metadata request).
 */
export function modelMetadata(info: ModelInfo, serving: ServingModel, versionAsked: boolean): ModelMetadataResponse {
  const ready = info.versions.filter((v) => v.status === 'READY').map((v) => String(v.version));
  const graph = info.versions.find((v) => v.version === serving.version)?.graph;
  return {
    name: info.name,
    versions: versionAsked ? [String(serving.version)] : ready,
    platform: PLATFORM,
    inputs: serving.manifest.inputs.map((spec) => ({
      name: spec.name,
      datatype: datatypeOf(spec.type),
      shape: dynamicAsMinusOne(spec.shape),
    })),
    outputs: serving.manifest.outputs.map((spec) => {
      const meta = graph?.outputs.find((output) => output.name === spec.name);
      const shape = meta && meta.shape.length > 0 ? meta.shape : (spec.shape ?? ['batch']);
      return { name: spec.name, datatype: datatypeOf(meta?.type ?? 'float32'), shape: dynamicAsMinusOne(shape) };
    }),
  };
}

/** The rows' outputs stacked back into one tensor per requested output, batch dimension first. */
export function inferResponse(
  serving: ServingModel,
  rows: readonly ItemOutputs[],
  outputs: readonly string[],
  id: string | undefined,
): InferResponse {
  return {
    model_name: serving.name,
    model_version: String(serving.version),
    ...(id === undefined ? {} : { id }),
    outputs: outputs.map((name) => {
      const first = rows[0][name];
      const data: number[] = [];
      for (const row of rows) {
        const tensor = row[name];
        // Rows of one request may come from different runs; a model whose output size varied between them cannot be stacked.
        if (tensor.dims.join() !== first.dims.join()) {
          throw new GatewayError(
            'INFERENCE_FAILED',
            `model "${serving.name}" output "${name}" must have one shape for every row, but got [${first.dims.join(', ')}] and [${tensor.dims.join(', ')}]`,
          );
        }
        for (const value of encodeElements(tensor.data)) data.push(value);
      }
      return { name, datatype: datatypeOf(first.type), shape: [rows.length, ...first.dims], data };
    }),
  };
}

function dynamicAsMinusOne(shape: readonly (number | string)[]): number[] {
  return shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
}
