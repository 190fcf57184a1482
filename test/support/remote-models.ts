/**
 * Fixtures for models served by a remote inference server: a free port to restart a remote on, and
 * the front tier's iris manifest pointing at a remote (deploy/front-models/iris-remote/model.json, the
 * deployment's own example, with the test's URL and overrides).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { ModelManifestInput } from '../../src/models/manifest.js';

/** A port no one listens on now, for a server that must come back on the same port after a restart. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The deployment's example front-tier manifest for iris on the inference tier. */
export function exampleRemoteManifest(): ModelManifestInput {
  return JSON.parse(
    readFileSync(new URL('../../deploy/front-models/iris-remote/model.json', import.meta.url), 'utf8'),
  ) as ModelManifestInput;
}

type BackendInput = NonNullable<ModelManifestInput['backend']>;

/** The example manifest pointing at `url`, with `backend` and manifest fields overridden. */
export function remoteManifest(
  url: string,
  backend: Partial<BackendInput> = {},
  overrides: Partial<ModelManifestInput> = {},
): ModelManifestInput {
  const example = exampleRemoteManifest();
  return { ...example, ...overrides, backend: { ...example.backend!, url, ...backend } };
}
