/**
 * A remote inference server that misbehaves, in every way the client must survive: wrong shapes and
 * datatypes, missing outputs, non-JSON, huge bodies (declared and streamed), a slow drip, no answer at
 * all, a connection dropped mid-answer, bytes that are not HTTP, error pages. Each run must settle with a
 * clear catalogue error naming the model and the server, and none may hang (a hung run fails its test
 * by the test timeout). Loads are abused the same way.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/remote-models.js';
import { json, type Script, type ScriptedServer, startScriptedServer, v2Script } from '../../../test/support/scripted-inference-server.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ModelManifestInput } from '../../models/manifest.js';
import type { BatchTensors } from '../../runtime/tensor.js';
import { ModelManifest } from '../../tasks/registry.js';
import { KServeV2Backend } from './backend.js';
import { MAX_REMOTE_MESSAGE_CHARACTERS } from './client.js';

const METADATA = {
  name: 'pairs',
  versions: ['1'],
  platform: 'onnxruntime_onnx',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }],
};
const ROWS: BatchTensors = { x: { type: 'float32', dims: [2, 2], data: new Float32Array([1, 2, 3, 4]) } };
const GOOD = { model_name: 'pairs', outputs: [{ name: 'y', datatype: 'FP32', shape: [2, 2], data: [0.5, 1.5, 2.5, 3.5] }] };
const TIMEOUT_MS = 300;

function manifestFor(url: string, backend: Partial<NonNullable<ModelManifestInput['backend']>> = {}) {
  return ModelManifest.parse({
    task: 'tensor-regression',
    description: 'a remote model that answers as the test scripts',
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
    outputs: [{ name: 'y', kind: 'values' }],
    backend: { kind: 'kserve-v2', url, model: 'pairs', timeoutMs: TIMEOUT_MS, ...backend },
  });
}

/** The error a promise rejects with (fails when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; reason?: string; field?: string }> {
  return promise.then(
    () => {
      throw new Error('must fail, but succeeded');
    },
    (error: unknown) => error as Error,
  );
}

describe('the remote backend against a misbehaving server', () => {
  let server: ScriptedServer;
  let backend: KServeV2Backend;
  let loads = 0;
  const where = () => `model "pairs": the inference server at ${server.url}`;

  /** Loads the model (metadata answered well), then runs one batch against `script`. */
  const runAgainst = async (script: Script) => {
    server.script = v2Script(METADATA, script);
    loads += 1;
    const key = `pairs@1#${loads}`;
    await backend.load({ key, name: 'pairs', version: 1, path: 'model.json', manifest: manifestFor(server.url) });
    try {
      return await backend.run(key, ROWS, ['y']);
    } finally {
      await backend.unload(key);
    }
  };
  const answering =
    (answer: unknown): Script =>
    (_request, response) =>
      json(response, 200, answer);
  const withOutput = (output: Record<string, unknown>) => answering({ outputs: [{ ...GOOD.outputs[0], ...output }] });

  beforeAll(async () => {
    server = await startScriptedServer(v2Script(METADATA, answering(GOOD)));
    backend = new KServeV2Backend({ variables: {}, loadWaitMs: 0 });
  });
  afterAll(async () => {
    await backend.close();
    await server.close();
  });

  it('answers a well-formed run, so every refusal below is the answer at fault', async () => {
    const run = await runAgainst(answering(GOOD));
    expect(run.outputs.y).toEqual({ type: 'float32', dims: [2, 2], data: new Float32Array([0.5, 1.5, 2.5, 3.5]) });
  });

  describe('answers that do not fit the model: INFERENCE_FAILED naming the JSON path', () => {
    const cases: [string, Script, string][] = [
      [
        'a batch dimension other than the rows',
        withOutput({ shape: [3, 2] }),
        'outputs[0].shape[0]: must be 2, the rows of the batch, but got 3',
      ],
      [
        'another rank',
        withOutput({ shape: [2, 2, 1] }),
        "outputs[0].shape: must have rank 2, as the model's metadata says, but got [2, 2, 1]",
      ],
      [
        'another fixed size',
        withOutput({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }),
        "outputs[0].shape[1]: must be 2, as the model's metadata says, but got 3",
      ],
      ['fewer values than the shape', withOutput({ data: [1, 2, 3] }), 'outputs[0].data: must hold 4 values for shape [2, 2], but got 3'],
      [
        'a negative dimension',
        withOutput({ shape: [2, -2] }),
        'outputs[0].shape: must be a list of non-negative integers, but got an array of 2',
      ],
      [
        'another datatype',
        withOutput({ datatype: 'FP64' }),
        `outputs[0].datatype: must be FP32, as the model's metadata says, but got "FP64"`,
      ],
      [
        'no datatype',
        withOutput({ datatype: undefined }),
        "outputs[0].datatype: must be FP32, as the model's metadata says, but got nothing",
      ],
      ['a string among the numbers', withOutput({ data: [1, 'abc', 3, 4] }), 'outputs[0].data[1]: must be a finite number, but got "abc"'],
      ['null among the numbers', withOutput({ data: [1, 2, null, 4] }), 'outputs[0].data[2]: must be a finite number, but got null'],
      [
        'a number beyond float32',
        withOutput({ data: [1, 2, 1e39, 4] }),
        'outputs[0].data[2]: must fit in float32 (|x| <= 3.4e38), but got 1e+39',
      ],
      [
        'binary (base64) data',
        withOutput({ data: 'AAAA' }),
        'outputs[0].data: must be JSON numbers (binary tensor data is not supported), but got a string',
      ],
      [
        'nesting that is not the shape',
        withOutput({ data: [[1, 2, 3], [4]] }),
        'outputs[0].data[0]: must be a list of 2 (dimension 1 of shape [2, 2]), but got an array of 3',
      ],
      ['another output than the one asked for', withOutput({ name: 'z' }), 'outputs: must hold output "y", but got "z"'],
      ['no outputs list', answering({ model_name: 'pairs' }), 'outputs: must be a list of output tensors, but got an object'],
      ['a list instead of an object', answering([GOOD]), 'outputs: must be a list of output tensors, but got an array of 1'],
    ];
    for (const [what, script, detail] of cases) {
      it(`refuses ${what}`, async () => {
        const error = await failure(runAgainst(script));
        expect(error).toBeInstanceOf(GatewayError);
        expect(error).toMatchObject({
          code: 'INFERENCE_FAILED',
          message: `${where()} gave an answer that does not fit the model: ${detail}`,
        });
      });
    }
  });

  it('refuses a body that is not JSON, quoting its start', async () => {
    const error = await failure(runAgainst((_request, response) => response.end('<html><body>Bad gateway</body></html>')));
    expect(error.code).toBe('INFERENCE_FAILED');
    expect(error.message).toMatch(
      new RegExp(`^${literal(where())} answered with a body that is not JSON \\(.*\\): <html><body>Bad gateway</body></html>$`),
    );
  });

  it('refuses a huge body, declared or streamed, without reading it all', async () => {
    const declared = await failure(
      runAgainst((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': 512 * 1024 * 1024 });
        response.write('{"outputs": [');
      }),
    );
    expect(declared).toMatchObject({
      code: 'INFERENCE_FAILED',
      message: `${where()} must answer with at most 65792 bytes for this batch, but sent 536870912 bytes`,
    });
    let written = 0;
    const streamed = await failure(
      runAgainst((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = `${'1.0,'.repeat(16_384)}`;
        const pump = () => {
          while (written < 64 * 1024 * 1024 && !response.destroyed) {
            written += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        response.write('{"outputs": [{"name": "y", "datatype": "FP32", "shape": [2, 2], "data": [');
        pump();
      }),
    );
    expect(streamed).toMatchObject({
      code: 'INFERENCE_FAILED',
      message: `${where()} must answer with at most 65792 bytes for this batch, but sent more than 65792 bytes`,
    });
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('times out a slow drip, and a server that never answers, with INFERENCE_TIMEOUT at timeoutMs', async () => {
    const timers: NodeJS.Timeout[] = [];
    const drip = await failure(
      runAgainst((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        timers.push(setInterval(() => response.write(' '), 20));
      }),
    );
    expect(drip).toMatchObject({ code: 'INFERENCE_TIMEOUT', message: `${where()} did not answer within ${TIMEOUT_MS} ms` });
    const silent = await failure(runAgainst(() => {}));
    expect(silent).toMatchObject({ code: 'INFERENCE_TIMEOUT', message: `${where()} did not answer within ${TIMEOUT_MS} ms` });
    for (const timer of timers) clearInterval(timer);
  });

  it('gives MODEL_UNAVAILABLE for a connection dropped mid-answer and for a 503, INFERENCE_FAILED for other error statuses', async () => {
    const dropped = await failure(
      runAgainst((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
        response.write('{"outputs": [');
        setImmediate(() => response.socket?.destroy());
      }),
    );
    expect(dropped.code).toBe('MODEL_UNAVAILABLE');
    expect(dropped.message).toMatch(new RegExp(`^${literal(where())} is unreachable: `));

    const unavailable = await failure(runAgainst((_request, response) => json(response, 503, { error: 'model pairs is not ready' })));
    expect(unavailable).toMatchObject({ code: 'MODEL_UNAVAILABLE', message: `${where()} answered HTTP 503: model pairs is not ready` });

    const page = await failure(runAgainst((_request, response) => response.writeHead(500).end('<h1>Internal\nServer\tError</h1>')));
    expect(page).toMatchObject({ code: 'INFERENCE_FAILED', message: `${where()} answered HTTP 500: <h1>Internal Server Error</h1>` });
  });

  it("trims a remote's long error message to one line of at most 200 characters", async () => {
    const long = `${'x'.repeat(150)}\n${'y'.repeat(5000)}`;
    const error = await failure(runAgainst((_request, response) => json(response, 400, { error: long })));
    expect(error.code).toBe('INFERENCE_FAILED');
    const remoteText = error.message.slice(`${where()} answered HTTP 400: `.length);
    expect(remoteText).toBe(`${'x'.repeat(150)} ${'y'.repeat(MAX_REMOTE_MESSAGE_CHARACTERS - 151)}…`);
  });

  it('refuses bytes that are not HTTP with INFERENCE_FAILED', async () => {
    // A raw socket: well-formed metadata for the load, then garbage for the infer call.
    const metadata = JSON.stringify(METADATA);
    const raw: Server = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        if (chunk.toString('latin1').startsWith('GET ')) {
          socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${metadata.length}\r\n\r\n${metadata}`);
        } else if (chunk.toString('latin1').startsWith('POST ')) socket.end('hello, this is not HTTP\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => {
      raw.listen(0, '127.0.0.1', resolve);
    });
    const url = `http://127.0.0.1:${(raw.address() as { port: number }).port}`;
    try {
      await backend.load({ key: 'pairs@1#raw', name: 'pairs', version: 1, path: 'model.json', manifest: manifestFor(url) });
      const error = await failure(backend.run('pairs@1#raw', ROWS, ['y']));
      expect(error.code).toBe('INFERENCE_FAILED');
      expect(error.message).toMatch(
        new RegExp(`^model "pairs": the inference server at ${literal(url)} answered with something that is not HTTP: `),
      );
    } finally {
      await backend.unload('pairs@1#raw');
      raw.close();
    }
  });

  it("stops a run when the scheduler aborts it, rejecting with the scheduler's reason", async () => {
    server.script = v2Script(METADATA, () => {});
    await backend.load({ key: 'pairs@1#abort', name: 'pairs', version: 1, path: 'model.json', manifest: manifestFor(server.url) });
    const controller = new AbortController();
    const run = backend.run('pairs@1#abort', ROWS, ['y'], controller.signal);
    const reason = new GatewayError('INFERENCE_TIMEOUT', 'pairs@1: the batch must finish within 10 ms, but it did not');
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    await backend.unload('pairs@1#abort');
  });

  describe('loads', () => {
    const loadFrom = (script: Script, backendSettings = {}) => {
      server.script = script;
      loads += 1;
      return failure(
        backend.load({
          key: `pairs@1#${loads}`,
          name: 'pairs',
          version: 1,
          path: 'model.json',
          manifest: manifestFor(server.url, backendSettings),
        }),
      );
    };
    const source = () => `the remote model "pairs" version 1 at ${server.url}`;

    it('refuses metadata that is not JSON, or not the protocol', async () => {
      expect(await loadFrom((_request, response) => response.end('not json'))).toMatchObject({
        reason: 'REMOTE_LOAD_FAILED',
        field: 'backend',
      });
      const missing = await loadFrom((_request, response) => json(response, 200, { name: 'pairs', inputs: [] }));
      expect(missing).toMatchObject({
        reason: 'REMOTE_LOAD_FAILED',
        field: 'backend',
        message: `${source()}: the model metadata must follow the v2 protocol, but field outputs: Invalid input: expected array, received undefined`,
      });
      const badShape = await loadFrom((_request, response) =>
        json(response, 200, { ...METADATA, inputs: [{ name: 'x', datatype: 'FP32', shape: ['batch', 2] }] }),
      );
      expect(badShape.message).toMatch(/field inputs\.0\.shape\.0: /);
    });

    it('names backend.model when the server does not serve it, and backend.url when nothing answers', async () => {
      const notFound = await loadFrom((_request, response) =>
        json(response, 404, { error: "Request for unknown model: 'pairs' is not found" }),
      );
      expect(notFound).toMatchObject({
        reason: 'REMOTE_LOAD_FAILED',
        field: 'backend.model',
        message: `${source()}: the server answered HTTP 404: Request for unknown model: 'pairs' is not found`,
      });
      const port = await freePort();
      const unreachable = await failure(
        backend.load({
          key: 'pairs@1#gone',
          name: 'pairs',
          version: 1,
          path: 'model.json',
          manifest: manifestFor(`http://127.0.0.1:${port}`),
        }),
      );
      expect(unreachable).toMatchObject({ reason: 'REMOTE_LOAD_FAILED', field: 'backend.url' });
      expect(unreachable.message).toMatch(/: the server is unreachable: .*ECONNREFUSED/);
    });

    it('asks again while the server is not ready (503), within loadWaitMs', async () => {
      const patient = new KServeV2Backend({ variables: {}, loadWaitMs: 60_000 });
      let asked = 0;
      server.script = (_request, response) => {
        asked += 1;
        if (asked < 3) json(response, 503, { error: 'loading' });
        else json(response, 200, METADATA);
      };
      try {
        const graph = await patient.load({
          key: 'pairs@1#patient',
          name: 'pairs',
          version: 1,
          path: 'model.json',
          manifest: manifestFor(server.url),
        });
        expect(graph.outputs.map((o) => o.name)).toEqual(['y']);
        expect(asked).toBe(3);
      } finally {
        await patient.close();
      }
    });
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
