import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('npm run soak', () => {
  it('runs a short soak end to end and prints its report', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(root, 'scripts', 'soak.ts'), '--seconds', '6', '--warmup', '2', '--connections', '4'],
        { cwd: root },
        (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }),
      );
    });
    // Too short to judge memory growth (GC noise), so only the report's shape and the 5xx count are checked.
    expect(stdout).toContain('soak report');
    expect(stdout).toMatch(/5xx for valid queries 0 \(goal 0\)/);
    expect(stdout).toMatch(/'401×\d+'/);
    expect([0, 1]).toContain(code);
  }, 60_000);
});
