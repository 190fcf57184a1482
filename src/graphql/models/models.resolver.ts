import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { canCallModel } from '../../auth/model-access.js';
import type { ModelRegistry, ModelInfo as RegistryModelInfo } from '../../models/registry.js';
import type { GatewayContext } from '../context.js';
import { toModelInfo } from './model-info.mapper.js';
import { ModelInfo } from './model-info.type.js';

@Resolver()
export class ModelsResolver {
  constructor(private readonly registry: ModelRegistry) {}

  @Query(() => [ModelInfo], {
    nullable: true,
    description: 'The models of the repository this caller may call, with status, inputs, outputs and versions.',
  })
  models(@Ctx() context: GatewayContext): ModelInfo[] {
    const counters = this.registry.counters();
    return this.registry
      .list()
      .filter((info) => visibleTo(context, info))
      .map((info) => toModelInfo(info, counters));
  }

  @Query(() => ModelInfo, {
    nullable: true,
    description: 'One model by name; null when there is no such model or this caller may not call it.',
  })
  model(@Arg('name', () => String, { description: 'Model name.' }) name: string, @Ctx() context: GatewayContext): ModelInfo | null {
    const info = this.registry.info(name);
    return info && visibleTo(context, info) ? toModelInfo(info, this.registry.counters()) : null;
  }
}

function visibleTo(context: GatewayContext, info: RegistryModelInfo): boolean {
  return canCallModel(context.principal, info.name, info.manifest);
}
