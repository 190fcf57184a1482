import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { InstanceInput as PlainInstance } from '../../tasks/predict/predict-codec.js';
import type { PredictService } from '../../tasks/predict/predict-service.js';
import type { GatewayContext } from '../context.js';
import { InstanceInput } from './instance.input.js';
import { Prediction } from './prediction.type.js';

@Resolver()
export class PredictionResolver {
  constructor(private readonly service: PredictService) {}

  @Query(() => [Prediction], {
    nullable: true,
    description:
      'Runs a tabular or tensor model on one or more instances. All predict calls of one query (aliases included) on the same model version run as one batch.',
  })
  async predict(
    @Arg('model', () => String, { description: 'Model name, as listed by `models`.' }) model: string,
    @Arg('version', () => Int, { nullable: true, description: 'Pin a version; the default is the highest ready one.' }) version:
      | number
      | null,
    @Arg('instances', () => [InstanceInput], { description: 'The instances to predict, in order.' }) instances: readonly PlainInstance[],
    @Ctx() context: GatewayContext,
  ): Promise<Prediction[]> {
    const { serving, items } = this.service.prepare(model, version, instances);
    const outputs = await context.loaders.infer(serving, items);
    return outputs.map((out) => this.service.decode(serving, out));
  }
}

/**
 * Before calling a resolver, type-graphql copies every input object of its arguments into an instance
 * of the input class (for `instances`: two objects per instance, about 0.7 µs each, the largest cost of
 * a big query after variable coercion). `predict` only reads the values, so its field calls the method
 * above directly with graphql-js's coerced arguments. The field's definition (arguments, types,
 * descriptions) stays type-graphql's; nothing else differs: no middlewares or validation are configured.
 */
export function resolvePredictWithPlainArguments(schema: GraphQLSchema, resolver: PredictionResolver): void {
  const field = schema.getQueryType()?.getFields().predict;
  if (!field) throw new Error('the schema must have Query.predict, but it does not');
  const resolve: GraphQLFieldResolver<
    unknown,
    GatewayContext,
    { model: string; version?: number | null; instances: readonly PlainInstance[] }
  > = (_root, args, context) => resolver.predict(args.model, args.version as number | null, args.instances, context);
  field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
}
