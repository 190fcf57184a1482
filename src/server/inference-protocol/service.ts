/**
 * What the Open Inference Protocol routes do, apart from HTTP: find the model version a caller may
 * use, describe it, and infer rows on it through the model's dynamic batcher, the same one GraphQL's
 * predict feeds (a 1-row v2 request and a GraphQL instance arriving together share one ONNX run).
 * Only predict models (plain tensors in, tensors out) are served; the other tasks need GraphQL's
 * pre- and post-processing.
 */
import type { Principal } from '../../auth/principal.js';
import { badInput, GatewayError } from '../../errors/gateway-error.js';
import type { ModelRegistry, ServingModel } from '../../models/registry.js';
import { MODEL_NAME, VERSION_FOLDER } from '../../models/repository.js';
import type { RequestFacts } from '../../observability/request-facts.js';
import { isPredictTask } from '../../tasks/predict/definition.js';
import type { ProtocolAccess } from './access.js';
import { type InferRequestLimits, parseInferRequest } from './infer-request.js';
import { type InferResponse, inferResponse, type ModelMetadataResponse, modelMetadata } from './responses.js';

/** The URL's `{name}` and optional `{version}`, as sent. */
export interface ModelPath {
  readonly name: string;
  readonly version?: string;
}

export class InferenceProtocolService {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly access: ProtocolAccess,
    private readonly limits: InferRequestLimits,
  ) {}

  /** The version `path` names (the default one without a version) once the caller is allowed it. */
  resolve(principal: Principal, path: ModelPath): ServingModel {
    const name = readModelName(path.name);
    const version = readVersion(path.version);
    this.access.authorizeModel(principal, name);
    const serving = this.registry.resolve(name, version);
    const { task } = serving.manifest;
    if (!isPredictTask(task)) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        `model: "${name}" is a ${task} model, which the inference protocol does not serve (its GraphQL field does)`,
        { path: 'model' },
      );
    }
    return serving;
  }

  metadata(principal: Principal, path: ModelPath): ModelMetadataResponse {
    const serving = this.resolve(principal, path);
    return modelMetadata(this.registry.info(serving.name)!, serving, path.version !== undefined);
  }

  /** Validates the request, spends one budget item per row, infers the rows, stacks the outputs. */
  async infer(principal: Principal, path: ModelPath, body: unknown, facts: RequestFacts): Promise<InferResponse> {
    const serving = this.resolve(principal, path);
    const request = parseInferRequest(body, serving, this.limits);
    facts.items += request.rows;
    await this.access.chargeItems(principal, request.rows);
    facts.addModelItems(serving.key, request.rows);
    const rows = await Promise.all(serving.infer(request.items));
    return inferResponse(serving, rows, request.outputs, request.id);
  }
}

function readModelName(name: string): string {
  if (!MODEL_NAME.test(name))
    throw badInput('model', 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit', name);
  return name;
}

// One spelling per version, as the repository's folders: "01", "-1", "1.0" and "latest" are refused.
function readVersion(version: string | undefined): number | undefined {
  if (version === undefined) return undefined;
  if (!VERSION_FOLDER.test(version)) throw badInput('version', 'must be a positive integer without leading zeros, such as "2"', version);
  return Number(version);
}
