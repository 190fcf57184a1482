/**
 * Multinomial logistic regression by full-batch gradient descent from zeros: deterministic (no random
 * start, fixed iteration count), meant for a handful of features and a few hundred rows.
 */
export interface SoftmaxRegressionOptions {
  classes: number;
  iterations?: number;
  learningRate?: number;
  /** L2 penalty on the weights (not the biases). */
  l2?: number;
  /** Biases to keep as given instead of fitting them (a stated prior for inputs whose features are all 0). */
  fixedBias?: readonly number[];
}

export interface SoftmaxRegressionModel {
  /** Row-major [features, classes], so `logits = x · weights + bias`. */
  weights: number[][];
  bias: number[];
}

export function fitSoftmaxRegression(
  rows: readonly number[][],
  labels: readonly number[],
  options: SoftmaxRegressionOptions,
): SoftmaxRegressionModel {
  const { classes, iterations = 20_000, learningRate = 0.5, l2 = 1e-3, fixedBias } = options;
  if (fixedBias && fixedBias.length !== classes) throw new Error(`fixedBias must hold ${classes} values, but got ${fixedBias.length}`);
  if (rows.length === 0 || rows.length !== labels.length) {
    throw new Error(`softmax regression needs one label per row, but got ${rows.length} rows and ${labels.length} labels`);
  }
  const features = rows[0].length;
  const weights = Array.from({ length: features }, () => new Array<number>(classes).fill(0));
  const bias = fixedBias ? [...fixedBias] : new Array<number>(classes).fill(0);
  const n = rows.length;

  for (let step = 0; step < iterations; step += 1) {
    const gradW = Array.from({ length: features }, () => new Array<number>(classes).fill(0));
    const gradB = new Array<number>(classes).fill(0);
    rows.forEach((x, r) => {
      const p = predictProbabilities({ weights, bias }, x);
      for (let c = 0; c < classes; c += 1) {
        const error = p[c] - (labels[r] === c ? 1 : 0);
        gradB[c] += error / n;
        for (let f = 0; f < features; f += 1) gradW[f][c] += (error * x[f]) / n;
      }
    });
    for (let c = 0; c < classes; c += 1) {
      if (!fixedBias) bias[c] -= learningRate * gradB[c];
      for (let f = 0; f < features; f += 1) weights[f][c] -= learningRate * (gradW[f][c] + l2 * weights[f][c]);
    }
  }
  return { weights, bias };
}

export function predictProbabilities(model: SoftmaxRegressionModel, x: readonly number[]): number[] {
  const logits = model.bias.map((b, c) => x.reduce((sum, value, f) => sum + value * model.weights[f][c], b));
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}
