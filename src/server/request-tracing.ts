/**
 * A SERVER span for every GraphQL and Open Inference Protocol model request, the child of the caller's
 * span when it sends `traceparent`. The route's handler runs inside the span's context, so what it
 * starts (the GraphQL operation, its fields, the items it enqueues) descends from it. Probes, metrics,
 * health and the IDE's assets are not traced: they would drown the traces that matter.
 *
 * Registered only when tracing is on, before the routes (it wraps their handlers as they are added).
 */
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Tracing } from '../observability/tracing.js';

interface RequestTrace {
  readonly span: Span;
  readonly context: Context;
}

/** Routes whose requests get a span: GraphQL, and the inference protocol's model routes (not its health). */
export function isTracedRoute(url: string): boolean {
  return url === '/graphql' || url.startsWith('/v2/models/');
}

export function registerRequestTracing(app: FastifyInstance, tracing: Tracing): void {
  const traces = new WeakMap<FastifyRequest, RequestTrace>();

  app.addHook('onRoute', (route) => {
    if (!isTracedRoute(route.url)) return;
    const handler = route.handler;
    route.handler = function tracedHandler(this: FastifyInstance, request, reply) {
      const traced = traces.get(request);
      return traced ? context.with(traced.context, handler, this, request, reply) : handler.call(this, request, reply);
    } as RouteHandlerMethod;
  });

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || !isTracedRoute(route)) return;
    const span = tracing.tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'http.route': route,
          // The path only: a GET's query string holds the GraphQL document and its variables.
          'url.path': request.url.split('?', 1)[0],
          'url.scheme': request.protocol,
          'network.protocol.version': request.raw.httpVersion,
          'client.address': request.ip,
          'user_agent.original': request.headers['user-agent'] ?? '',
          'gateway.request_id': request.id,
        },
      },
      tracing.extract(request.headers),
    );
    traces.set(request, { span, context: trace.setSpan(context.active(), span) });
    const { traceId, spanId } = span.spanContext();
    request.facts.trace = { traceId, spanId };
  });

  const end = (request: FastifyRequest, status: number | 'aborted') => {
    const traced = traces.get(request);
    if (!traced) return;
    traces.delete(request);
    const { span } = traced;
    const codes = request.facts.errorCodes;
    if (codes.length > 0) span.setAttribute('gateway.error_codes', [...new Set(codes)]);
    if (status === 'aborted') {
      span.setAttribute('error.type', 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away before the answer' });
    } else {
      span.setAttribute('http.response.status_code', status);
      // A server span fails on 5xx only: a 4xx is the caller's mistake, answered as it should be.
      if (status >= 500) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR, message: codes[0] ?? String(status) });
      }
    }
    span.end();
  };
  app.addHook('onResponse', async (request, reply) => end(request, reply.statusCode));
  app.addHook('onRequestAbort', async (request) => end(request, 'aborted'));
}
