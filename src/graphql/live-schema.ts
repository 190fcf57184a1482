/**
 * The served schema follows the models: the resolvers' schema (built once) plus one typed field per
 * model (./typed-models/), rebuilt whenever the registry publishes a change that alters those fields
 * and handed to Apollo through its gateway interface (./jit-executor.ts). Each rebuilt schema passes
 * the same start-up check as the resolvers' (./root-fields.ts: every root field authorized and, when
 * it runs a model, charged), since the typed fields carry their specs like every other root field. Apollo validates each request
 * against the schema current when it arrived and executes it on that same schema, so a request in
 * flight during a swap finishes on the schema it was validated against; Apollo keeps a document cache
 * per schema, and the executor keeps its compiled queries per schema.
 */
import { GraphQLObjectType, GraphQLSchema, validateSchema } from 'graphql';
import type { ModelRegistry } from '../models/registry.js';
import type { PredictService } from '../tasks/predict/predict-service.js';
import { checkRootFields } from './root-fields.js';
import { buildTypedModelFields, type TypedModelFields } from './typed-models/fields.js';
import type { ListedModel } from './typed-models/plan.js';

/** Where the gateway reads the schema to serve. */
export interface SchemaSource {
  /** The schema new requests are validated against. */
  current(): GraphQLSchema;
  /** Calls `listener` with every new schema; returns the unsubscribe function. */
  subscribe(listener: (schema: GraphQLSchema) => void): () => void;
}

/** The part of a pino logger the live schema writes to. */
export interface SchemaLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface LiveSchemaOptions {
  /** The resolvers' schema (`buildGatewaySchema`), without per-model fields and without permissions (it is never changed). */
  readonly base: GraphQLSchema;
  readonly registry: Pick<ModelRegistry, 'list' | 'watch'>;
  readonly predict: PredictService;
  /** Turns the assembled schema into the served one (applies the permissions, which read each field's spec from it). */
  readonly finish?: (schema: GraphQLSchema) => GraphQLSchema;
  readonly logger?: SchemaLogger;
}

const SILENT: SchemaLogger = { info() {}, error() {} };

/**
 * `base` with the per-model fields of `listed` added to its Query type, each with its spec; throws
 * when a root field of the result has no permission rule or item cost (`checkRootFields`). The result's
 * root types are its own, never `base`'s, so whoever finishes it may wrap their resolvers in place
 * (the tracing does) without the next rebuild wrapping them again.
 */
export function withTypedModelFields(
  base: GraphQLSchema,
  listed: readonly ListedModel[],
  predict: PredictService,
): { schema: GraphQLSchema; typed: TypedModelFields } {
  const query = base.getQueryType();
  if (!query) throw new Error('the schema must have a Query type, but it has none');
  const reserved = { types: new Set(Object.keys(base.getTypeMap())), fields: new Set(Object.keys(query.getFields())) };
  const typed = buildTypedModelFields(listed, reserved, predict);
  const config = base.toConfig();
  const queryConfig = query.toConfig();
  const fresh = new Map<GraphQLObjectType, GraphQLObjectType>([
    [query, new GraphQLObjectType({ ...queryConfig, fields: { ...queryConfig.fields, ...typed.fields } })],
  ]);
  const mutation = base.getMutationType();
  if (mutation) fresh.set(mutation, new GraphQLObjectType(mutation.toConfig()));
  const copy = <T extends GraphQLObjectType | null | undefined>(type: T) => (type ? (fresh.get(type) ?? type) : type);
  const schema = new GraphQLSchema({
    ...config,
    query: copy(query),
    mutation: copy(mutation),
    types: [...config.types.map((type) => (type instanceof GraphQLObjectType ? copy(type) : type)), ...typed.types],
  });
  checkRootFields(schema);
  return { schema, typed };
}

export class LiveSchema implements SchemaSource {
  private schema: GraphQLSchema;
  private signature: string;
  private fields: readonly string[];
  private problems = new Set<string>();
  private readonly listeners = new Set<(schema: GraphQLSchema) => void>();
  private scheduled = false;
  private readonly unwatch: () => void;
  private readonly logger: SchemaLogger;

  constructor(private readonly options: LiveSchemaOptions) {
    this.logger = options.logger ?? SILENT;
    const built = this.assemble();
    this.schema = this.finish(built.schema);
    this.signature = built.typed.signature;
    this.fields = Object.keys(built.typed.fields);
    this.reportProblems(built.typed);
    // A lifecycle change publishes several entries in a row: one rebuild after them.
    this.unwatch = options.registry.watch(() => this.schedule());
  }

  current(): GraphQLSchema {
    return this.schema;
  }

  subscribe(listener: (schema: GraphQLSchema) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Rebuilds the schema from the registry's models now when its typed fields would change, and hands
   * it to the subscribers. True when the schema changed. A schema that fails to build, validate or
   * pass the root-field check is never served: while serving, it is logged and the previous one stays;
   * with `strict` (at start-up) it throws, and the gateway does not start.
   */
  refresh({ strict = false }: { strict?: boolean } = {}): boolean {
    let built: { schema: GraphQLSchema; typed: TypedModelFields };
    try {
      const assembled = this.assemble();
      if (assembled.typed.signature === this.signature) {
        this.reportProblems(assembled.typed);
        return false;
      }
      built = { schema: this.finish(assembled.schema), typed: assembled.typed };
      const errors = validateSchema(built.schema);
      if (errors.length > 0) throw new Error(errors.map((error) => error.message).join('; '));
    } catch (error) {
      if (strict) throw error;
      this.logger.error({ err: error }, `the schema could not follow the models; it stays as it was: ${(error as Error).message}`);
      return false;
    }
    this.reportProblems(built.typed);
    const fields = Object.keys(built.typed.fields);
    const added = fields.filter((field) => !this.fields.includes(field));
    const removed = this.fields.filter((field) => !fields.includes(field));
    this.schema = built.schema;
    this.signature = built.typed.signature;
    this.fields = fields;
    const change = [added.length > 0 ? `added ${added.join(', ')}` : '', removed.length > 0 ? `removed ${removed.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    this.logger.info({ added, removed, typedFields: fields }, `schema updated: ${change || 'per-model fields changed'}`);
    for (const listener of this.listeners) {
      try {
        listener(built.schema);
      } catch (error) {
        this.logger.error({ err: error }, `a schema listener failed: ${(error as Error).message}`);
      }
    }
    return true;
  }

  /** Stops following the registry. */
  close(): void {
    this.unwatch();
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.refresh();
    }).unref();
  }

  private assemble(): { schema: GraphQLSchema; typed: TypedModelFields } {
    const listed = this.options.registry.list().map(({ name, manifest }) => ({ name, manifest }));
    return withTypedModelFields(this.options.base, listed, this.options.predict);
  }

  private finish(schema: GraphQLSchema): GraphQLSchema {
    return this.options.finish ? this.options.finish(schema) : schema;
  }

  // Each reason a model gets no typed field is logged once, when it first appears.
  private reportProblems(typed: TypedModelFields): void {
    const now = new Set(typed.problems.map((problem) => problem.message));
    for (const problem of typed.problems)
      if (!this.problems.has(problem.message)) this.logger.error({ model: problem.model }, problem.message);
    this.problems = now;
  }
}
