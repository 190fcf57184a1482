/**
 * Misuse of the Open Inference Protocol routes over real HTTP: each bad request gets its status, a
 * stable code and a "must X, but got Y" message in the protocol's error object, nothing reaches a
 * model, and a good request still succeeds afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/gateway-server.js';
import { irisRequest, v2 } from '../support/inference-protocol.js';

interface Abuse {
  name: string;
  path?: string;
  /** A JSON value, or raw text / bytes. */
  body: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** The whole message, or a part of it. */
  message?: string | RegExp;
}

const INFER = '/v2/models/iris/infer';
const input = (fields: Record<string, unknown>) => ({
  inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2], ...fields }],
});
const deeplyNested = (depth: number) =>
  `{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":${'['.repeat(depth)}1${']'.repeat(depth)}}]}`;

const CORPUS: Abuse[] = [
  // --- the body itself
  { name: 'malformed JSON', body: '{"inputs": [', status: 400, code: 'BAD_REQUEST', message: /^the request body must be valid JSON/ },
  { name: 'an empty body', body: '', status: 400, code: 'BAD_REQUEST', message: /must be a JSON inference request object/ },
  {
    name: 'a JSON array body',
    body: [irisRequest()],
    status: 400,
    code: 'BAD_REQUEST',
    message: 'the request body must be a JSON inference request object with inputs, but got an array of 1',
  },
  { name: 'a JSON string body', body: '"infer please"', status: 400, code: 'BAD_REQUEST' },
  {
    name: 'invalid UTF-8',
    body: new Uint8Array([...Buffer.from('{"id":"'), 0xc3, 0x28, 0xff, ...Buffer.from('"}')]),
    status: 400,
    code: 'BAD_REQUEST',
    message: 'the request body must be valid UTF-8',
  },
  {
    name: 'a prototype-poisoning body',
    body: `{"__proto__":{"polluted":true},${JSON.stringify(irisRequest()).slice(1)}`,
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a 20 MB body',
    body: () => JSON.stringify({ ...irisRequest(), pad: 'x'.repeat(20 * 1024 * 1024) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'the binary tensor data extension',
    body: JSON.stringify(irisRequest()),
    headers: { 'inference-header-content-length': '120' },
    status: 400,
    code: 'BAD_REQUEST',
    message: /binary tensor data extension/,
  },
  {
    name: 'data nested 100,000 deep',
    body: deeplyNested(100_000),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data[0]: must be a list of 4 (dimension 1 of shape [1, 4]), but got an array of 1',
  },
  // --- inputs
  {
    name: 'no inputs',
    body: {},
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs: must be a list of 1 input ("features" of model "iris"), but got nothing',
  },
  { name: 'inputs as an object', body: { inputs: { name: 'features' } }, status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'an input that is not an object',
    body: { inputs: [[1, 2, 3, 4]] },
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /^inputs\[0\]: must be an object/,
  },
  {
    name: 'an unknown input name',
    body: input({ name: 'x' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].name: must be "features", the input of model "iris", but got "x"',
  },
  // --- shapes
  {
    name: 'a huge shape',
    body: input({ shape: [1e15, 4] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].shape[0]: must be at most 1024 rows, but got 1000000000000000',
  },
  {
    name: 'more rows than MAX_INSTANCES',
    body: input({ shape: [1025, 4] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].shape[0]: must be at most 1024 rows, but got 1025',
  },
  {
    name: 'a dimension beyond 2^53',
    body: input({ shape: [1, 1e300] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].shape[1]: must be a non-negative integer, but got 1e+300',
  },
  {
    name: 'a negative dimension',
    body: input({ shape: [-1, 4] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].shape[0]: must be a non-negative integer, but got -1',
  },
  {
    name: 'zero rows',
    body: input({ shape: [0, 4], data: [] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].shape[0]: must be at least 1 row, but got 0',
  },
  { name: 'a fractional dimension', body: input({ shape: [1.5, 4] }), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'a string dimension',
    body: input({ shape: ['1', 4] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].shape[0]: must be a non-negative integer, but got "1"',
  },
  {
    name: 'a shape of the wrong rank',
    body: input({ shape: [1, 4, 1] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].shape: must have 2 dimensions [rows, 4], but got 3',
  },
  { name: 'a wrong fixed dimension', body: input({ shape: [1, 3], data: [1, 2, 3] }), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'no shape',
    body: input({ shape: undefined }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].shape: must be a list of 2 integers [rows, 4], but got nothing',
  },
  // --- data
  {
    name: 'a data length that does not match the shape',
    body: input({ shape: [2, 4] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data: must hold 8 values for shape [2, 4], but got 4',
  },
  {
    name: 'ragged nested data',
    body: input({
      shape: [2, 4],
      data: [
        [1, 2, 3, 4],
        [1, 2],
      ],
    }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data[1]: must be a list of 4 (dimension 1 of shape [2, 4]), but got an array of 2',
  },
  { name: 'data nested deeper than the shape', body: input({ data: [[[5.1, 3.5, 1.4, 0.2]]] }), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'data nested with a wrong row count',
    body: input({ shape: [2, 4], data: [[1, 2, 3, 4]] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /^inputs\[0\]\.data: must be a list of 2/,
  },
  {
    name: 'no data',
    body: input({ data: undefined }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data: must be a list of 4 values, flat or nested as the shape, but got nothing',
  },
  {
    name: 'NaN written as a string',
    body: input({ data: ['NaN', 3.5, 1.4, 0.2] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data[0]: must be a finite number, but got "NaN"',
  },
  {
    name: 'NaN as a bare literal (not JSON)',
    body: '{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[NaN,3.5,1.4,0.2]}]}',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'Infinity as a bare literal (not JSON)',
    body: '{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[Infinity,3.5,1.4,0.2]}]}',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a value beyond float32',
    body: input({ data: [1e308, 3.5, 1.4, 0.2] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data[0]: must fit in float32 (|x| <= 3.4e38), but got 1e+308',
  },
  {
    name: 'null in data',
    body: input({ data: [null, 3.5, 1.4, 0.2] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data[0]: must be a finite number, but got null',
  },
  { name: 'strings for numbers', body: input({ data: ['5.1', '3.5', '1.4', '0.2'] }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'booleans for numbers', body: input({ data: [true, false, true, false] }), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'a list inside flat data',
    body: input({ data: [5.1, [3.5], 1.4, 0.2] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data[1]: must be a finite number, but got an array of 1',
  },
  // --- datatypes
  {
    name: 'FP64',
    body: input({ datatype: 'FP64' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /^inputs\[0\]\.datatype: must be FP32, INT32, INT64/,
  },
  { name: 'BYTES', body: input({ datatype: 'BYTES', data: ['a', 'b', 'c', 'd'] }), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'a lower-case datatype (strings are case-sensitive)',
    body: input({ datatype: 'fp32' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /but got "fp32"$/,
  },
  { name: 'a number as datatype', body: input({ datatype: 32 }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'no datatype', body: input({ datatype: undefined }), status: 400, code: 'BAD_USER_INPUT', message: /but got nothing$/ },
  {
    name: 'a fraction in INT32 data',
    body: input({ datatype: 'INT32', data: [5, 3.5, 1, 0] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'inputs[0].data[1]: must be an integer from -2147483648 to 2147483647 (INT32), but got 3.5',
  },
  { name: 'INT64 beyond 2^53', body: input({ datatype: 'INT64', data: [2 ** 60, 3, 1, 0] }), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'an INT32 that float32 cannot hold exactly',
    body: input({ datatype: 'INT32', data: [16_777_217, 3, 1, 0] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /^inputs\[0\]\.data\[0\]: must be at most 16777216 in magnitude/,
  },
  // --- outputs, id
  { name: 'an unknown output', body: { ...irisRequest(), outputs: [{ name: 'label' }] }, status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'outputs as a string',
    body: { ...irisRequest(), outputs: 'probabilities' },
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'outputs: must be a list of objects with a name, but got "probabilities"',
  },
  {
    name: 'a repeated output',
    body: { ...irisRequest(), outputs: [{ name: 'probabilities' }, { name: 'probabilities' }] },
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /must not repeat an output/,
  },
  { name: 'an output without a name', body: { ...irisRequest(), outputs: [{}] }, status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'a numeric id',
    body: { ...irisRequest(), id: 42 },
    status: 400,
    code: 'BAD_USER_INPUT',
    message: 'id: must be a string, but got 42',
  },
  // --- versions and names in the URL
  ...['01', '-1', 'abc', '1.0', '0', '99999999999', 'latest'].map((version) => ({
    name: `version "${version}"`,
    path: `/v2/models/iris/versions/${version}/infer`,
    body: irisRequest(),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: `version: must be a positive integer without leading zeros, such as "2", but got "${version}"`,
  })),
  {
    name: 'a version that does not exist',
    path: '/v2/models/iris/versions/99/infer',
    body: irisRequest(),
    status: 404,
    code: 'MODEL_VERSION_NOT_FOUND',
  },
  {
    name: 'an encoded path traversal as the name',
    path: '/v2/models/..%2F..%2Fetc%2Fpasswd/infer',
    body: irisRequest(),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /^model: must be 1-64 letters, digits, "\.", "_" or "-", starting with a letter or digit, but got "\.\.\/\.\.\/etc\/passwd"$/,
  },
  { name: 'an encoded dot-dot name', path: '/v2/models/%2E%2E%2Fdigits/infer', body: irisRequest(), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a NUL in the name', path: '/v2/models/iris%00/infer', body: irisRequest(), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a well-formed unknown name', path: '/v2/models/iris.bak/infer', body: irisRequest(), status: 404, code: 'MODEL_NOT_FOUND' },
];

describe('a corpus of bad inference protocol requests over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each(CORPUS)('refuses $name with $status $code, and keeps serving', async (abuse) => {
    const before = server.gateway.registry.counters()['iris@2'].items;
    const body = typeof abuse.body === 'function' ? (abuse.body as () => string)() : abuse.body;
    const response = await v2(server, abuse.path ?? INFER, body, { 'x-api-key': 'dev-key', ...abuse.headers });
    expect(response.status).toBe(abuse.status);
    expect(response.body.code).toBe(abuse.code);
    expect(typeof response.body.error).toBe('string');
    if (typeof abuse.message === 'string') expect(response.body.error).toBe(abuse.message);
    else if (abuse.message) expect(response.body.error).toMatch(abuse.message);
    expect(response.body.error!.length).toBeLessThan(300);
    expect(server.gateway.registry.counters()['iris@2'].items).toBe(before);
    expect((await v2(server, INFER, irisRequest())).status).toBe(200);
  });

  it("answers an over-long model name (beyond the router's default 100 characters) as any bad name, not a crash", async () => {
    const response = await v2(server, `/v2/models/${'a'.repeat(200)}/infer`, irisRequest());
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code: 'BAD_USER_INPUT',
      error: 'model: must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit, but got a string of 200 characters',
    });
    expect((await v2(server, INFER, irisRequest())).status).toBe(200);
  });

  it("answers an unknown route under /v2 in the protocol's form", async () => {
    const response = await v2(server, '/v2/repository/index', {});
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ code: 'NOT_FOUND', error: 'Route POST:/v2/repository/index not found' });
  });

  it('parses a body sent without a Content-Type, or with a form type, as JSON', async () => {
    // fetch sends bytes without a Content-Type of its own
    const body = new TextEncoder().encode(JSON.stringify(irisRequest()));
    for (const headers of [{}, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'text/plain' }]) {
      const response = await fetch(`${server.origin}${INFER}`, { method: 'POST', headers: { 'x-api-key': 'dev-key', ...headers }, body });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
  });
});
