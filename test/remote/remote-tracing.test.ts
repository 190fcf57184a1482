/**
 * A traced front whose iris-remote runs on a second gateway: the remote call is a client span under the
 * front's batch span, and its traceparent makes the remote gateway's request span its child, so one
 * trace runs across both tiers (both gateways here export to the same in-memory exporter).
 */
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';
import { remoteManifest } from '../support/remote-models.js';
import { TempRepository } from '../support/temp-repository.js';

const ONE =
  'query ($model: String!) { predict(model: $model, instances: [{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }]) { label } }';

describe('a remote model in a trace', () => {
  const exporter = new InMemorySpanExporter();
  const remoteModels = new TempRepository().copyBundled('iris');
  const frontModels = new TempRepository();
  let tracing: Tracing;
  let remote: TestServer;
  let front: TestServer;

  beforeAll(async () => {
    tracing = (await startTracing(loadConfig({}).tracing, { exporter })) as Tracing;
    remote = await startTestServer({ MODELS_DIR: remoteModels.root }, { tracing });
    frontModels.manifest('iris-remote', remoteManifest(remote.origin));
    front = await startTestServer({ MODELS_DIR: frontModels.root, INFERENCE_API_KEY: 'dev-key' }, { tracing });
  });
  afterAll(async () => {
    await front?.close();
    await remote?.close();
    await tracing?.shutdown();
  });

  it("puts the v2 call under the front's batch, and the remote's request under the call", async () => {
    const answer = await front.gql<{ predict: { label: string }[] }>(ONE, { model: 'iris-remote' });
    expect(answer.body.data?.predict).toEqual([{ label: 'setosa' }]);

    const spans = () => exporter.getFinishedSpans();
    const call = await vi.waitFor(
      () => {
        const found = spans().find((span) => span.name === 'POST /v2/models/{name}/versions/{version}/infer');
        expect(found).toBeDefined();
        return found as ReadableSpan;
      },
      { timeout: 20_000, interval: 10 },
    );
    const traceId = call.spanContext().traceId;
    const inTrace = spans().filter((span) => span.spanContext().traceId === traceId);
    const batch = inTrace.find((span) => span.name === 'batch iris-remote@2');
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(batch?.spanContext().spanId);
    expect(call.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200 });
    const remoteRequest = await vi.waitFor(
      () => {
        const found = spans().find((span) => span.kind === SpanKind.SERVER && span.parentSpanContext?.spanId === call.spanContext().spanId);
        expect(found).toBeDefined();
        return found as ReadableSpan;
      },
      { timeout: 20_000, interval: 10 },
    );
    expect(remoteRequest.spanContext().traceId).toBe(traceId);
    expect(remoteRequest.name).toBe('POST /v2/models/:name/versions/:version/infer');
  });
});
