/**
 * Builds throwaway model repositories for tests: folders, manifests and ONNX files.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModelManifestInput } from '../../src/models/manifest.js';

export class TempRepository {
  readonly root = mkdtempSync(join(tmpdir(), 'models-'));

  /** Writes `<root>/<name>/model.json` from an object, or raw text when given a string. */
  manifest(name: string, manifest: ModelManifestInput | string): this {
    mkdirSync(join(this.root, name), { recursive: true });
    writeFileSync(join(this.root, name, 'model.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
    return this;
  }

  /** Writes `<root>/<name>/<version>/model.onnx`. */
  version(name: string, version: number, bytes: Uint8Array | string): this {
    mkdirSync(join(this.root, name, String(version)), { recursive: true });
    writeFileSync(join(this.root, name, String(version), 'model.onnx'), bytes);
    return this;
  }

  /** Copies bundled models (`models/<name>`) in, so a test may change them while a gateway serves them. */
  copyBundled(...names: string[]): this {
    for (const name of names) cpSync(resolve('models', name), join(this.root, name), { recursive: true });
    return this;
  }

  file(name: string, file: string, contents: string): this {
    mkdirSync(join(this.root, name), { recursive: true });
    writeFileSync(join(this.root, name, file), contents);
    return this;
  }
}

/** A valid manifest for `linearModel()` (input x [batch, 2], output y [batch, 3]) as a 3-class classifier. */
export function linearManifest(overrides: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return {
    task: 'tabular-classification',
    description: 'test model: y = x · W',
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
    outputs: [{ name: 'y', kind: 'logits' }],
    features: ['a', 'b'],
    labels: ['one', 'two', 'three'],
    ...overrides,
  };
}
