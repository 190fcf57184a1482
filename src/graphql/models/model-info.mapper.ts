import type { ModelCounters, ModelInfo as RegistryModelInfo } from '../../models/registry.js';
import { keyOf } from '../../models/registry.js';
import type { ModelInfo } from './model-info.type.js';

/** Registry metadata → the GraphQL ModelInfo shape. */
export function toModelInfo(info: RegistryModelInfo, counters: Readonly<Record<string, ModelCounters>>): ModelInfo {
  const manifest = info.manifest;
  return {
    name: info.name,
    task: manifest?.task ?? 'unknown',
    description: manifest?.description ?? null,
    status: info.status,
    error: info.error?.message ?? null,
    errorCode: info.error?.reason ?? null,
    versions: info.versions.filter((v) => v.status === 'READY').map((v) => v.version),
    defaultVersion: info.defaultVersion,
    versionDetails: info.versions.map((v) => {
      const c = counters[keyOf(info.name, v.version)];
      return {
        version: v.version,
        status: v.status,
        error: v.error?.message ?? null,
        errorCode: v.error?.reason ?? null,
        runs: c?.runs ?? 0,
        items: c?.items ?? 0,
        meanBatchSize: c && c.runs > 0 ? c.items / c.runs : null,
      };
    }),
    features: manifest?.features ?? null,
    labels: manifest?.labels ?? null,
    inputs:
      manifest?.inputs.map((spec) => ({ name: spec.name, type: spec.type, shape: spec.shape.map(String), role: spec.role ?? null })) ??
      null,
    outputs: manifest?.outputs.map((spec) => ({ name: spec.name, kind: spec.kind, role: spec.role ?? null })) ?? null,
    batching: manifest
      ? {
          maxBatchSize: manifest.batching.maxBatchSize,
          maxQueueDelayMs: manifest.batching.maxQueueDelayMs,
          maxQueueSize: manifest.batching.maxQueueSize,
          timeoutMs: manifest.batching.timeoutMs,
        }
      : null,
    training: manifest?.training ?? null,
  };
}
