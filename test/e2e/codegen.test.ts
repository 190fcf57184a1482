/**
 * The client's generated types are committed: they must match schema/schema.graphql and the
 * documents in client/src, and the browser code must type-check against them (with DOM types, which
 * `npm test`'s own type check of the server code leaves out).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function exitOf(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('typed client code', () => {
  it('has generated files that are up to date (otherwise run `npm run codegen`)', { timeout: 120_000 }, async () => {
    const { code, output } = await exitOf('node_modules/.bin/graphql-codegen', ['--config', 'codegen.yml', '--check']);
    expect(output).not.toMatch(/stale files were detected/);
    expect(code).toBe(0);
  });

  it('type-checks the demo page and the client with DOM types (web/tsconfig.json)', { timeout: 120_000 }, async () => {
    const { code, output } = await exitOf('node_modules/.bin/tsc', ['-p', 'web/tsconfig.json']);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('refuses at compile time an instance with both or neither of features and tensor, and an unknown genre', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'codegen-types-'));
    const generated = resolve('client/src/gql/graphql.js');
    const lines = [
      `import type { Genre, InstanceInput, ModelTask } from '${generated}';`,
      'export const fine: InstanceInput[] = [{ features: { sepalLength: 5.1 } }, { tensor: { values: [0, 1], shape: [2] } }];',
      "export const genre: Genre = 'SCI_FI';",
      "export const task: ModelTask = 'TABULAR_CLASSIFICATION';",
      'export const both: InstanceInput = { features: {}, tensor: { values: [0] } };',
      'export const neither: InstanceInput = {};',
      "export const spelt: Genre = 'Sci-Fi';",
      "export const oldTask: ModelTask = 'tabular-classification';",
    ];
    writeFileSync(join(dir, 'uses.ts'), `${lines.join('\n')}\n`);
    const { code, output } = await exitOf('node_modules/.bin/tsc', [
      ...['--noEmit', '--strict', '--skipLibCheck', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022'],
      join(dir, 'uses.ts'),
    ]);
    expect(code).not.toBe(0);
    // Exactly the last four lines fail, each with a type error.
    const failedLines = [...output.matchAll(/uses\.ts\((\d+),\d+\): error TS\d+/g)].map((match) => Number(match[1]));
    expect([...new Set(failedLines)]).toEqual([5, 6, 7, 8]);
  });
});
