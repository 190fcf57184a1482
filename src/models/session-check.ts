/**
 * Cross-checks a manifest against what onnxruntime reports of the loaded graph (or what a remote
 * inference server's v2 metadata says of its model), so a manifest that contradicts its model fails at
 * load time with the field at fault, not at the first request.
 */
import type { TensorMetadata } from './backend.js';
import type { Dimension, ModelManifest } from './manifest.js';

export interface Mismatch {
  /** Dotted manifest path, e.g. `inputs.0.shape.1`. */
  readonly field: string;
  readonly message: string;
}

const SUPPORTED_OUTPUT_TYPES = new Set(['float32', 'int32', 'int64']);

/** Returns the first contradiction between manifest and graph, or null when they agree. */
export function checkAgainstSession(
  manifest: ModelManifest,
  graph: { readonly inputs: readonly TensorMetadata[]; readonly outputs: readonly TensorMetadata[]; readonly source?: string },
): Mismatch | null {
  // Messages name where the graph came from: the ONNX file, or a remote server's metadata.
  const model = graph.source === undefined ? 'model.onnx' : 'the remote model';
  const graphInputs = new Map(graph.inputs.map((meta) => [meta.name, meta]));
  const graphOutputs = new Map(graph.outputs.map((meta) => [meta.name, meta]));

  for (const [index, spec] of manifest.inputs.entries()) {
    const meta = graphInputs.get(spec.name);
    const field = `inputs.${index}`;
    if (!meta) return { field: `${field}.name`, message: `names input "${spec.name}", but ${model} has inputs ${list(graph.inputs)}` };
    if (meta.type !== spec.type)
      return { field: `${field}.type`, message: `is "${spec.type}", but input "${spec.name}" in ${model} is ${meta.type}` };
    const shapeMismatch = compareShape(`${field}.shape`, spec.shape, meta.shape, `input "${spec.name}"`, model);
    if (shapeMismatch) return shapeMismatch;
  }
  const declared = new Set(manifest.inputs.map((spec) => spec.name));
  const undeclared = graph.inputs.find((meta) => !declared.has(meta.name));
  if (undeclared) return { field: 'inputs', message: `must declare every input of ${model}, but "${undeclared.name}" is missing` };

  for (const [index, spec] of manifest.outputs.entries()) {
    const meta = graphOutputs.get(spec.name);
    const field = `outputs.${index}`;
    if (!meta) return { field: `${field}.name`, message: `names output "${spec.name}", but ${model} has outputs ${list(graph.outputs)}` };
    if (!SUPPORTED_OUTPUT_TYPES.has(meta.type)) {
      return {
        field: `${field}.name`,
        message: `output "${spec.name}" must be a float32, int32 or int64 tensor, but ${model} gives ${meta.type} (export scikit-learn classifiers with zipmap=False)`,
      };
    }
    if (spec.shape) {
      const shapeMismatch = compareShape(`${field}.shape`, spec.shape, meta.shape, `output "${spec.name}"`, model);
      if (shapeMismatch) return shapeMismatch;
    }
    const isClassifierOutput = manifest.labels && (spec.kind === 'logits' || spec.kind === 'probabilities');
    const width = meta.shape[meta.shape.length - 1];
    if (isClassifierOutput && meta.shape.length >= 2 && typeof width === 'number' && width !== manifest.labels!.length) {
      return {
        field: 'labels',
        message: `lists ${manifest.labels!.length} labels, but output "${spec.name}" in ${model} has ${width} columns`,
      };
    }
  }
  return null;
}

// Ranks must agree; fixed sizes must agree; the batch dimension must be dynamic in the graph.
function compareShape(
  field: string,
  declared: readonly Dimension[],
  actual: readonly (number | string)[],
  what: string,
  model: string,
): Mismatch | null {
  if (actual.length === 0) return null; // the graph declares no shape: nothing to check
  if (declared.length !== actual.length) {
    return { field, message: `has rank ${declared.length}, but ${what} in ${model} has rank ${actual.length} (${show(actual)})` };
  }
  if (typeof actual[0] === 'number' && actual[0] !== -1) {
    return {
      field: `${field}.0`,
      message: `declares a dynamic batch dimension, but ${what} in ${model} fixes it to ${actual[0]}; export with a dynamic batch axis`,
    };
  }
  for (let d = 1; d < declared.length; d += 1) {
    const want = declared[d];
    const got = actual[d];
    if (typeof want === 'number' && typeof got === 'number' && got >= 0 && want !== got) {
      return { field: `${field}.${d}`, message: `is ${want}, but ${what} in ${model} has ${got} (${show(actual)})` };
    }
    if (typeof want === 'string' && typeof got === 'number' && got >= 0) {
      return { field: `${field}.${d}`, message: `is dynamic ("${want}"), but ${what} in ${model} fixes it to ${got}` };
    }
  }
  return null;
}

function list(metas: readonly TensorMetadata[]): string {
  return metas.map((meta) => `"${meta.name}"`).join(', ') || 'none';
}

function show(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === 'number' ? d : `"${d}"`)).join(', ')}]`;
}
