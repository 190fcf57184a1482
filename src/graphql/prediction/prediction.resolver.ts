import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
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
    @Arg('version', () => Int, { nullable: true, description: 'Pin a version; the default is the highest ready one.' }) version: number | null,
    @Arg('instances', () => [InstanceInput], { description: 'The instances to predict, in order.' }) instances: InstanceInput[],
    @Ctx() context: GatewayContext,
  ): Promise<Prediction[]> {
    const { serving, items } = this.service.prepare(model, version, instances);
    const outputs = await context.loaders.infer(serving, items);
    return outputs.map((out) => this.service.decode(serving, out));
  }
}
