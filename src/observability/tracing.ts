/**
 * OpenTelemetry traces across tiers: the SDK's set-up from the OTEL_* configuration, and the helpers a
 * remote call uses to carry its trace (`injectTraceparent`, `withClientSpan`).
 *
 * Tracing is off unless configured (src/config/config.ts). Off, `startTracing` returns undefined and
 * loads nothing: only @opentelemetry/api is imported, whose global tracer and propagator are no-ops, and
 * the gateway registers none of its tracing hooks, so requests and batches do no tracing work at all.
 * On, the SDK is imported here (dynamically) and registered globally: an AsyncLocalStorage context
 * manager, the W3C `traceparent`/`tracestate` and `baggage` propagators, and a tracer provider that
 * exports in batches over OTLP/HTTP.
 *
 * The spans themselves are made where their work is: the HTTP request (server/request-tracing.ts), the
 * GraphQL operation and each root field (graphql/plugins/use-tracing.ts), each batch and its compute step
 * (./batch-tracing.ts), and each remote call (the helpers below).
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Attributes,
  type Context,
  context,
  DiagLogLevel,
  diag,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import type { TracingConfig } from '../config/config.js';
import { isGatewayError } from '../errors/gateway-error.js';

/** The instrumentation scope of every span the gateway makes. */
export const TRACER_NAME = 'onnx-graphql-gateway';

export interface Tracing {
  readonly tracer: Tracer;
  /** The trace context an incoming request's headers carry (`traceparent`, `tracestate`, `baggage`), or the root one. */
  extract(headers: IncomingHttpHeaders): Context;
  /** Exports the spans still buffered, then stops; the global API is left as no-ops. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Where to export instead of what the configuration says, span by span (tests read an InMemorySpanExporter). */
  readonly exporter?: SpanExporter;
}

/** Starts tracing when the configuration (or an exporter given) asks for it; undefined when it is off. */
export async function startTracing(config: TracingConfig, options: TracingOptions = {}): Promise<Tracing | undefined> {
  if (!config.enabled && !options.exporter) return undefined;
  const [sdk, { AsyncLocalStorageContextManager }, core, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);

  const exporter = options.exporter ?? (config.exporter === 'otlp' ? await otlpExporter(config.otlp) : undefined);
  const spanProcessors = !exporter
    ? [] // OTEL_TRACES_EXPORTER=none: spans are made and propagated, and dropped when they end
    : options.exporter
      ? [new sdk.SimpleSpanProcessor({ exporter })]
      : [
          new sdk.BatchSpanProcessor({
            exporter,
            scheduledDelayMillis: config.batch.scheduleDelayMs,
            exportTimeoutMillis: config.batch.exportTimeoutMs,
            maxQueueSize: config.batch.maxQueueSize,
            maxExportBatchSize: Math.min(config.batch.maxExportBatchSize, config.batch.maxQueueSize),
          }),
        ];
  const provider = new sdk.TracerProvider({
    resource: resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName })),
    sampler: samplerOf(sdk, config.sampler, config.samplerRatio),
    spanProcessors,
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);
  const tracer = provider.getTracer(TRACER_NAME);

  return {
    tracer,
    extract: (headers) => propagation.extract(ROOT_CONTEXT, headers),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
}

/** `trace_id` and `span_id` of the active span, for a log line (the gateway's pino mixin when tracing is on). */
export function traceLogFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** Logs the SDK's own warnings (a collector that cannot be reached), each distinct one at most once a minute. */
export function logTracingProblems(logger: Logger): void {
  diag.setLogger(throttledDiagLogger(logger), DiagLogLevel.WARN);
}

// --- remote calls ---------------------------------------------------------------------------------

/**
 * Adds the trace context of `from` (by default the active one) to outgoing headers, as `traceparent`
 * (and `tracestate` and `baggage` when there are any), so that the remote server's spans join the trace.
 * Adds nothing when tracing is off. Returns `headers`.
 */
export function injectTraceparent(headers: Record<string, string>, from: Context = context.active()): Record<string, string> {
  propagation.inject(from, headers);
  return headers;
}

/** A call to a remote server, as its client span describes it (HTTP client semantic conventions). */
export interface RemoteCall<T> {
  readonly method: string;
  readonly url: string | URL;
  /** The span's name (low cardinality, e.g. `POST /v2/models/{name}/infer`). @default the method */
  readonly name?: string;
  /** Headers to send; the returned copy given to `send` adds the trace context. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly attributes?: Attributes;
  /** The HTTP status of a result, recorded on the span (5xx marks it failed). */
  readonly statusOf?: (result: T) => number | undefined;
}

/**
 * Runs one remote call in a CLIENT span, child of the active span (a batch's, for a remote backend), and
 * hands `send` the headers to send: the call's own plus `traceparent` naming this span, so the remote's
 * server span is its child. A rejection fails the span and is rethrown. With tracing off the span is
 * the API's no-op and no header is added.
 */
export async function withClientSpan<T>(call: RemoteCall<T>, send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  const url = new URL(call.url);
  const span = trace.getTracer(TRACER_NAME).startSpan(call.name ?? call.method, {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': call.method,
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      'url.full': `${url.origin}${url.pathname}`,
      ...call.attributes,
    },
  });
  const spanContext = trace.setSpan(context.active(), span);
  const headers = injectTraceparent({ ...call.headers }, spanContext);
  try {
    const result = await context.with(spanContext, () => send(headers));
    const status = call.statusOf?.(result);
    if (status !== undefined) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) markFailed(span, String(status));
    }
    return result;
  } catch (error) {
    markFailed(span, errorTypeOf(error));
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with a short, stable reason: an error code, never a message that may echo input. */
export function markFailed(span: Span, errorType: string): void {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
}

/** The catalogue code of a gateway error, else the error's class name. */
export function errorTypeOf(error: unknown): string {
  if (isGatewayError(error)) return error.code;
  return error instanceof Error ? error.name : typeof error;
}

// --- helpers -------------------------------------------------------------------------------------

async function otlpExporter(otlp: TracingConfig['otlp']): Promise<SpanExporter> {
  const settings = { url: otlp.url, headers: { ...otlp.headers }, timeoutMillis: otlp.timeoutMs };
  if (otlp.protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(settings);
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(settings);
}

function samplerOf(sdk: typeof import('@opentelemetry/sdk-trace'), kind: TracingConfig['sampler'], ratio: number): Sampler {
  switch (kind) {
    case 'always_on':
      return new sdk.AlwaysOnSampler();
    case 'always_off':
      return new sdk.AlwaysOffSampler();
    case 'traceidratio':
      return new sdk.TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio) });
  }
}

// The SDK reports an unreachable collector on every export attempt (every few seconds): log each
// distinct message once a minute at most, so an outage of the collector does not flood the log.
function throttledDiagLogger(logger: Logger) {
  const lastLogged = new Map<string, number>();
  const log = (message: string, ...args: unknown[]) => {
    const now = Date.now();
    if (now - (lastLogged.get(message) ?? Number.NEGATIVE_INFINITY) < 60_000) return;
    lastLogged.set(message, now);
    logger.warn({ component: 'opentelemetry', detail: args.map(String).join(' ').slice(0, 500) || undefined }, `tracing: ${message}`);
  };
  const ignore = () => {};
  return { error: log, warn: log, info: ignore, debug: ignore, verbose: ignore };
}
