/** The manifest's `backend` field: a remote inference server instead of a local model.onnx. */
import { describe, expect, it } from 'vitest';
import { linearManifest } from '../../test/support/temp-repository.js';
import { parseManifest } from '../tasks/registry.js';

const remote = (backend: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  parseManifest({ ...linearManifest(overrides), backend: { kind: 'kserve-v2', url: 'http://inference:8000', model: 'iris', ...backend } });

describe('parseManifest: backend', () => {
  it('fills in version 1, no headers and the circuit breaker defaults, and leaves timeoutMs to batching', () => {
    const parsed = remote({});
    expect(parsed.ok && parsed.manifest.backend).toEqual({
      kind: 'kserve-v2',
      url: 'http://inference:8000',
      model: 'iris',
      version: 1,
      headers: {},
      circuitBreaker: { errorThresholdPercentage: 50, minimumCalls: 5, windowMs: 10_000, resetMs: 5_000 },
    });
  });

  it('takes the version as a string or a number, and header values naming variables', () => {
    for (const version of ['7', 7]) {
      const parsed = remote({ version, headers: { authorization: `Bearer \${INFERENCE_TOKEN}` }, timeoutMs: 2000 });
      expect(parsed.ok && parsed.manifest.backend).toMatchObject({
        version: 7,
        headers: { authorization: `Bearer \${INFERENCE_TOKEN}` },
        timeoutMs: 2000,
      });
    }
  });

  it('refuses what cannot be called, naming the field', () => {
    const refusals: [Record<string, unknown>, string, string][] = [
      [{ kind: 'grpc' }, 'backend.kind', 'Invalid input: expected "kserve-v2"'],
      [{ url: 'ftp://inference' }, 'backend.url', 'must be an http(s) URL such as http://inference:8000'],
      [{ model: '../iris' }, 'backend.model', 'must be a model name: letters, digits, ".", "_" or "-"'],
      [{ version: '01' }, 'backend.version', 'must be a positive integer such as "1"'],
      [{ headers: { 'content-type': 'text/plain' } }, 'backend.headers.content-type', 'is set by the gateway itself'],
      [{ headers: { 'x key': 'v' } }, 'backend.headers.x key', 'must be an HTTP header name'],
      [{ headers: { 'x-key': 'a\r\nx-admin: yes' } }, 'backend.headers.x-key', 'must be one line'],
      [{ timeoutMs: 20_000 }, 'backend.timeoutMs', 'must be at most batching.timeoutMs (10000), but got 20000'],
      [{ surprise: true }, 'backend', 'Unrecognized key: "surprise"'],
    ];
    for (const [backend, field, message] of refusals) {
      const parsed = remote(backend);
      expect(parsed.ok ? 'accepted' : { field: parsed.field, message: parsed.message }, JSON.stringify(backend)).toEqual({
        field,
        message,
      });
    }
  });
});
