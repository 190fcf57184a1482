/**
 * The client's generated types are committed: they must match schema/schema.graphql and the
 * documents in client/src, and the browser code must type-check against them (with DOM types, which
 * `npm test`'s own type check of the server code leaves out).
 */
import { execFile } from 'node:child_process';
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
});
