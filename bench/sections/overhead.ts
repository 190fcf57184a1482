/**
 * 1. Raw limits and overhead: the HTTP limit (bare Fastify, same request and JSON answer, no GraphQL),
 * the GraphQL ceiling (a no-op query through the whole gateway path), single-item predict at
 * concurrency 32, and onnxruntime-node alone on the same model at the batch sizes the gateway ran.
 */
import { join } from 'node:path';
import type { Section } from '../lib/context.js';
import { find, loadScenario, ratio, runRounds } from '../lib/measure.js';
import { onnxScenarios } from '../lib/onnx-scenarios.js';
import { graphqlPost, IRIS_ITEM, irisPredict, NOOP_QUERY } from '../lib/queries.js';
import type { MeasurementResult } from '../lib/results.js';
import { ServerProcess } from '../lib/server-process.js';
import { defaultVersionDir } from '../models/versions.js';

const CONNECTIONS = 32;

export const overheadSection: Section = {
  id: 'overhead',
  title: '1. Overhead: HTTP limit, GraphQL ceiling, single-item predict, onnxruntime alone',
  needsHeavyModel: false,
  async run(ctx) {
    const server = await ctx.mainServer();
    const predictBody = irisPredict(1);
    const predictAnswer = await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ctx.key.headers },
      body: predictBody,
    }).then((r) => r.text());
    const bare = await ServerProcess.startBareFastify('bare-fastify', ctx.logDir, predictAnswer);
    const common = { load: ctx.load, settings: ctx.settings, connections: CONNECTIONS, unitsPerRequest: 1 };
    let measurements: MeasurementResult[];
    try {
      measurements = await runRounds(
        ctx.settings.rounds,
        [
          loadScenario({
            ...common,
            name: 'http-limit',
            description: `bare Fastify POST route: same request body, same JSON answer, no GraphQL, no auth, no logging (c${CONNECTIONS})`,
            unit: 'req/s',
            server: bare,
            requests: [graphqlPost(predictBody, ctx.key.headers)],
          }),
          loadScenario({
            ...common,
            name: 'graphql-noop',
            description: `{ __typename } through the whole gateway path: HTTP, auth, Apollo, shield, logging, metrics; no resolver (c${CONNECTIONS})`,
            unit: 'req/s',
            server,
            requests: [graphqlPost(NOOP_QUERY, ctx.key.headers)],
          }),
          loadScenario({
            ...common,
            name: 'predict-1',
            description: `predict on iris, one instance per query (c${CONNECTIONS}); the scheduler gathers concurrent queries into shared runs`,
            unit: 'items/s',
            server,
            requests: [graphqlPost(predictBody, ctx.key.headers)],
            batchModels: ['iris'],
          }),
        ],
        ctx.log,
      );
    } finally {
      await bare.stop();
    }

    const predict = find(measurements, 'predict-1');
    const noop = find(measurements, 'graphql-noop');
    const http = find(measurements, 'http-limit');
    const gatewayBatch = Math.max(1, Math.round(predict.median.extra.meanBatchSize ?? 1));
    const irisOnnx = join(defaultVersionDir(ctx.repository.root, 'iris'), 'model.onnx');
    const batchSizes = [...new Set([1, gatewayBatch])];
    const onnxRuns = onnxScenarios(
      {
        modelPath: irisOnnx,
        inputName: 'features',
        item: IRIS_ITEM,
        itemDims: [IRIS_ITEM.length],
        batchSizes,
        warmupSec: Math.min(1, ctx.settings.warmupSec),
        durationSec: Math.max(1, ctx.settings.durationSec / 2),
      },
      (batchSize) =>
        `onnxruntime-node alone on iris, batch ${batchSize}, session.run in a loop in a worker thread${batchSize === gatewayBatch ? ' (the mean batch size predict-1 ran)' : ''}`,
    );
    const onnx = await runRounds(ctx.settings.rounds, onnxRuns, ctx.log);
    const onnxAtGatewayBatch = find(onnx, `onnx-alone-b${gatewayBatch}`);

    return {
      measurements: [...measurements, ...onnx],
      ratios: [
        ratio('predict-1 / graphql-noop', 'single-item predict against the no-op GraphQL ceiling on the same server', predict, noop, {
          goal: { op: '>=', target: 0.9 },
        }),
        ratio(
          'predict-1 / http-limit',
          'single-item predict (authorization, logging, metrics on) against the bare HTTP limit',
          predict,
          http,
          { goal: { op: '>=', target: 0.35 } },
        ),
        ratio('graphql-noop / http-limit', 'what HTTP + auth + Apollo + logging + metrics leave of the bare HTTP limit', noop, http),
        ratio(
          `predict-1 / onnx-alone-b${gatewayBatch}`,
          'gateway items/s against onnxruntime alone at the same batch size',
          predict,
          onnxAtGatewayBatch,
        ),
      ],
      notes: [
        `predict-1 ran ${predict.median.extra.meanBatchSize?.toFixed(1)} items per ONNX run on average (server counters), so onnxruntime alone is measured at batch ${gatewayBatch} too.`,
        'The load generator shares the machine with the server: on few cores it takes CPU the server would otherwise use, the same for every scenario.',
      ],
    };
  },
};
