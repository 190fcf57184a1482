import { Arg, Query, Resolver } from 'type-graphql';
import type { ModelRegistry } from '../../models/registry.js';
import { toModelInfo } from './model-info.mapper.js';
import { ModelInfo } from './model-info.type.js';

@Resolver()
export class ModelsResolver {
  constructor(private readonly registry: ModelRegistry) {}

  @Query(() => [ModelInfo], { nullable: true, description: 'Every model of the repository with its status, inputs, outputs and versions.' })
  models(): ModelInfo[] {
    const counters = this.registry.counters();
    return this.registry.list().map((info) => toModelInfo(info, counters));
  }

  @Query(() => ModelInfo, { nullable: true, description: 'One model by name, or null when there is no such model.' })
  model(@Arg('name', () => String, { description: 'Model name.' }) name: string): ModelInfo | null {
    const info = this.registry.info(name);
    return info ? toModelInfo(info, this.registry.counters()) : null;
  }
}
