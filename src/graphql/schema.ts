/**
 * Builds the executable schema from the type-graphql resolvers, each constructed with the service it
 * delegates to (a tiny container: resolvers are singletons, per-request state lives in the context).
 */
import 'reflect-metadata';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { buildSchemaSync, type ContainerType } from 'type-graphql';
import type { ModelLifecycle } from '../models/lifecycle.js';
import type { ModelRegistry } from '../models/registry.js';
import type { PredictService } from '../tasks/predict/predict-service.js';
import type { RecommendService } from '../tasks/recommend/recommend-service.js';
import type { SentimentService } from '../tasks/sentiment/sentiment-service.js';
import { ModelControlResolver } from './models/model-control.mutation.js';
import { ModelsResolver } from './models/models.resolver.js';
import { withGenreEnum } from './movies/genre.enum.js';
import { MoviesResolver } from './movies/movies.resolver.js';
import { applyOneOf } from './one-of.js';
import { PredictionResolver, resolvePredictWithPlainArguments } from './prediction/prediction.resolver.js';
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

/** What the schema's shape depends on, read from the model repository. */
export interface SchemaFacts {
  /** The recommender catalog's genres, for the Genre enum; without them genres are plain strings. */
  readonly genres?: readonly string[];
}

export async function buildGatewaySchema(services: SchemaServices, facts: SchemaFacts = {}): Promise<GraphQLSchema> {
  const prediction = new PredictionResolver(services.predict);
  const resolvers = new Map<ResolverClass, object>([
    [PredictionResolver, prediction],
    [SentimentResolver, new SentimentResolver(services.sentiment)],
    [MoviesResolver, new MoviesResolver(services.recommend)],
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
  const schema = withGenreEnum(facts.genres, () =>
    buildSchemaSync({
      resolvers: [PredictionResolver, SentimentResolver, MoviesResolver, ModelsResolver, ModelControlResolver],
      container,
      validate: false,
    }),
  );
  applyOneOf(schema);
  // type-graphql gives the root types no description; the IDE's documentation starts from them.
  describeRootType(
    schema.getQueryType(),
    'Predictions, recommendations, sentiment and what the model repository holds. Every root field is nullable: one failing field is null with its error in `errors`, and the others still answer.',
  );
  describeRootType(schema.getMutationType(), 'Model control: load, replace and unload models while serving (scope admin).');
  resolvePredictWithPlainArguments(schema, prediction);
  return schema;
}

function describeRootType(type: GraphQLObjectType | null | undefined, description: string): void {
  if (type && !type.description) type.description = description;
}
