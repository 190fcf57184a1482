import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The folder of a model's highest numbered version: the one the gateway serves by default. */
export function defaultVersionDir(repositoryRoot: string, model: string): string {
  const versions = readdirSync(join(repositoryRoot, model), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[1-9][0-9]*$/.test(entry.name))
    .map((entry) => Number(entry.name));
  if (versions.length === 0) throw new Error(`model ${model} in ${repositoryRoot} must have a version folder, but has none`);
  return join(repositoryRoot, model, String(Math.max(...versions)));
}
