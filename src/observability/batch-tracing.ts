/**
 * Traces of dynamic batches. One batch serves many requests, so its span is the root of a trace of its
 * own, linked both ways with the span of every caller whose items it carries (a request's root field,
 * or its Open Inference Protocol request): the batch's links lead to each request, and each caller's
 * span gets a link to the batch, so a request's trace leads to the batches that served it. Its children
 * are the backend's work: the compute step timed in the worker thread, and the client span of a call to
 * a remote inference server.
 *
 * It implements the scheduler's injected `BatchTracer`, so the scheduler never sees OpenTelemetry; the
 * registry only hands one to a batcher when tracing is on.
 */
import { context, type Link, ROOT_CONTEXT, type Span, type Tracer, trace } from '@opentelemetry/api';
import type { BatchTracing } from '../models/registry.js';
import type { BatchTracer } from '../scheduler/dynamic-batcher.js';
import { errorTypeOf, markFailed } from './tracing.js';

export function createBatchTracing(tracer: Tracer): BatchTracing {
  return {
    batchTracer({ name, version }): BatchTracer {
      const model = { 'gateway.model.name': name, 'gateway.model.version': version };
      const spanName = `batch ${name}@${version}`;
      return {
        // Once per enqueue call: the active span is the caller's (its root field, or its HTTP request).
        capture: () => trace.getSpan(context.active()),
        start({ size, callers, maxQueueWaitMs }) {
          const spans = callers.filter(isRecordingSpan);
          const links: Link[] = spans.map((caller) => ({ context: caller.spanContext() }));
          const span = tracer.startSpan(spanName, {
            root: true,
            links,
            attributes: {
              ...model,
              'gateway.batch.size': size,
              'gateway.batch.requests': links.length,
              'gateway.batch.max_queue_wait_ms': maxQueueWaitMs,
            },
          });
          // The callers' spans are still open: they wait for this batch.
          for (const caller of spans) caller.addLink({ context: span.spanContext() });
          const batchContext = trace.setSpan(ROOT_CONTEXT, span);
          return {
            run: (work) => context.with(batchContext, work),
            recordStep(step, startedAt, durationMs) {
              tracer
                .startSpan(step, { startTime: startedAt, attributes: { ...model, 'gateway.batch.size': size } }, batchContext)
                .end(startedAt + durationMs);
            },
            end(outcome, error) {
              if (outcome === 'timeout') markFailed(span, 'INFERENCE_TIMEOUT');
              else if (outcome === 'failed') markFailed(span, errorTypeOf(error));
              span.end();
            },
          };
        },
      };
    },
  };
}

// A span of this tracer that records: a caller outside any trace, or sampled out, gets no link.
function isRecordingSpan(value: unknown): value is Span {
  return typeof (value as Span | undefined)?.isRecording === 'function' && (value as Span).isRecording();
}
