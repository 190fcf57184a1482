/**
 * GraphQL spans: one per operation (a batched HTTP request has several), the child of the HTTP
 * request's span, and one per root field, the child of its operation. A root field's resolver runs inside
 * its span's context, so the items it hands a model's batcher carry it (the batch's span links to it).
 *
 * Only root fields get spans, by wrapping their resolvers: Apollo's `willResolveField` would wrap every
 * field of every answer (thousands for a 256-instance predict) and cost with tracing on or off alike.
 * Both pieces are installed only when tracing is on.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { type Context, context, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { truncateForLog } from '../../observability/request-facts.js';
import { errorTypeOf, markFailed } from '../../observability/tracing.js';
import { errorCodeOf } from '../errors.js';

/** Each operation's context, by the GraphQL context object Apollo hands its resolvers (one per operation). */
const operations = new WeakMap<object, Context>();

/** The operation span: started when Apollo takes the request, named once the operation is known. */
export function useTracing(tracer: Tracer): ApolloServerPlugin<object> {
  return {
    async requestDidStart({ contextValue }) {
      const parent = context.active();
      const span = tracer.startSpan('GraphQL Operation', { kind: SpanKind.INTERNAL }, parent);
      operations.set(contextValue, trace.setSpan(parent, span));
      return {
        async didResolveOperation({ operationName, operation }) {
          const type = operation?.operation ?? 'query';
          // Names are the caller's choice: cut like the log line's, so a 10 MB name makes a short span.
          const name = operationName ? truncateForLog(operationName) : undefined;
          span.updateName(name ? `${type} ${name}` : type);
          span.setAttribute('graphql.operation.type', type);
          if (name) span.setAttribute('graphql.operation.name', name);
        },
        async didEncounterErrors({ errors }) {
          const codes = [...new Set(errors.map(errorCodeOf))];
          span.setAttribute('gateway.error_codes', codes);
          markFailed(span, codes[0]);
        },
        async willSendResponse() {
          span.end();
        },
      };
    },
  };
}

/** Wraps the root fields' resolvers (Query, Mutation) of `schema`, in place, so that each call has a span. */
export function traceRootFields(schema: GraphQLSchema, tracer: Tracer): void {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      field.resolve = tracedResolver(tracer, `${type.name}.${field.name}`, field.resolve ?? defaultFieldResolver);
    }
  }
}

function tracedResolver(
  tracer: Tracer,
  spanName: string,
  resolve: GraphQLFieldResolver<unknown, object>,
): GraphQLFieldResolver<unknown, object> {
  return (source, args, contextValue, info) => {
    const parent = operations.get(contextValue) ?? context.active();
    const span = tracer.startSpan(
      spanName,
      { attributes: { 'graphql.field.name': info.fieldName, 'graphql.field.path': String(info.path.key) } },
      parent,
    );
    // graphql-shield answers a denial by returning the error rather than throwing it.
    const settle = (error?: unknown) => {
      if (error !== undefined) markFailed(span, errorTypeOf(error));
      span.end();
    };
    return context.with(trace.setSpan(parent, span), () => {
      let result: unknown;
      try {
        result = resolve(source, args, contextValue, info);
      } catch (error) {
        settle(error);
        throw error;
      }
      if (!isPromise(result)) {
        settle(result instanceof Error ? result : undefined);
        return result;
      }
      return result.then(
        (value) => {
          settle(value instanceof Error ? value : undefined);
          return value;
        },
        (error: unknown) => {
          settle(error);
          throw error;
        },
      );
    });
  };
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
