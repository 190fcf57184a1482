/**
 * Golden test for the bundled `digits` model: onnxruntime's logits must equal an independent forward
 * pass written here (from the weights read out of the same ONNX file), and the model must recognise
 * real held-out MNIST digits as well as its build reported.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInitializers } from '../../scripts/lib/onnx-graph.js';
import { type DigitData, loadDigitSplit } from '../../scripts/models/digits.js';
import type { ModelManifest } from '../../src/models/manifest.js';
import { parseManifest } from '../../src/tasks/registry.js';

const MODEL_PATH = fileURLToPath(new URL('../../models/digits/1/model.onnx', import.meta.url));
const MANIFEST_PATH = fileURLToPath(new URL('../../models/digits/model.json', import.meta.url));
const PIXELS = 28 * 28;

function loadManifest(): ModelManifest {
  const parsed = parseManifest(JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')));
  if (!parsed.ok) throw new Error(`digits manifest is invalid at ${parsed.field}: ${parsed.message}`);
  return parsed.manifest;
}

/** The graph's math in float64: flatten the 28×28 image row-major, then dense → ReLU → dense. */
function referenceModel(onnxBytes: Uint8Array): (image: Float32Array) => number[] {
  const weights = readInitializers(onnxBytes);
  const layerCount = [...weights.keys()].filter((name) => /^dense\d+_weight$/.test(name)).length;
  expect(layerCount).toBe(2);
  const layers = Array.from({ length: layerCount }, (_, k) => {
    const weight = weights.get(`dense${k + 1}_weight`);
    const bias = weights.get(`dense${k + 1}_bias`);
    if (!weight || !bias) throw new Error(`the digits graph must have dense${k + 1}_weight and dense${k + 1}_bias`);
    return { inputs: weight.dims[0], outputs: weight.dims[1], weight: weight.data as Float32Array, bias: bias.data as Float32Array };
  });
  expect(layers[0].inputs).toBe(PIXELS);
  return (image) => {
    let activation = Array.from(image);
    layers.forEach(({ inputs, outputs, weight, bias }, k) => {
      const next = Array.from(bias);
      for (let i = 0; i < inputs; i += 1) {
        const x = activation[i];
        if (x !== 0) for (let o = 0; o < outputs; o += 1) next[o] += x * weight[i * outputs + o];
      }
      activation = k < layers.length - 1 ? next.map((v) => Math.max(0, v)) : next;
    });
    return activation;
  };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i] > values[best]) best = i;
  return best;
}

async function runLogits(session: InferenceSession, images: Float32Array, count: number): Promise<Float32Array> {
  const { logits } = await session.run({ image: new Tensor('float32', images, [count, 1, 28, 28]) });
  expect(logits.dims).toEqual([count, 10]);
  return logits.data as Float32Array;
}

describe('digits (golden)', () => {
  const manifest = loadManifest();
  // A plain Uint8Array copy: readInitializers' views need 4-byte alignment, which a pooled Buffer slice lacks.
  const bytes = new Uint8Array(readFileSync(MODEL_PATH));
  let session: InferenceSession;
  let data: DigitData;

  beforeAll(async () => {
    session = await InferenceSession.create(MODEL_PATH);
    data = loadDigitSplit();
  });

  /** The given rows' images, stacked `[count, 784]`. */
  const imagesOf = (rows: number[]) => {
    const out = new Float32Array(rows.length * PIXELS);
    rows.forEach((row, k) => {
      out.set(data.images.subarray(row * PIXELS, (row + 1) * PIXELS), k * PIXELS);
    });
    return out;
  };
  /** The first `perClass` held-out digits of each class. */
  const firstHeldOut = (perClass: number) =>
    manifest.labels!.flatMap((_, label) => data.test.filter((row) => data.labels[row] === label).slice(0, perClass));

  it('has a valid, scope-restricted manifest whose names match the graph', () => {
    expect(manifest.task).toBe('tensor-classification');
    expect(manifest.scopes).toEqual(['predict:digits']);
    expect(manifest.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(manifest.inputs[0].shape).toEqual(['batch', 1, 28, 28]);
    expect(manifest.outputs[0].kind).toBe('logits');
    expect([...session.inputNames]).toEqual(manifest.inputs.map((input) => input.name));
    expect([...session.outputNames]).toEqual(manifest.outputs.map((output) => output.name));
  });

  it('holds out at least 1,500 digits, none of them in training', () => {
    expect(data.test.length).toBeGreaterThanOrEqual(1500);
    const train = new Set(data.train);
    expect(data.test.some((row) => train.has(row))).toBe(false);
    expect(data.train.length + data.test.length).toBe(10_000);
  });

  it('matches an independent forward pass on held-out digits and edge images', async () => {
    const rows = firstHeldOut(2);
    const images = imagesOf(rows);
    const blank = new Float32Array(PIXELS);
    const full = new Float32Array(PIXELS).fill(1);
    const all = new Float32Array([...images, ...blank, ...full]);
    const count = rows.length + 2;
    const logits = await runLogits(session, all, count);
    const reference = referenceModel(bytes);
    for (let k = 0; k < count; k += 1) {
      const expected = reference(all.subarray(k * PIXELS, (k + 1) * PIXELS));
      expected.forEach((value, c) => {
        const actual = logits[k * 10 + c];
        const tolerance = 1e-5 * Math.max(Math.abs(value), 1);
        if (!(Math.abs(actual - value) <= tolerance))
          throw new Error(`image ${k} logit ${c} must be ${value} within ${tolerance}, but got ${actual}`);
      });
    }
  });

  it('recognises the first held-out digit of every class', async () => {
    const rows = firstHeldOut(1);
    const logits = await runLogits(session, imagesOf(rows), rows.length);
    rows.forEach((row, k) => {
      expect(argmax(logits.subarray(k * 10, k * 10 + 10))).toBe(data.labels[row]);
    });
  });

  it('reaches the held-out accuracy its build reported (>= 95 %)', async () => {
    const logits = await runLogits(session, imagesOf(data.test), data.test.length);
    let right = 0;
    data.test.forEach((row, k) => {
      if (argmax(logits.subarray(k * 10, k * 10 + 10)) === data.labels[row]) right += 1;
    });
    const heldOutAccuracy = right / data.test.length;
    expect(heldOutAccuracy).toBeGreaterThanOrEqual(0.95);
    // onnxruntime sums in another order than the TypeScript trainer, which may flip a near-tie or two.
    expect(Math.abs(heldOutAccuracy - (manifest.training?.testAccuracy as number))).toBeLessThanOrEqual(2 / data.test.length);
  });
});
