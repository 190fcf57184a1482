/**
 * The load generator: a child process of the bench (never the server's process, never the bench's own
 * event loop) that runs autocannon on request over IPC and answers with the summarised result.
 */
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load-types.js';
import { summariseLatencies } from './stats.js';

interface RunMessage {
  readonly id: number;
  readonly spec: LoadSpec;
}

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.openLoop) return runOpenLoop(spec);
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

// Sends one request every 1/overallRate s, each on its own, and times each from when it was sent.
async function runOpenLoop(spec: LoadSpec): Promise<LoadResult> {
  const rate = spec.overallRate;
  if (!(rate !== undefined && rate > 0)) throw new Error(`an open-loop probe must have a positive overallRate, but got ${String(rate)}`);
  const checkGraphQL = (spec.expect ?? 'graphql') === 'graphql';
  const latencies: number[] = [];
  /** Sent and not yet answered: id → when it was sent. */
  const outstanding = new Map<number, number>();
  let nextId = 0;
  let responses = 0;
  let failures = 0;
  let failureSample: string | undefined;
  const send = async (request: LoadSpec['requests'][number]) => {
    const id = nextId++;
    const sentAt = performance.now();
    outstanding.set(id, sentAt);
    try {
      const response = await fetch(`${spec.origin}${request.path}`, {
        method: request.method,
        headers: { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      const text = await response.text();
      if (!outstanding.delete(id)) return; // the run ended first and counted it
      latencies.push(performance.now() - sentAt);
      if (response.status === 200 && (!checkGraphQL || !text.includes('"errors"'))) responses += 1;
      else {
        failures += 1;
        failureSample ??= `HTTP ${response.status}: ${text.slice(0, 500)}`;
      }
    } catch (error) {
      if (!outstanding.delete(id)) return;
      failures += 1;
      failureSample ??= String(error);
    }
  };
  const started = performance.now();
  const intervalMs = 1000 / rate;
  const total = Math.floor(spec.durationSec * rate);
  for (let i = 0; i < total; i += 1) {
    const scheduledAt = started + i * intervalMs;
    const wait = scheduledAt - performance.now();
    if (wait > 0)
      await new Promise((resolve) => {
        setTimeout(resolve, wait);
      });
    void send(spec.requests[i % spec.requests.length]);
  }
  await new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, started + spec.durationSec * 1000 - performance.now()));
  });
  const ended = performance.now();
  // Unanswered at the end: each counts with the time it has waited so far (a lower bound).
  for (const sentAt of outstanding.values()) latencies.push(ended - sentAt);
  const unanswered = outstanding.size;
  outstanding.clear();
  const elapsedSec = (ended - started) / 1000;
  return {
    responses,
    failures,
    ...(failureSample !== undefined ? { failureSample } : {}),
    connectionErrors: 0,
    elapsedSec,
    responsesPerSec: responses / elapsedSec,
    latencyMs: summariseLatencies(latencies),
    unanswered,
  };
}

process.on('message', (message: RunMessage) => {
  runLoad(message.spec).then(
    (result) => process.send!({ id: message.id, ok: true, result }),
    (error: unknown) =>
      process.send!({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.send!({ ready: true });
