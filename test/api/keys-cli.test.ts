import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

const root = join(import.meta.dirname, '..', '..');

/** `npm run keys -- ...`, as a real child process. */
function keysCli(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'keys.ts'), ...args], { cwd: root }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
}

describe('keys CLI round trip against the running server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  const file = join(dir, 'keys.json');
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a key that works, stores no plain key, and stops working once revoked', async () => {
    const created = await keysCli(['create', '--id', 'web-app', '--scopes', 'sentiment,recommend', '--file', file]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^gwk_/);
    expect(readFileSync(file, 'utf8')).not.toContain(key);

    server = await startTestServer({ API_KEYS_FILE: file });
    const ask = () =>
      server!.gql<{ classifySentiment: { label: string } | null }>(`{ classifySentiment(text: "lovely") { label } }`, undefined, {
        'x-api-key': key,
      });
    const before = await ask();
    expect(before.status).toBe(200);
    expect(before.body.data!.classifySentiment!.label).toBe('POSITIVE');

    expect((await keysCli(['revoke', '--id', 'web-app', '--file', file])).code).toBe(0);
    // The server notices the changed file on its own (file watch), without a restart.
    await expect.poll(async () => (await ask()).status, { timeout: 10_000, interval: 100 }).toBe(401);
    expect((await ask()).body.errors![0]).toMatchObject({ message: 'API key revoked', extensions: { code: 'UNAUTHENTICATED' } });
  });
});
