/**
 * Builds the executable schema from the type-graphql resolvers, each constructed with the service it
 * delegates to (a tiny container: resolvers are singletons, per-request state lives in the context),
 * puts each root field's spec on it (./root-fields.ts) and refuses a schema with a root field that has
 * no permission rule or, when it runs a model, no item cost.
 */
import 'reflect-metadata';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { buildSchemaSync, type ContainerType } from 'type-graphql';
import type { ModelLifecycle } from '../models/lifecycle.js';
import type { ModelRegistry } from '../models/registry.js';
import type { TaskKind } from '../tasks/definition.js';
import type { PredictService } from '../tasks/predict/predict-service.js';
import type { RecommendService } from '../tasks/recommend/recommend-service.js';
import type { SentimentService } from '../tasks/sentiment/sentiment-service.js';
import { ModelControlResolver } from './models/model-control.mutation.js';
import { ModelsResolver } from './models/models.resolver.js';
import { withGenreEnum } from './movies/genre.enum.js';
import { MoviesResolver } from './movies/movies.resolver.js';
import { applyOneOf } from './one-of.js';
import { PredictionResolver, resolvePredictWithPlainArguments } from './prediction/prediction.resolver.js';
import { checkRootFields, declareRootFields, type RootFieldTable } from './root-fields.js';
import { SentimentResolver } from './sentiment/sentiment.resolver.js';

/** A resolver class, whatever its constructor takes. */
type ResolverClass = abstract new (...args: never[]) => object;

export interface SchemaServices {
  readonly registry: ModelRegistry;
  readonly lifecycle: ModelLifecycle;
  readonly predict: PredictService;
  readonly sentiment: SentimentService;
  readonly recommend: RecommendService;
}

export interface SchemaOptions {
  /** The specs of the fixed root fields (`rootFieldTable`). */
  readonly fields: RootFieldTable;
  /**
   * Adds root fields built at schema-build time (per-model fields generated from the model list); each
   * must carry its spec in `extensions.rootField`, or the schema is refused.
   */
  readonly extend?: (schema: GraphQLSchema) => GraphQLSchema;
  /** The recommender catalog's genres, for the Genre enum; without them genres are plain strings. */
  readonly genres?: readonly string[];
}

/** Each task kind's resolver class, built with its service: the one graphql-side list of kinds. */
const TASK_RESOLVERS: Readonly<Record<TaskKind, { type: ResolverClass; create: (services: SchemaServices) => object }>> = {
  predict: { type: PredictionResolver, create: (services) => new PredictionResolver(services.predict) },
  sentiment: { type: SentimentResolver, create: (services) => new SentimentResolver(services.sentiment) },
  recommend: { type: MoviesResolver, create: (services) => new MoviesResolver(services.recommend) },
};

export async function buildGatewaySchema(services: SchemaServices, { fields, extend, genres }: SchemaOptions): Promise<GraphQLSchema> {
  const resolvers = new Map<ResolverClass, object>([
    ...Object.values(TASK_RESOLVERS).map(({ type, create }) => [type, create(services)] as const),
    [ModelsResolver, new ModelsResolver(services.registry)],
    [ModelControlResolver, new ModelControlResolver(services.lifecycle, services.registry)],
  ]);
  const container: ContainerType = {
    get(resolverClass: ResolverClass) {
      const resolver = resolvers.get(resolverClass);
      if (!resolver) throw new Error(`no instance registered for resolver ${resolverClass.name}`);
      return resolver;
    },
  };
  const built = withGenreEnum(genres, () =>
    buildSchemaSync({
      resolvers: nonEmpty([...resolvers.keys()]),
      container,
      validate: false,
    }),
  );
  applyOneOf(built);
  // type-graphql gives the root types no description; the IDE's documentation starts from them.
  describeRootType(
    built.getQueryType(),
    'Predictions, recommendations, sentiment and what the model repository holds. Every root field is nullable: one failing field is null with its error in `errors`, and the others still answer.',
  );
  describeRootType(built.getMutationType(), 'Model control: load, replace and unload models while serving (scope admin).');
  const prediction = resolvers.get(PredictionResolver);
  if (!(prediction instanceof PredictionResolver)) throw new Error('the predict task kind must be served by PredictionResolver');
  resolvePredictWithPlainArguments(built, prediction);
  declareRootFields(built, fields);
  const schema = extend ? extend(built) : built;
  checkRootFields(schema);
  return schema;
}

function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('the schema must have at least one resolver');
  return [first, ...rest];
}

function describeRootType(type: GraphQLObjectType | null | undefined, description: string): void {
  if (type && !type.description) type.description = description;
}
