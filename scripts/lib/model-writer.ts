/**
 * Writes one bundled model into the repository: `models/<name>/model.json` (validated against the
 * gateway's own manifest schema first) and `models/<name>/<version>/model.onnx`, plus extra files.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelManifestInput } from '../../src/models/manifest.js';
import { parseManifest } from '../../src/tasks/registry.js';

export const MODELS_DIR = resolve(process.env.MODELS_OUT_DIR ?? join(import.meta.dirname, '..', '..', 'models'));

export interface ModelFiles {
  manifest: ModelManifestInput;
  /** ONNX bytes per version number. */
  versions: Record<number, Uint8Array>;
  /** Extra files by file name (written in the model folder), serialised as given. */
  extraFiles?: Record<string, string>;
}

export function writeModel(name: string, files: ModelFiles): string {
  const parsed = parseManifest(files.manifest);
  if (!parsed.ok) throw new Error(`manifest for ${name} is invalid at ${parsed.field}: ${parsed.message}`);
  const dir = join(MODELS_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(files.manifest, null, 2)}\n`);
  for (const [version, bytes] of Object.entries(files.versions)) {
    mkdirSync(join(dir, version), { recursive: true });
    writeFileSync(join(dir, version, 'model.onnx'), bytes);
  }
  for (const [file, contents] of Object.entries(files.extraFiles ?? {})) {
    writeFileSync(join(dir, file), contents);
  }
  return dir;
}

/** Compact JSON for numeric arrays in extra files (keeps committed files small and diffs readable). */
export function round(value: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
