import { Arg, Mutation, Resolver } from 'type-graphql';
import type { ModelLifecycle } from '../../models/lifecycle.js';
import type { ModelRegistry } from '../../models/registry.js';
import { toModelInfo } from './model-info.mapper.js';
import { ModelInfo } from './model-info.type.js';

/** Model control (MODEL_CONTROL=poll or explicit; scope admin): thin, the lifecycle does the work. */
@Resolver()
export class ModelControlResolver {
  constructor(
    private readonly lifecycle: ModelLifecycle,
    private readonly registry: ModelRegistry,
  ) {}

  @Mutation(() => ModelInfo, {
    nullable: true,
    description:
      "Reads the model's folder now and applies what changed (new, changed or removed versions, a changed model.json or extra file); also loads a model not loaded yet. What was serving keeps serving until its replacement is loaded, checked and warmed up; a failed load shows in versionDetails. Scope admin; refused with MODEL_CONTROL_DISABLED when MODEL_CONTROL=none.",
  })
  async loadModel(
    @Arg('name', () => String, { description: 'Model name: its folder in the repository.' }) name: string,
  ): Promise<ModelInfo> {
    return toModelInfo(await this.lifecycle.loadModel(name), this.registry.counters());
  }

  @Mutation(() => ModelInfo, {
    nullable: true,
    description:
      'Takes the model out of service at once (later calls get MODEL_NOT_FOUND), lets admitted requests finish, then releases its sessions; answers what was unloaded (status UNLOADED). In poll mode the model stays unloaded until loadModel. Scope admin; refused with MODEL_CONTROL_DISABLED when MODEL_CONTROL=none.',
  })
  async unloadModel(@Arg('name', () => String, { description: 'Model name.' }) name: string): Promise<ModelInfo> {
    return toModelInfo(await this.lifecycle.unloadModel(name), {});
  }
}
