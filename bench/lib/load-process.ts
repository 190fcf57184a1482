/**
 * The load generator: a child process of the bench (never the server's process, never the bench's own
 * event loop) that runs autocannon on request over IPC and answers with the summarised result.
 */
import autocannon from 'autocannon';
import { summariseLatencies } from './stats.js';
import type { LoadResult, LoadSpec } from './load-types.js';

interface RunMessage {
  readonly id: number;
  readonly spec: LoadSpec;
}

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let responses = 0;
  let failures = 0;
  let failureSample: string | undefined;
  const latencies: number[] = [];
  const checkGraphQL = (spec.expect ?? 'graphql') === 'graphql';
  const onResponse = (status: number, body: string) => {
    const ok = status === 200 && (!checkGraphQL || !body.includes('"errors"'));
    if (ok) responses += 1;
    else {
      failures += 1;
      failureSample ??= `HTTP ${status}: ${body.slice(0, 500)}`;
    }
  };
  const instance = autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 30,
    ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
    requests: spec.requests.map((request) => ({
      method: request.method,
      path: request.path,
      headers: { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
      ...(request.body !== undefined ? { body: request.body } : {}),
      onResponse,
    })),
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    latencies.push(responseTimeMs);
  });
  const result = await instance;
  const elapsedSec = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    responses,
    failures,
    ...(failureSample !== undefined ? { failureSample } : {}),
    connectionErrors: result.errors,
    elapsedSec,
    responsesPerSec: responses / elapsedSec,
    latencyMs: summariseLatencies(latencies),
  };
}

process.on('message', (message: RunMessage) => {
  runLoad(message.spec).then(
    (result) => process.send!({ id: message.id, ok: true, result }),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
process.send!({ ready: true });
