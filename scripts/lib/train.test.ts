import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import {
  accuracy,
  argmaxRows,
  fit,
  fitStandardizer,
  Mlp,
  meanAbsolutePercentageError,
  meanSquaredError,
  softmaxCrossEntropy,
  standardize,
  stratifiedSplit,
} from './train.js';

/** The smallest |pre-activation| of any hidden ReLU unit over the batch: how close the batch is to a kink. */
function closestToKink(model: Mlp, x: Float32Array, batch: number): number {
  let input = x;
  let closest = Infinity;
  for (const layer of model.layers.slice(0, -1)) {
    const pre = layer.forward(input, batch, new Float32Array(batch * layer.outputs));
    for (const value of pre) closest = Math.min(closest, Math.abs(value));
    input = pre.map((value) => Math.max(0, value));
  }
  return closest;
}

describe('Mlp backward', () => {
  const random = new Random(1);
  const batch = 5;
  const x = Float32Array.from({ length: batch * 3 }, () => random.normal());

  const cases = [
    {
      name: 'softmax cross-entropy through 3→6 ReLU→4',
      sizes: [3, 6, 4],
      seed: 4,
      loss: (out: Float32Array) => softmaxCrossEntropy(out, [0, 3, 1, 2, 3], batch, 4),
    },
    {
      name: 'mean squared error through 3→5 ReLU→4 ReLU→2',
      sizes: [3, 5, 4, 2],
      seed: 4,
      loss: (out: Float32Array) => meanSquaredError(out, [0.5, -1, 2, 0, 1, 1, -0.5, 0.25, 3, -2], batch, 2),
    },
  ];

  for (const { name, sizes, seed, loss } of cases) {
    it(`matches central finite differences for ${name}`, () => {
      const model = new Mlp(sizes, new Random(seed));
      const epsilon = 1e-3;
      // Finite differences are only meaningful if no perturbation can flip a ReLU unit on or off.
      expect(closestToKink(model, x, batch)).toBeGreaterThan(20 * epsilon);
      const { grad } = loss(model.forward(x, batch));
      model.backward(grad, batch);
      const analytic = model.parameters().map((p) => Float64Array.from(p.grad));

      let compared = 0;
      model.parameters().forEach((parameter, k) => {
        for (let i = 0; i < parameter.value.length; i += 1) {
          const original = parameter.value[i];
          parameter.value[i] = original + epsilon;
          const plus = loss(model.forward(x, batch)).loss;
          parameter.value[i] = original - epsilon;
          const minus = loss(model.forward(x, batch)).loss;
          parameter.value[i] = original;
          const numeric = (plus - minus) / (2 * epsilon);
          // float32 activations limit central differences to about 1e-4 here.
          expect(Math.abs(numeric - analytic[k][i])).toBeLessThan(1e-3 + 1e-2 * Math.abs(numeric));
          compared += 1;
        }
      });
      expect(compared).toBe(model.parameters().reduce((n, p) => n + p.value.length, 0));
    });
  }
});

describe('fit', () => {
  it('learns XOR with a small ReLU network, and the same seeds give the same weights', () => {
    const x = Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]);
    const labels = [0, 1, 1, 0];
    const train = () => {
      const model = new Mlp([2, 8, 2], new Random(3));
      fit(model, x, 4, {
        epochs: 300,
        batchSize: 4,
        random: new Random(4),
        learningRate: 0.05,
        loss: (out, rows, batch) =>
          softmaxCrossEntropy(
            out,
            Array.from(rows.subarray(0, batch), (r) => labels[r]),
            batch,
            2,
          ),
      });
      return model;
    };
    const model = train();
    expect(argmaxRows(model.predict(x, 4), 2)).toEqual(labels);
    expect(Array.from(train().layers[0].weight)).toEqual(Array.from(model.layers[0].weight));
  });

  it('refuses data whose length does not match the model width', () => {
    const model = new Mlp([3, 1], new Random(5));
    expect(() =>
      fit(model, new Float32Array(7), 2, {
        epochs: 1,
        batchSize: 2,
        random: new Random(6),
        learningRate: 0.1,
        loss: (out) => meanSquaredError(out, [0, 0], 2, 1),
      }),
    ).toThrow('x must hold 2 rows of 3 values, but got 7 values');
  });
});

describe('stratifiedSplit', () => {
  const labels = [...Array(50).fill(0), ...Array(30).fill(1), ...Array(20).fill(2)];

  it('takes the same fraction of every class, disjointly and reproducibly', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, new Random(7));
    expect(test.filter((row) => labels[row] === 0)).toHaveLength(10);
    expect(test.filter((row) => labels[row] === 1)).toHaveLength(6);
    expect(test.filter((row) => labels[row] === 2)).toHaveLength(4);
    expect(new Set([...train, ...test]).size).toBe(labels.length);
    expect(stratifiedSplit(labels, 0.2, new Random(7))).toEqual({ train, test });
    expect(stratifiedSplit(labels, 0.2, new Random(8)).test).not.toEqual(test);
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(labels, 1, new Random(7))).toThrow('testFraction must be between 0 and 1, but got 1');
  });
});

describe('standardisation and metrics', () => {
  it('centres and scales each column; a constant column keeps std 1', () => {
    const x = [1, 5, 3, 5, 5, 5];
    const scaler = fitStandardizer(x, 3, 2);
    expect(Array.from(scaler.mean)).toEqual([3, 5]);
    expect(scaler.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(scaler.std[1]).toBe(1);
    const z = standardize(x, 3, 2, scaler);
    expect(z[0] + z[2] + z[4]).toBeCloseTo(0, 6);
    expect([z[1], z[3], z[5]]).toEqual([0, 0, 0]);
  });

  it('computes accuracy and MAPE (skipping zero actuals)', () => {
    expect(accuracy([1, 2, 3, 4], [1, 2, 0, 4])).toBe(0.75);
    expect(meanAbsolutePercentageError([110, 90, 5], [100, 100, 0])).toBeCloseTo(0.1, 12);
  });
});
