/**
 * The remote backend against the Open Inference Protocol specification's own examples
 * (kserve/open-inference-protocol, specification/protocol/inference_rest.md, "Inference Request
 * Examples" and "Tensor Data"), and against the two shapes real servers give them: Triton's (model_name
 * and model_version added) and KServe's Python server's (versions left out, parameters present). All
 * must decode to the same tensors; the spec's error object must surface with the remote's message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { json, type ScriptedServer, startScriptedServer, v2Script } from '../../../test/support/scripted-inference-server.js';
import type { BatchTensors } from '../../runtime/tensor.js';
import { ModelManifest } from '../../tasks/registry.js';
import { KServeV2Backend } from './backend.js';

// The spec's example model's output: a [3, 2] FP32 tensor. Its input here is one FP32 [batch, 2] tensor
// (the example's UINT32 and BOOL inputs are datatypes a gateway model cannot take).
const TRITON_METADATA = {
  name: 'mymodel',
  versions: ['1'],
  platform: 'onnxruntime_onnx',
  inputs: [{ name: 'input0', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'output0', datatype: 'FP32', shape: [-1, 2] }],
};
const KSERVE_METADATA = {
  name: 'mymodel',
  platform: '',
  inputs: [{ name: 'input0', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'output0', datatype: 'FP32', shape: [-1, 2] }],
};

// The spec's response example, verbatim but for the comma the spec leaves out after "id" : "42".
const SPEC_RESPONSE = `{
  "id" : "42",
  "outputs" : [
    {
      "name" : "output0",
      "shape" : [ 3, 2 ],
      "datatype"  : "FP32",
      "data" : [ 1.0, 1.1, 2.0, 2.1, 3.0, 3.1 ]
    }
  ]
}`;
// "Tensor Data": the same tensor nested as its shape, which the spec allows beside the flat form.
const NESTED_RESPONSE = {
  id: '42',
  outputs: [
    {
      name: 'output0',
      shape: [3, 2],
      datatype: 'FP32',
      data: [
        [1.0, 1.1],
        [2.0, 2.1],
        [3.0, 3.1],
      ],
    },
  ],
};
const TRITON_RESPONSE = {
  model_name: 'mymodel',
  model_version: '1',
  outputs: [{ name: 'output0', datatype: 'FP32', shape: [3, 2], data: [1.0, 1.1, 2.0, 2.1, 3.0, 3.1] }],
};
const KSERVE_RESPONSE = {
  model_name: 'mymodel',
  model_version: null,
  id: 'a3c4b0f2',
  parameters: {},
  outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', parameters: {}, data: [1.0, 1.1, 2.0, 2.1, 3.0, 3.1] }],
};

const ROWS: BatchTensors = { input0: { type: 'float32', dims: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) } };
const EXPECTED = new Float32Array([1.0, 1.1, 2.0, 2.1, 3.0, 3.1]);

function manifestFor(url: string) {
  return ModelManifest.parse({
    task: 'tensor-regression',
    description: 'the specification example model',
    inputs: [{ name: 'input0', type: 'float32', shape: ['batch', 2] }],
    outputs: [{ name: 'output0', kind: 'values', shape: ['batch', 2] }],
    backend: { kind: 'kserve-v2', url, model: 'mymodel', version: '1', headers: { 'x-api-key': `\${SPEC_KEY}` }, timeoutMs: 2000 },
  });
}

describe("the remote backend and the v2 specification's examples", () => {
  let server: ScriptedServer;
  let backend: KServeV2Backend;
  let loads = 0;

  const load = async () => {
    loads += 1;
    const key = `mymodel@1#${loads}`;
    const graph = await backend.load({ key, name: 'spec-model', version: 1, path: 'model.json', manifest: manifestFor(server.url) });
    return { key, graph };
  };
  const infer = async (answer: unknown) => {
    server.script = v2Script(TRITON_METADATA, (_request, response) => json(response, 200, answer));
    const { key } = await load();
    return backend.run(key, ROWS, ['output0']);
  };

  beforeAll(async () => {
    server = await startScriptedServer(v2Script(TRITON_METADATA, (_request, response) => json(response, 200, SPEC_RESPONSE)));
    backend = new KServeV2Backend({ variables: { SPEC_KEY: 'secret-key' } });
  });
  afterEach(() => {
    server.requests.length = 0;
  });
  afterAll(async () => {
    await backend.close();
    await server.close();
  });

  it("reads Triton's and KServe's metadata alike: names, onnxruntime element types, -1 for dynamic dimensions", async () => {
    const expected = {
      inputs: [{ name: 'input0', type: 'float32', shape: [-1, 2] }],
      outputs: [{ name: 'output0', type: 'float32', shape: [-1, 2] }],
      source: `the remote model "mymodel" version 1 at ${server.url}`,
    };
    server.script = v2Script(TRITON_METADATA, () => {});
    expect((await load()).graph).toEqual(expected);
    server.script = v2Script(KSERVE_METADATA, () => {});
    expect((await load()).graph).toEqual(expected);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v2/models/mymodel/versions/1',
      'GET /v2/models/mymodel/versions/1',
    ]);
    expect(server.requests[0].headers['x-api-key']).toBe('secret-key');
  });

  it("sends each batch as the spec's request: inputs with name, shape, datatype and flat row-major data, and the outputs wanted", async () => {
    await infer(JSON.parse(SPEC_RESPONSE));
    const infers = server.requests.filter((r) => r.method === 'POST');
    expect(infers.map((r) => r.url)).toEqual(['/v2/models/mymodel/versions/1/infer']);
    expect(infers[0].headers['content-type']).toBe('application/json');
    expect(infers[0].headers['x-api-key']).toBe('secret-key');
    expect(JSON.parse(infers[0].body)).toEqual({
      inputs: [{ name: 'input0', shape: [3, 2], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }],
      outputs: [{ name: 'output0' }],
    });
  });

  it("decodes the spec's response example, and the same tensor nested, from Triton and from KServe, to the same tensor", async () => {
    for (const answer of [SPEC_RESPONSE, NESTED_RESPONSE, TRITON_RESPONSE, KSERVE_RESPONSE]) {
      const run = await infer(answer);
      expect(run.outputs.output0).toEqual({ type: 'float32', dims: [3, 2], data: EXPECTED });
    }
  });

  it("surfaces the spec's error object as INFERENCE_FAILED with the remote's message", async () => {
    server.script = v2Script(TRITON_METADATA, (_request, response) =>
      json(response, 400, { error: "unexpected inference input 'input1' for model 'mymodel'" }),
    );
    const { key } = await load();
    await expect(backend.run(key, ROWS, ['output0'])).rejects.toMatchObject({
      code: 'INFERENCE_FAILED',
      message: `model "spec-model": the inference server at ${server.url} answered HTTP 400: unexpected inference input 'input1' for model 'mymodel'`,
    });
  });
});
