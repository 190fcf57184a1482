/**
 * A remote model's v2 metadata (`GET /v2/models/{model}/versions/{version}`), read into the graph
 * description the registry cross-checks every model's manifest against (src/models/session-check.ts),
 * exactly as it checks what onnxruntime reports of a local model.onnx. Triton and KServe both answer
 * `{ name, versions?, platform, inputs: [{ name, datatype, shape }], outputs: [...] }`, with -1 for a
 * variable-size dimension; anything else is refused with what was wrong.
 */
import { z } from 'zod';
import { elementTypeOf } from '../../inference-protocol/tensors.js';
import type { GraphDescription, TensorMetadata } from '../../models/backend.js';

const MetadataTensor = z.object({
  name: z.string().min(1),
  datatype: z.string().min(1),
  shape: z.array(z.number().int().min(-1)),
});

const ModelMetadata = z.object({
  name: z.string().optional(),
  versions: z.array(z.string()).optional(),
  platform: z.string().optional(),
  inputs: z.array(MetadataTensor),
  outputs: z.array(MetadataTensor),
});

/** The metadata as a graph description; throws an Error saying which field is not the protocol's. */
export function graphFromMetadata(json: unknown, source: string): GraphDescription {
  const parsed = ModelMetadata.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    throw new Error(`the model metadata must follow the v2 protocol, but field ${field}: ${issue.message}`);
  }
  return { inputs: parsed.data.inputs.map(asTensorMetadata), outputs: parsed.data.outputs.map(asTensorMetadata), source };
}

// Datatypes become onnxruntime's element type names (FP32 → float32), which the manifest uses; a name
// the protocol does not define stays as it was sent, so the check's message shows it.
function asTensorMetadata(tensor: z.infer<typeof MetadataTensor>): TensorMetadata {
  return { name: tensor.name, type: elementTypeOf(tensor.datatype) ?? tensor.datatype, shape: tensor.shape };
}
