/**
 * Executes operations with graphql-jit instead of graphql-js: each document Apollo has parsed and
 * validated is compiled once per operation into a function (variable coercion, field calls and the
 * answer's shape written out for that query) and then run compiled. It plugs into Apollo Server through
 * its gateway interface (`load()` returns the schema and an executor); parsing, validation, the document
 * cache and every plugin hook stay Apollo's.
 *
 * The answers must not differ from graphql-js's, so:
 * - a document is compiled the second time it is seen (Apollo's document cache hands back the same
 *   DocumentNode for the same text), so a one-off document never pays for compiling;
 * - whatever graphql-jit cannot compile, and any request whose variables it refuses, runs on graphql-js,
 *   whose messages for bad variables are the reference (and only the error path pays twice); so do
 *   variables that break a OneOf input object, which graphql-jit's coercion does not check;
 * - field errors are rebuilt as graphql-js `GraphQLError`s with the same message, path, locations and
 *   original error, so Apollo's error formatting and our codes see what graphql-js would have given.
 * test/api/jit-executor.test.ts runs the same requests through both executors and compares the answers.
 *
 * The same gateway interface is how the schema follows the models (./live-schema.ts), whichever
 * executor runs: Apollo is told of each new schema and validates new requests against it, while each
 * request executes on the schema it was validated against.
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { type DocumentNode, execute, GraphQLError, type GraphQLSchema, getOperationAST } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { SchemaSource } from './live-schema.js';
import { type OneOfVariablesCheck, oneOfVariablesCheck } from './one-of.js';

type GatewayInterface = NonNullable<ApolloServerOptionsWithGateway<BaseContext>['gateway']>;
type SchemaListener = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];

/** An operation compiled, with the check of its OneOf variables when it has any. */
type CompiledOperation = { query: CompiledQuery; oneOf: OneOfVariablesCheck | null };

/** What is known of one document: seen once, or compiled per operation name (null: run on graphql-js). */
type DocumentEntry = { seen: true; compiled?: Map<string, CompiledOperation | null> };

export interface SchemaGatewayOptions {
  /** `jit`: compiled by graphql-jit from a document's second run; `graphql-js`: graphql-js's execute. @default 'jit' */
  readonly executor?: 'jit' | 'graphql-js';
  /** Told when Apollo refuses a new schema (the previous one then stays in service). */
  readonly onSchemaRefused?: (error: unknown) => void;
}

/** An Apollo gateway that serves `schema` and executes with graphql-jit. */
export function createJitGateway(schema: GraphQLSchema): GatewayInterface {
  return createSchemaGateway({ current: () => schema, subscribe: () => () => {} });
}

/**
 * An Apollo gateway over a schema that may change (`source`): Apollo is told of every new schema, and
 * each request executes on the schema Apollo validated it against (`requestContext.schema`), so the
 * compiled queries are kept per schema and a document of one schema never runs compiled for another.
 */
export function createSchemaGateway(source: SchemaSource, options: SchemaGatewayOptions = {}): GatewayInterface {
  const listeners = new Set<SchemaListener>();
  const compiledBySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentEntry>>();
  const jit = (options.executor ?? 'jit') === 'jit';
  let unsubscribe: (() => void) | null = null;

  // The compiled form of the operation, or null when graphql-js must run it (first sighting, or not compilable).
  function compiledFor(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CompiledOperation | null {
    let documents = compiledBySchema.get(schema);
    if (!documents) {
      documents = new WeakMap();
      compiledBySchema.set(schema, documents);
    }
    const entry = documents.get(document);
    if (!entry) {
      documents.set(document, { seen: true });
      return null;
    }
    entry.compiled ??= new Map();
    const key = operationName ?? '';
    let compiled = entry.compiled.get(key);
    if (compiled === undefined) {
      compiled = compile(schema, document, operationName);
      entry.compiled.set(key, compiled);
    }
    return compiled;
  }

  const announce = (schema: GraphQLSchema) => {
    for (const listener of listeners) {
      try {
        listener({ apiSchema: schema, coreSupergraphSdl: '' });
      } catch (error) {
        options.onSchemaRefused?.(error);
      }
    }
  };

  return {
    onSchemaLoadOrUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async load() {
      announce(source.current());
      unsubscribe ??= source.subscribe(announce);
      return {
        async executor(requestContext) {
          const { document, request, context } = requestContext;
          // The schema this request was validated against, not whatever is current by now.
          const schema = requestContext.schema ?? source.current();
          const reference = () =>
            execute({ schema, document, contextValue: context, variableValues: request.variables, operationName: request.operationName });
          const compiled = jit ? compiledFor(schema, document, request.operationName) : null;
          const variables = request.variables ?? {};
          if (!compiled || (compiled.oneOf && !compiled.oneOf(variables))) return reference();
          const result = await compiled.query.query(undefined, context, variables);
          // No data at all: the variables were refused before execution; graphql-js words that.
          if (!('data' in result)) return reference();
          return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
        },
      };
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      listeners.clear();
    },
  };
}

// The compiled operation, or null for graphql-jit's refusals (errors returned or thrown): graphql-js runs those.
function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CompiledOperation | null {
  try {
    const result = compileQuery(schema, document, operationName);
    const operation = getOperationAST(document, operationName);
    if (!isCompiledQuery(result) || !operation) return null;
    return { query: result, oneOf: oneOfVariablesCheck(schema, operation) };
  } catch {
    return null;
  }
}

// graphql-jit's errors are its own objects (no `nodes`, extensions undefined rather than {}), which
// Apollo's formatting does not expect: rebuild each as graphql-js's locatedError would have built it.
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const original = error.originalError ?? undefined;
  if (original instanceof GraphQLError && original.path) return original;
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: original ?? new Error(error.message) });
  if (error.locations) (rebuilt as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}
