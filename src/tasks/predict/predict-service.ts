/**
 * predict(model, version, instances): label + probabilities for classifiers, value for regressors.
 * Split in steps so the API layer can batch: `prepare` validates and encodes (throwing typed errors
 * before anything is queued), the caller infers the items on the model (through a DataLoader), and
 * `decode` turns each item's outputs into a prediction.
 */
import { badInput, describeValue, GatewayError, MAX_ECHOED_NAME_CHARACTERS } from '../../errors/gateway-error.js';
import type { ModelRegistry, ServingModel } from '../../models/registry.js';
import type { ItemFeeds, ItemOutputs } from '../../runtime/tensor.js';
import { isPredictTask } from './definition.js';
import { decodePrediction, encodeInstances, type InstanceInput, type PredictionResult } from './predict-codec.js';

export interface PredictLimits {
  /** Instances one call may carry. @default 1024 */
  readonly maxInstances: number;
}

export interface PreparedPredict {
  readonly serving: ServingModel;
  readonly items: ItemFeeds[];
}

export class PredictService {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly limits: PredictLimits = { maxInstances: 1024 },
  ) {}

  /** Resolves the model and validates every instance; errors name the instance and the feature. */
  prepare(model: string, version: number | null | undefined, instances: readonly InstanceInput[]): PreparedPredict {
    if (!Array.isArray(instances) || instances.length === 0) throw badInput('instances', 'must hold at least one instance');
    if (instances.length > this.limits.maxInstances) {
      throw badInput('instances', `must hold at most ${this.limits.maxInstances} instances`, instances.length);
    }
    const serving = this.registry.resolve(model, version);
    if (!isPredictTask(serving.manifest.task)) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        `model: ${describeValue(model, MAX_ECHOED_NAME_CHARACTERS)} is a ${serving.manifest.task} model, which predict does not serve`,
        { path: 'model' },
      );
    }
    return { serving, items: encodeInstances(serving.manifest, model, instances) };
  }

  /** One item's outputs → its prediction. */
  decode(serving: ServingModel, outputs: ItemOutputs): PredictionResult {
    return decodePrediction(serving.manifest, serving.name, serving.version, outputs);
  }
}
