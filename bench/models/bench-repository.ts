/**
 * The bench's model repository, in a temporary folder: copies of the bundled models, plus the heavy
 * model twice, under two manifests that differ only in batching: `heavy` (dynamic batching on) and
 * `heavy-unbatched` (maxBatchSize 1: every request is its own ONNX run). The second's model.onnx is a
 * symlink to the first's, so both are byte-identical.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest } from '../../src/tasks/registry.js';
import { type HeavyModelShape, heavyManifest, heavyModel } from './heavy-model.js';

export const HEAVY_BATCHED = 'heavy';
export const HEAVY_UNBATCHED = 'heavy-unbatched';

export interface BenchRepositoryOptions {
  readonly bundledModelsDir: string;
  readonly shape: HeavyModelShape;
  /** The batched variant's scheduler knobs. */
  readonly maxBatchSize: number;
  readonly maxQueueDelayMs: number;
  /** Generate the heavy model (about 50 MB, a second or two); sections that do not need it skip it. */
  readonly withHeavyModel: boolean;
}

export interface BenchRepository {
  readonly root: string;
  /** The heavy model's ONNX file (for onnxruntime-alone measurements), when generated. */
  readonly heavyOnnx: string;
  remove(): void;
}

export function createBenchRepository(options: BenchRepositoryOptions): BenchRepository {
  const root = mkdtempSync(join(tmpdir(), 'gateway-bench-models-'));
  cpSync(options.bundledModelsDir, root, { recursive: true, dereference: true });
  const remove = () => rmSync(root, { recursive: true, force: true });
  const heavyOnnx = join(root, HEAVY_BATCHED, '1', 'model.onnx');
  if (!options.withHeavyModel) return { root, heavyOnnx, remove };

  const heavyDir = join(root, HEAVY_BATCHED);
  mkdirSync(join(heavyDir, '1'), { recursive: true });
  writeFileSync(heavyOnnx, heavyModel(options.shape));
  writeManifest(heavyDir, heavyManifest(options.shape, { maxBatchSize: options.maxBatchSize, maxQueueDelayMs: options.maxQueueDelayMs }));

  const unbatchedDir = join(root, HEAVY_UNBATCHED);
  mkdirSync(join(unbatchedDir, '1'), { recursive: true });
  symlinkSync(heavyOnnx, join(unbatchedDir, '1', 'model.onnx'));
  writeManifest(unbatchedDir, heavyManifest(options.shape, { maxBatchSize: 1, maxQueueDelayMs: 0 }));

  return { root, heavyOnnx, remove };
}

function writeManifest(dir: string, manifest: unknown): void {
  const parsed = parseManifest(manifest);
  if (!parsed.ok) throw new Error(`the bench's manifest for ${dir} must be valid, but ${parsed.field}: ${parsed.message}`);
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
