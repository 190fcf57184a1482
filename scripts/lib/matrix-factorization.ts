/**
 * Biased matrix factorization by alternating least squares (ALS), for small explicit-rating data:
 * prediction(row, col) = mean + rowBias[row] + colBias[col] + rowFactors[row] · colFactors[col],
 * with L2 penalties on factors and biases. Each half-step solves one small ridge regression per row
 * (or column) exactly, so training is deterministic given the seeded initial column factors.
 */
import type { Random } from './random.js';

export interface Observation {
  row: number;
  col: number;
  value: number;
}

export interface AlsOptions {
  rows: number;
  cols: number;
  dim: number;
  iterations: number;
  /** L2 penalty on each factor vector. */
  lambda: number;
  /** L2 penalty on each bias. */
  biasLambda: number;
}

export interface Factorization {
  dim: number;
  mean: number;
  rowBias: Float64Array;
  colBias: Float64Array;
  /** Row-major, `rows × dim`. */
  rowFactors: Float64Array;
  /** Row-major, `cols × dim`. */
  colFactors: Float64Array;
}

export function predict(model: Factorization, row: number, col: number): number {
  let dot = 0;
  for (let k = 0; k < model.dim; k += 1) dot += model.rowFactors[row * model.dim + k] * model.colFactors[col * model.dim + k];
  return model.mean + model.rowBias[row] + model.colBias[col] + dot;
}

export function factorizeAls(observations: readonly Observation[], options: AlsOptions, random: Random): Factorization {
  const { rows, cols, dim } = options;
  const mean = observations.reduce((sum, o) => sum + o.value, 0) / observations.length;
  const model: Factorization = {
    dim,
    mean,
    rowBias: new Float64Array(rows),
    colBias: new Float64Array(cols),
    rowFactors: new Float64Array(rows * dim),
    colFactors: Float64Array.from({ length: cols * dim }, () => random.normal(0, 0.1)),
  };
  const byRow = indexBy(observations, rows, (o) => o.row);
  const byCol = indexBy(observations, cols, (o) => o.col);
  for (let iteration = 0; iteration < options.iterations; iteration += 1) {
    solveSide(byRow, (o) => o.col, model.colFactors, model.colBias, model.rowFactors, model.rowBias, mean, options);
    solveSide(byCol, (o) => o.row, model.rowFactors, model.rowBias, model.colFactors, model.colBias, mean, options);
  }
  return model;
}

export function rmse(model: Factorization, observations: readonly Observation[]): number {
  let sum = 0;
  for (const o of observations) sum += (predict(model, o.row, o.col) - o.value) ** 2;
  return Math.sqrt(sum / observations.length);
}

// For each entity (row or column) on the side being solved: a ridge regression of its residual ratings on
// the other side's factors plus a constant 1 (whose weight is the entity's bias).
function solveSide(
  groups: Observation[][],
  otherIndex: (o: Observation) => number,
  otherFactors: Float64Array,
  otherBias: Float64Array,
  factors: Float64Array,
  bias: Float64Array,
  mean: number,
  options: AlsOptions,
): void {
  const { dim } = options;
  const n = dim + 1;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  const z = new Float64Array(n);
  groups.forEach((group, entity) => {
    a.fill(0);
    b.fill(0);
    for (const o of group) {
      const other = otherIndex(o);
      for (let k = 0; k < dim; k += 1) z[k] = otherFactors[other * dim + k];
      z[dim] = 1;
      const target = o.value - mean - otherBias[other];
      for (let i = 0; i < n; i += 1) {
        b[i] += target * z[i];
        for (let j = 0; j <= i; j += 1) a[i * n + j] += z[i] * z[j];
      }
    }
    for (let i = 0; i < dim; i += 1) a[i * n + i] += options.lambda;
    a[dim * n + dim] += options.biasLambda;
    const x = choleskySolve(a, b, n);
    for (let k = 0; k < dim; k += 1) factors[entity * dim + k] = x[k];
    bias[entity] = x[dim];
  });
}

/**
 * Solves A x = b for a symmetric positive definite A of which only the lower triangle (row-major, n × n)
 * is filled. Throws if A is not positive definite.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = choleskyFactor(a, n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let s = b[i];
    for (let k = 0; k < i; k += 1) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i -= 1) {
    let s = y[i];
    for (let k = i + 1; k < n; k += 1) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** The lower-triangular L with A = L Lᵀ, from A's lower triangle (row-major, n × n). */
export function choleskyFactor(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k += 1) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix must be positive definite, but pivot ${i} is ${s}`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

function indexBy(observations: readonly Observation[], size: number, key: (o: Observation) => number): Observation[][] {
  const groups: Observation[][] = Array.from({ length: size }, () => []);
  for (const o of observations) groups[key(o)].push(o);
  return groups;
}
