/**
 * The REST baseline: the service a Node developer would write by hand instead of the gateway. One
 * Fastify route, `POST /predict`, an API-key check, a JSON-schema-validated body
 * `{ "instances": [{ "sepalLength": 5.1, ... }] }`, the iris model on onnxruntime-node, and a JSON
 * answer `{ "predictions": [{ "label": "setosa", "probabilities": { "setosa": 0.99, ... } }] }`.
 *
 * Inference runs inline on the main thread, one `session.run` per request: for a model this small
 * (~15 µs a run) a worker thread's round trip would cost more than the run, so inline is the faster
 * choice for this service. No batching across requests, no GraphQL, no logs, no metrics, no rate
 * limits: what the gateway is measured against (bench section `rest-baseline`).
 *
 * Environment: MODEL_DIR (the iris version folder holding model.onnx; labels and features come from
 * the model.json beside it), API_KEY (the one key accepted), PORT, HOST.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Fastify from 'fastify';
import { InferenceSession, Tensor } from 'onnxruntime-node';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const modelDir = process.env.MODEL_DIR;
const apiKey = process.env.API_KEY;
if (!modelDir) throw new Error('MODEL_DIR must name the iris version folder, but it is not set');
if (!apiKey) throw new Error('API_KEY must hold the accepted key, but it is not set');

const manifest = JSON.parse(readFileSync(join(dirname(modelDir), 'model.json'), 'utf8')) as {
  features: string[];
  labels: string[];
  inputs: { name: string }[];
  outputs: { name: string }[];
};
const { features, labels } = manifest;
const inputName = manifest.inputs[0].name;
const outputName = manifest.outputs[0].name;
const session = await InferenceSession.create(join(modelDir, 'model.onnx'), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const expectedKey = Buffer.from(apiKey);

const number = { type: 'number' } as const;
const bodySchema = {
  type: 'object',
  required: ['instances'],
  additionalProperties: false,
  properties: {
    instances: {
      type: 'array',
      minItems: 1,
      maxItems: 1024,
      items: {
        type: 'object',
        required: features,
        additionalProperties: false,
        properties: Object.fromEntries(features.map((f) => [f, number])),
      },
    },
  },
};
const responseSchema = {
  200: {
    type: 'object',
    properties: {
      predictions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            label: { type: 'string' },
            probabilities: { type: 'object', properties: Object.fromEntries(labels.map((l) => [l, number])) },
          },
        },
      },
    },
  },
};

interface PredictBody {
  instances: Record<string, number>[];
}

const app = Fastify({ logger: false });

app.addHook('onRequest', async (request, reply) => {
  if (request.url !== '/predict') return;
  const presented = request.headers['x-api-key'];
  const given = typeof presented === 'string' ? Buffer.from(presented) : undefined;
  if (!given || given.length !== expectedKey.length || !timingSafeEqual(given, expectedKey)) {
    await reply.code(401).send({ error: 'unauthorized' });
  }
});

app.post<{ Body: PredictBody }>('/predict', { schema: { body: bodySchema, response: responseSchema } }, async (request) => {
  const { instances } = request.body;
  const width = features.length;
  const input = new Float32Array(instances.length * width);
  instances.forEach((instance, row) => {
    for (let f = 0; f < width; f += 1) input[row * width + f] = instance[features[f]];
  });
  const outputs = await session.run({ [inputName]: new Tensor('float32', input, [instances.length, width]) });
  const scores = outputs[outputName].data as Float32Array;
  const classes = labels.length;
  const predictions = instances.map((_, row) => {
    let best = 0;
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < classes; c += 1) {
      const p = scores[row * classes + c];
      probabilities[labels[c]] = p;
      if (p > scores[row * classes + best]) best = c;
    }
    return { label: labels[best], probabilities };
  });
  return { predictions };
});
app.get('/readyz', async () => ({ status: 'ready' }));
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port, host });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
