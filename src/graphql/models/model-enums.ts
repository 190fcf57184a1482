/**
 * The fixed value sets of ModelInfo and its parts, as GraphQL enums with a description per value.
 * Each set's values come from the model layer (`Record<...>` keys must cover its type exactly), so a
 * new status or task fails to compile here until it is described.
 */
import { MODEL_LOAD_FAILURES } from '../../errors/catalogue.js';
import type { ElementType, OutputKind, Task } from '../../models/manifest.js';
import type { ModelStatus, VersionStatus } from '../../models/registry.js';
import { registerValueEnum } from '../value-enum.js';

/** `unknown`: the manifest could not be read, so the task is not known. */
export type ModelTaskValue = Task | 'unknown';

export const ModelStatusEnum = registerValueEnum<ModelStatus>('ModelStatus', 'Whether a model serves, and how well.', {
  LOADING: 'Some versions are still loading; while none is ready, calls answer MODEL_UNAVAILABLE.',
  READY: 'Every version loaded and serves.',
  DEGRADED: 'It serves, but some versions failed to load or a change to its files was refused; `error` says why.',
  FAILED: 'No version could load; `error` and `errorCode` say why.',
  UNLOADED: 'Taken out of service: only in what unloadModel answers.',
});

export const ModelVersionStatusEnum = registerValueEnum<VersionStatus>('ModelVersionStatus', 'Whether one model version serves.', {
  LOADING: 'Still loading (or being checked and warmed up before it takes traffic).',
  READY: 'Loaded and serving.',
  FAILED: 'It could not load; `error` and `errorCode` say why.',
  UNLOADED: 'Taken out of service: only in what unloadModel answers.',
});

export const ModelTaskEnum = registerValueEnum<ModelTaskValue>('ModelTask', "What a model does: its manifest's `task`.", {
  'tabular-classification': 'Classifies named numeric features (manifest task `tabular-classification`); call it with predict.',
  'tabular-regression': 'Predicts a value from named numeric features (manifest task `tabular-regression`); call it with predict.',
  'tensor-classification': 'Classifies a tensor such as an image (manifest task `tensor-classification`); call it with predict.',
  'tensor-regression': 'Predicts values from a tensor (manifest task `tensor-regression`); call it with predict.',
  recommendation: 'Recommends catalog items from ratings (manifest task `recommendation`); behind recommendMovies.',
  'text-classification': 'Classifies texts (manifest task `text-classification`); behind classifySentiment(s).',
  unknown: 'The manifest could not be read, so the task is not known; `error` says why.',
});

export const ModelLoadFailureEnum = registerValueEnum(
  'ModelLoadFailure',
  'Why a model or one of its versions could not load (or why a change to its files was refused).',
  MODEL_LOAD_FAILURES,
);

export const TensorElementTypeEnum = registerValueEnum<ElementType>('TensorElementType', "An ONNX tensor's element type.", {
  float32: '32-bit floating point (manifest type `float32`).',
  int32: '32-bit integer (manifest type `int32`).',
  int64: '64-bit integer (manifest type `int64`).',
});

export const OutputKindEnum = registerValueEnum<OutputKind>('OutputKind', 'What an output holds, and so how the gateway reads it.', {
  logits: 'Raw class scores: softmax is applied before they are returned (manifest kind `logits`).',
  probabilities: 'Class probabilities, returned as they are (manifest kind `probabilities`).',
  values: 'Regression values (manifest kind `values`).',
  indices: 'Item indices, e.g. the rows of recommended movies (manifest kind `indices`).',
  scores: 'Scores of those items (manifest kind `scores`).',
});
