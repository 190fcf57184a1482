/**
 * OpenTelemetry traces over real HTTP against real gateways, exported to the SDK's in-memory exporter:
 * the request, operation, root field, batch and compute spans with their parents and links; incoming
 * `traceparent` honoured on GraphQL and on the inference protocol; one batch serving two requests linked
 * to both; the trace ids on the log line; a remote call's client span and the remote's server span
 * under it; and nothing at all when tracing is off.
 */
import { once } from 'node:events';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { injectTraceparent, startTracing, type Tracing, traceLogFields, withClientSpan } from '../../src/observability/tracing.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';
import { irisRequest, v2 } from '../support/inference-protocol.js';
import { TempRepository } from '../support/temp-repository.js';

const FLOWER = '{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }';

/** A W3C traceparent for a fresh trace whose caller's span is `spanId`. */
function traceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}
const hex = (length: number, digit: string) => digit.repeat(length);
async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function close(server: Server): Promise<void> {
  server.close();
  await once(server, 'close');
}
/** Asks until `check` stops throwing (spans end, and log lines are written, as answers are sent). */
const eventually = <T>(check: () => T) => vi.waitFor(check, { timeout: 20_000, interval: 10 });

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();
  const repository = new TempRepository().copyBundled('iris');
  const lines: Record<string, unknown>[] = [];
  let tracing: Tracing;
  let server: TestServer;

  beforeAll(async () => {
    // iris-pair: batches of exactly two, whatever the timing, so two requests provably share one run.
    cpSync(join(repository.root, 'iris'), join(repository.root, 'iris-pair'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(repository.root, 'iris-pair', 'model.json'), 'utf8'));
    manifest.name = 'iris-pair';
    manifest.batching = { maxBatchSize: 2, maxQueueDelayMs: 10_000 };
    writeFileSync(join(repository.root, 'iris-pair', 'model.json'), JSON.stringify(manifest));

    tracing = (await startTracing(loadConfig({}).tracing, { exporter }))!;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    server = await startTestServer({ MODELS_DIR: repository.root }, { tracing, logger: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
    rmSync(repository.root, { recursive: true, force: true });
  });

  const spans = () => exporter.getFinishedSpans();
  const inTrace = (traceId: string) => spans().filter((span) => span.spanContext().traceId === traceId);
  const named = (name: string, among: readonly ReadableSpan[] = spans()) => among.filter((span) => span.name === name);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  /** The request's spans end as its answer is sent: wait until the server span is there. */
  const waitForServerSpan = (traceId: string) =>
    eventually(() => {
      const server = inTrace(traceId).find((span) => span.kind === SpanKind.SERVER);
      if (!server) throw new Error(`no server span in trace ${traceId} yet`);
      return server;
    });

  it('traces a GraphQL request: request, operation, root field, batch (linked to the field) and its compute step', async () => {
    const traceId = hex(32, 'a');
    const callerSpanId = hex(16, 'b');
    const response = await server.gql(`query Flowers { first: predict(model: "iris", instances: [${FLOWER}]) { label } }`, undefined, {
      'x-api-key': 'dev-key',
      traceparent: traceparent(traceId, callerSpanId),
    });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();

    const request = await waitForServerSpan(traceId);
    expect(request).toMatchObject({ name: 'POST /graphql', kind: SpanKind.SERVER });
    expect(parentOf(request)).toBe(callerSpanId); // the incoming traceparent's span
    expect(request.parentSpanContext?.isRemote).toBe(true);
    expect(request.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200 });

    const [operation] = named('query Flowers', inTrace(traceId));
    expect(parentOf(operation)).toBe(request.spanContext().spanId);
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Flowers' });

    const [field] = named('Query.predict', inTrace(traceId));
    expect(parentOf(field)).toBe(operation.spanContext().spanId);
    expect(field.attributes).toMatchObject({ 'graphql.field.name': 'predict', 'graphql.field.path': 'first' });
    expect(field.status.code).not.toBe(SpanStatusCode.ERROR);

    // The batch is a trace of its own, linked to the field whose items it carried.
    const batch = named('batch iris@2').find((span) => span.links.some((link) => link.context.traceId === traceId));
    expect(batch).toBeDefined();
    expect(batch!.parentSpanContext).toBeUndefined();
    expect(batch!.spanContext().traceId).not.toBe(traceId);
    expect(batch!.links.map((link) => link.context.spanId)).toEqual([field.spanContext().spanId]);
    // ...and the field links back to it, so the request's trace leads to the batch.
    expect(field.links.map((link) => link.context.spanId)).toEqual([batch!.spanContext().spanId]);
    expect(batch!.attributes).toMatchObject({ 'gateway.model.name': 'iris', 'gateway.model.version': 2, 'gateway.batch.size': 1 });

    // The worker's session.run, timed in the worker thread, under the batch.
    const [compute] = named('inference.compute').filter((span) => parentOf(span) === batch!.spanContext().spanId);
    expect(compute.spanContext().traceId).toBe(batch!.spanContext().traceId);
    expect(compute.attributes).toMatchObject({ 'gateway.model.name': 'iris', 'gateway.batch.size': 1 });

    // The request's log line names its trace and span.
    const line = lines.find((entry) => entry.msg === 'graphql request' && entry.trace_id === traceId);
    expect(line).toMatchObject({ operation: 'Flowers', span_id: request.spanContext().spanId });
  });

  it('starts a new trace for a request without traceparent, and marks a failed field', async () => {
    const response = await server.gql(`{ predict(model: "tulip", instances: [${FLOWER}]) { label } }`);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('MODEL_NOT_FOUND');
    const field = await eventually(() => {
      const found = named('Query.predict').find((span) => span.attributes['error.type'] === 'MODEL_NOT_FOUND');
      if (!found) throw new Error('no failed field span yet');
      return found;
    });
    expect(field.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'MODEL_NOT_FOUND' });
    const request = await waitForServerSpan(field.spanContext().traceId);
    expect(request.parentSpanContext).toBeUndefined();
    expect(request.attributes['gateway.error_codes']).toEqual(['MODEL_NOT_FOUND']);
  });

  it('links one batch to both requests it served: a GraphQL predict and an inference protocol infer', async () => {
    const graphqlTrace = hex(32, 'c');
    const v2Trace = hex(32, 'd');
    const [graphql, infer] = await Promise.all([
      server.gql(`{ predict(model: "iris-pair", instances: [${FLOWER}]) { label } }`, undefined, {
        'x-api-key': 'dev-key',
        traceparent: traceparent(graphqlTrace, hex(16, '1')),
      }),
      v2(server, '/v2/models/iris-pair/infer', irisRequest([[6.9, 3.1, 5.4, 2.1]]), {
        'x-api-key': 'dev-key',
        traceparent: traceparent(v2Trace, hex(16, '2')),
      }),
    ]);
    expect(graphql.status).toBe(200);
    expect(infer.status).toBe(200);

    const v2Request = await waitForServerSpan(v2Trace);
    expect(v2Request).toMatchObject({ name: 'POST /v2/models/:name/infer' });
    expect(parentOf(v2Request)).toBe(hex(16, '2'));
    await waitForServerSpan(graphqlTrace);
    const [field] = named('Query.predict', inTrace(graphqlTrace));

    const [batch] = named('batch iris-pair@2');
    expect(batch.attributes).toMatchObject({ 'gateway.batch.size': 2, 'gateway.batch.requests': 2 });
    const links = batch.links.map((link) => [link.context.traceId, link.context.spanId]);
    expect(links).toHaveLength(2);
    expect(links).toEqual(
      expect.arrayContaining([
        [graphqlTrace, field.spanContext().spanId],
        [v2Trace, v2Request.spanContext().spanId],
      ]),
    );
    for (const caller of [field, v2Request]) expect(caller.links.map((link) => link.context.spanId)).toEqual([batch.spanContext().spanId]);
  });

  it('traces a remote call: a client span under the caller, whose traceparent makes the remote server span its child', async () => {
    // The remote here is a second real gateway serving the inference protocol, sharing the exporter.
    const remote = await startTestServer({ MODELS_DIR: repository.root }, { tracing });
    try {
      const url = `${remote.origin}/v2/models/iris/infer`;
      const parent = tracing.tracer.startSpan('batch iris-remote@1', { root: true });
      const response = await context.with(trace.setSpan(context.active(), parent), () =>
        withClientSpan(
          {
            method: 'POST',
            url,
            name: 'POST /v2/models/{name}/infer',
            headers: { 'x-api-key': 'dev-key' },
            statusOf: (r: Response) => r.status,
          },
          (headers) =>
            fetch(url, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify(irisRequest()),
            }),
        ),
      );
      parent.end();
      expect(response.status).toBe(200);
      const traceId = parent.spanContext().traceId;
      const remoteRequest = await waitForServerSpan(traceId);
      const [client] = named('POST /v2/models/{name}/infer', inTrace(traceId));
      expect(client.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(client)).toBe(parent.spanContext().spanId);
      expect(client.attributes).toMatchObject({
        'http.request.method': 'POST',
        'server.address': '127.0.0.1',
        'url.full': url,
        'http.response.status_code': 200,
      });
      expect(parentOf(remoteRequest)).toBe(client.spanContext().spanId);
      expect(remoteRequest.name).toBe('POST /v2/models/:name/infer');
    } finally {
      await remote.close();
    }
  });

  describe('against a plain HTTP server', () => {
    let plain: Server;
    let origin: string;
    const received: IncomingHttpHeaders[] = [];
    let status = 200;
    beforeAll(async () => {
      plain = createServer((request, response) => {
        received.push(request.headers);
        response.writeHead(status).end('{}');
      });
      origin = await listen(plain);
    });
    afterAll(() => close(plain));

    it('injectTraceparent writes the active span as traceparent, and nothing outside a span', async () => {
      const span = tracing.tracer.startSpan('caller');
      const headers = context.with(trace.setSpan(context.active(), span), () => injectTraceparent({ accept: 'application/json' }));
      span.end();
      await fetch(origin, { headers });
      const { traceId, spanId } = span.spanContext();
      expect(received.at(-1)?.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      expect(injectTraceparent({})).toEqual({});
    });

    it('marks a 5xx answer and an unreachable server as failed client spans', async () => {
      status = 503;
      const answered = await withClientSpan(
        { method: 'GET', url: origin, name: 'probe-503', statusOf: (r: Response) => r.status },
        (headers) => fetch(origin, { headers }),
      );
      expect(answered.status).toBe(503);
      const [failed] = named('probe-503');
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
      expect(received.at(-1)?.traceparent).toBe(`00-${failed.spanContext().traceId}-${failed.spanContext().spanId}-01`);

      // A port nothing listens on any more.
      const closed = createServer();
      const deadUrl = `${await listen(closed)}/`;
      await close(closed);
      await expect(
        withClientSpan({ method: 'GET', url: deadUrl, name: 'probe-dead' }, (headers) => fetch(deadUrl, { headers })),
      ).rejects.toThrow();
      const [dead] = named('probe-dead');
      expect(dead.status.code).toBe(SpanStatusCode.ERROR);
      expect(dead.attributes['error.type']).toBe('TypeError');
    });
  });

  it("gives the gateway's log lines the active span's ids (its pino mixin), and none outside a span", () => {
    const written: Record<string, unknown>[] = [];
    const logger = pino(
      { mixin: traceLogFields },
      new Writable({
        write(chunk, _encoding, done) {
          written.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    const span = tracing.tracer.startSpan('work');
    context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
    span.end();
    logger.info('outside');
    expect(written[0]).toMatchObject({ msg: 'inside', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    expect(written[1]).not.toHaveProperty('trace_id');
  });

  it('makes no span for probes and health routes', async () => {
    const before = spans().length;
    const [health, ready] = await Promise.all([fetch(`${server.origin}/healthz`), fetch(`${server.origin}/v2/health/ready`)]);
    expect([health.status, ready.status]).toEqual([200, 200]);
    // A traced request after them: once its span is exported, the probes' would have been too.
    const traceId = hex(32, 'e');
    await server.gql('{ __typename }', undefined, { 'x-api-key': 'dev-key', traceparent: traceparent(traceId, hex(16, '3')) });
    await waitForServerSpan(traceId);
    const added = spans().slice(before);
    expect(added.every((span) => span.spanContext().traceId === traceId)).toBe(true);
  });
});

describe('tracing off', () => {
  it('starts nothing without OTEL_TRACES_EXPORTER or an endpoint, or with OTEL_SDK_DISABLED', async () => {
    expect(await startTracing(loadConfig({}).tracing)).toBeUndefined();
    expect(await startTracing(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_SDK_DISABLED: 'true' }).tracing)).toBeUndefined();
  });

  it('answers a request carrying traceparent with no trace ids in its log line and nothing propagated', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const server = await startTestServer({}, { logger: pino({ level: 'info' }, sink) });
    try {
      const response = await server.gql(`query Off { predict(model: "iris", instances: [${FLOWER}]) { label } }`, undefined, {
        'x-api-key': 'dev-key',
        traceparent: traceparent(hex(32, 'f'), hex(16, '4')),
      });
      expect(response.status).toBe(200);
      const line = await eventually(() => {
        const found = lines.find((entry) => entry.msg === 'graphql request' && entry.operation === 'Off');
        if (!found) throw new Error('no log line yet');
        return found;
      });
      expect(line).not.toHaveProperty('trace_id');
      expect(line).not.toHaveProperty('span_id');
      expect(injectTraceparent({})).toEqual({});
    } finally {
      await server.close();
    }
  });
});
