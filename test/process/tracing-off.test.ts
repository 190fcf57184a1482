import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The @opentelemetry packages a fresh process loads to build a gateway with tracing on or off. */
async function packagesLoaded(tracing: 'on' | 'off'): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/support/opentelemetry-loads.ts', tracing]);
  return JSON.parse(stdout) as string[];
}

describe('tracing off', () => {
  it('loads nothing of OpenTelemetry but its API (whose global tracer is a no-op); on, the SDK', async () => {
    expect(await packagesLoaded('off')).toEqual(['@opentelemetry/api']);
    expect(await packagesLoaded('on')).toEqual(expect.arrayContaining(['@opentelemetry/api', '@opentelemetry/sdk-trace']));
  });
});
