/** The machine's own Node.js: the first `node` on PATH outside any node_modules/.bin (where npm puts the pinned one). */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, sep } from 'node:path';

export function findSystemNode(path = process.env.PATH ?? ''): { path: string; version: string } | null {
  for (const dir of path.split(delimiter)) {
    if (!dir || dir.split(sep).includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    return { path: candidate, version };
  }
  return null;
}
