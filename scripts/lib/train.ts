/**
 * Plain-TypeScript training for the bundled models: dense layers with ReLU, softmax cross-entropy and
 * mean squared error, Adam, seeded mini-batches, standardisation, a stratified split and metrics.
 *
 * Everything is float32 and visits values in a fixed order, so with a seeded `Random` a build gives the
 * same weights bit for bit. Row-major layouts match ONNX: a batch is `[batch, width]`, a weight matrix is
 * `[inputs, outputs]` (what `MatMul(x, W)` expects), so trained arrays go into the graph unchanged.
 */
import type { GraphBuilder } from './onnx-graph.js';
import type { Random } from './random.js';

/** A trainable array and its gradient, as the optimizer sees it. */
export interface Parameter {
  value: Float32Array;
  grad: Float32Array;
  /** Whether L2 weight decay applies (weights yes, biases no). */
  decay: boolean;
}

export type Initialization = 'he' | 'glorot' | 'zeros';

/** A fully connected layer `y = x W + b`. */
export class Dense {
  /** `[inputs, outputs]`, row-major. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly weightGrad: Float32Array;
  readonly biasGrad: Float32Array;

  constructor(
    readonly inputs: number,
    readonly outputs: number,
    random: Random,
    initialization: Initialization = 'he',
  ) {
    this.weight = new Float32Array(inputs * outputs);
    this.bias = new Float32Array(outputs);
    this.weightGrad = new Float32Array(inputs * outputs);
    this.biasGrad = new Float32Array(outputs);
    // He suits ReLU layers, Glorot the final linear layer; the scale keeps activations near unit variance.
    const std = initialization === 'he' ? Math.sqrt(2 / inputs) : initialization === 'glorot' ? Math.sqrt(2 / (inputs + outputs)) : 0;
    if (std > 0) for (let i = 0; i < this.weight.length; i += 1) this.weight[i] = random.normal(0, std);
  }

  /** Writes `x W + b` for `batch` rows into `out` (`[batch, outputs]`). Zero inputs are skipped (sparse images). */
  forward(x: Float32Array, batch: number, out: Float32Array): Float32Array {
    const { inputs, outputs, weight, bias } = this;
    for (let b = 0; b < batch; b += 1) {
      const outRow = b * outputs;
      for (let o = 0; o < outputs; o += 1) out[outRow + o] = bias[o];
      const inRow = b * inputs;
      for (let i = 0; i < inputs; i += 1) {
        const xv = x[inRow + i];
        if (xv === 0) continue;
        const wRow = i * outputs;
        for (let o = 0; o < outputs; o += 1) out[outRow + o] += xv * weight[wRow + o];
      }
    }
    return out;
  }

  /**
   * Sets the gradients from `dOut` (`[batch, outputs]`, the loss's gradient w.r.t. this layer's output)
   * and, when `dX` is given, writes the gradient w.r.t. the input (skip it for the first layer).
   */
  backward(x: Float32Array, dOut: Float32Array, batch: number, dX: Float32Array | null): void {
    const { inputs, outputs, weight, weightGrad, biasGrad } = this;
    weightGrad.fill(0);
    biasGrad.fill(0);
    for (let b = 0; b < batch; b += 1) {
      const outRow = b * outputs;
      const inRow = b * inputs;
      for (let o = 0; o < outputs; o += 1) biasGrad[o] += dOut[outRow + o];
      for (let i = 0; i < inputs; i += 1) {
        const xv = x[inRow + i];
        const wRow = i * outputs;
        if (xv !== 0) for (let o = 0; o < outputs; o += 1) weightGrad[wRow + o] += xv * dOut[outRow + o];
        if (dX) {
          let sum = 0;
          for (let o = 0; o < outputs; o += 1) sum += dOut[outRow + o] * weight[wRow + o];
          dX[inRow + i] = sum;
        }
      }
    }
  }

  parameters(): Parameter[] {
    return [
      { value: this.weight, grad: this.weightGrad, decay: true },
      { value: this.bias, grad: this.biasGrad, decay: false },
    ];
  }
}

/**
 * A multilayer perceptron: dense layers with ReLU between them and a linear last layer
 * (`sizes` `[4, 16, 3]` is 4→16 ReLU→3). With two sizes it is a linear model.
 */
export class Mlp {
  readonly layers: Dense[];
  /** Per layer, its input for the current batch (post-ReLU for hidden layers), kept for the backward pass. */
  private activations: Float32Array[] = [];
  /** Per layer, its output for the current batch and the gradient w.r.t. it, sized for `capacity` rows. */
  private buffers: Float32Array[] = [];
  private gradBuffers: Float32Array[] = [];
  private capacity = 0;

  constructor(
    readonly sizes: readonly number[],
    random: Random,
  ) {
    if (sizes.length < 2) throw new Error(`an Mlp must have at least 2 layer sizes, but got ${sizes.length}`);
    this.layers = sizes.slice(1).map((outputs, k) => new Dense(sizes[k], outputs, random, k === sizes.length - 2 ? 'glorot' : 'he'));
  }

  get inputs(): number {
    return this.sizes[0];
  }

  get outputs(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** Runs `batch` rows of `x` and returns the raw last-layer output `[batch, outputs]` (valid until the next call). */
  forward(x: Float32Array, batch: number): Float32Array {
    this.ensureCapacity(batch);
    this.activations[0] = x;
    for (let k = 0; k < this.layers.length; k += 1) {
      const out = this.layers[k].forward(this.activations[k], batch, this.buffers[k]);
      if (k < this.layers.length - 1) {
        const n = batch * this.layers[k].outputs;
        for (let i = 0; i < n; i += 1) if (out[i] < 0) out[i] = 0;
      }
      this.activations[k + 1] = out;
    }
    return this.activations[this.layers.length];
  }

  /** Back-propagates `dOut` (gradient w.r.t. the last forward's output) into every layer's gradients. */
  backward(dOut: Float32Array, batch: number): void {
    let grad = dOut;
    for (let k = this.layers.length - 1; k >= 0; k -= 1) {
      const dX = k > 0 ? this.gradBuffers[k - 1] : null;
      this.layers[k].backward(this.activations[k], grad, batch, dX);
      if (dX) {
        // ReLU: no gradient where the unit was off.
        const act = this.activations[k];
        const n = batch * this.layers[k].inputs;
        for (let i = 0; i < n; i += 1) if (act[i] <= 0) dX[i] = 0;
        grad = dX;
      }
    }
  }

  /** Predictions for many rows, in chunks (returns a fresh array). */
  predict(x: Float32Array, rows: number, chunk = 256): Float32Array {
    const result = new Float32Array(rows * this.outputs);
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const out = this.forward(x.subarray(start * this.inputs, (start + n) * this.inputs), n);
      result.set(out.subarray(0, n * this.outputs), start * this.outputs);
    }
    return result;
  }

  parameters(): Parameter[] {
    return this.layers.flatMap((layer) => layer.parameters());
  }

  private ensureCapacity(batch: number): void {
    if (batch <= this.capacity) return;
    this.capacity = batch;
    this.buffers = this.layers.map((layer) => new Float32Array(batch * layer.outputs));
    this.gradBuffers = this.layers.map((layer) => new Float32Array(batch * layer.outputs));
  }
}

/** Adam (Kingma & Ba) with optional decoupled L2 weight decay on weights. */
export class Adam {
  private readonly moments: { m: Float32Array; v: Float32Array }[];
  private steps = 0;

  constructor(
    private readonly parameters: Parameter[],
    public learningRate = 1e-3,
    private readonly weightDecay = 0,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.moments = parameters.map((p) => ({ m: new Float32Array(p.value.length), v: new Float32Array(p.value.length) }));
  }

  step(): void {
    this.steps += 1;
    const { beta1, beta2, epsilon, learningRate, weightDecay } = this;
    const correction1 = 1 - beta1 ** this.steps;
    const correction2 = 1 - beta2 ** this.steps;
    for (let k = 0; k < this.parameters.length; k += 1) {
      const { value, grad, decay } = this.parameters[k];
      const { m, v } = this.moments[k];
      const shrink = decay ? 1 - learningRate * weightDecay : 1;
      for (let i = 0; i < value.length; i += 1) {
        const g = grad[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        value[i] = value[i] * shrink - (learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
      }
    }
  }
}

export interface LossResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Gradient w.r.t. the model output, already divided by the batch size. */
  grad: Float32Array;
}

/** Softmax cross-entropy of `logits` (`[batch, classes]`) against integer `labels` for the batch's rows. */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
  grad = new Float32Array(batch * classes),
): LossResult {
  let loss = 0;
  for (let b = 0; b < batch; b += 1) {
    const row = b * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c += 1) if (logits[row + c] > max) max = logits[row + c];
    let sum = 0;
    for (let c = 0; c < classes; c += 1) sum += Math.exp(logits[row + c] - max);
    const label = labels[b];
    for (let c = 0; c < classes; c += 1) {
      const p = Math.exp(logits[row + c] - max) / sum;
      grad[row + c] = (p - (c === label ? 1 : 0)) / batch;
    }
    loss += Math.log(sum) - (logits[row + label] - max);
  }
  return { loss: loss / batch, grad };
}

/** Mean squared error of `predictions` against `targets`, both `[batch, width]`. */
export function meanSquaredError(
  predictions: Float32Array,
  targets: ArrayLike<number>,
  batch: number,
  width: number,
  grad = new Float32Array(batch * width),
): LossResult {
  const n = batch * width;
  let loss = 0;
  for (let i = 0; i < n; i += 1) {
    const diff = predictions[i] - targets[i];
    loss += diff * diff;
    grad[i] = (2 * diff) / n;
  }
  return { loss: loss / n, grad };
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Shuffles the rows every epoch. */
  random: Random;
  learningRate: number;
  weightDecay?: number;
  /** Learning rate per epoch, e.g. a cosine decay; default constant. */
  schedule?: (epoch: number, epochs: number) => number;
  /** The loss of one batch: `rows` are the dataset row indices in the batch, in order. */
  loss: (output: Float32Array, rows: Int32Array, batch: number) => LossResult;
  /** Lets a caller alter a gathered batch (e.g. augmentation) before the forward pass. */
  transformBatch?: (x: Float32Array, rows: Int32Array, batch: number) => void;
  onEpoch?: (epoch: number, meanLoss: number) => void;
}

/** Trains `model` on the rows of `x` (`[rows, model.inputs]`) with Adam and seeded mini-batches. */
export function fit(model: Mlp, x: Float32Array, rows: number, options: FitOptions): { finalLoss: number } {
  const width = model.inputs;
  if (x.length !== rows * width) throw new Error(`x must hold ${rows} rows of ${width} values, but got ${x.length} values`);
  const optimizer = new Adam(model.parameters(), options.learningRate, options.weightDecay ?? 0);
  const order = Array.from({ length: rows }, (_, i) => i);
  const batchX = new Float32Array(options.batchSize * width);
  const batchRows = new Int32Array(options.batchSize);
  let finalLoss = NaN;
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    optimizer.learningRate = options.learningRate * (options.schedule?.(epoch, options.epochs) ?? 1);
    options.random.shuffle(order);
    let lossSum = 0;
    for (let start = 0; start < rows; start += options.batchSize) {
      const batch = Math.min(options.batchSize, rows - start);
      for (let b = 0; b < batch; b += 1) {
        const row = order[start + b];
        batchRows[b] = row;
        batchX.set(x.subarray(row * width, (row + 1) * width), b * width);
      }
      options.transformBatch?.(batchX, batchRows, batch);
      const output = model.forward(batchX, batch);
      const { loss, grad } = options.loss(output, batchRows, batch);
      model.backward(grad, batch);
      optimizer.step();
      lossSum += loss * batch;
    }
    finalLoss = lossSum / rows;
    options.onEpoch?.(epoch, finalLoss);
  }
  return { finalLoss };
}

/** Cosine decay from 1 to `floor` over the epochs, for `FitOptions.schedule`. */
export function cosineDecay(floor = 0.05): (epoch: number, epochs: number) => number {
  return (epoch, epochs) => floor + (1 - floor) * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs));
}

/** Per-column mean and standard deviation (float32, exactly what the graph's Sub/Div use). */
export interface Standardizer {
  mean: Float32Array;
  std: Float32Array;
}

/** Fits a standardizer on `[rows, width]` data; constant columns get std 1 so they pass through centred. */
export function fitStandardizer(x: ArrayLike<number>, rows: number, width: number): Standardizer {
  const mean = new Float64Array(width);
  const variance = new Float64Array(width);
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < width; c += 1) mean[c] += x[r * width + c];
  for (let c = 0; c < width; c += 1) mean[c] /= rows;
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < width; c += 1) variance[c] += (x[r * width + c] - mean[c]) ** 2;
  }
  const std = Array.from(variance, (v) => Math.sqrt(v / rows));
  return { mean: Float32Array.from(mean), std: Float32Array.from(std, (s) => (s > 1e-12 ? s : 1)) };
}

/** `(x - mean) / std` per column, rounded to float32 at each step as the ONNX graph does. */
export function standardize(x: ArrayLike<number>, rows: number, width: number, { mean, std }: Standardizer): Float32Array {
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < width; c += 1) out[r * width + c] = Math.fround(Math.fround(x[r * width + c]) - mean[c]) / std[c];
  }
  return out;
}

/** Splits row indices into train and test, taking `testFraction` of each class (rounded) into test; both sorted. */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, random: Random): { train: number[]; test: number[] } {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be between 0 and 1, but got ${testFraction}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i += 1) {
    const rows = byClass.get(labels[i]) ?? [];
    rows.push(i);
    byClass.set(labels[i], rows);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = random.shuffle(byClass.get(label) ?? []);
    const testCount = Math.round(rows.length * testFraction);
    test.push(...rows.slice(0, testCount));
    train.push(...rows.slice(testCount));
  }
  const ascending = (a: number, b: number) => a - b;
  return { train: train.sort(ascending), test: test.sort(ascending) };
}

/** Copies the given rows of a `[rows, width]` array into a new contiguous array. */
export function takeRows(x: ArrayLike<number>, width: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, k) => {
    for (let c = 0; c < width; c += 1) out[k * width + c] = x[row * width + c];
  });
  return out;
}

/** Index of the largest value in each row of `[rows, width]`. */
export function argmaxRows(x: ArrayLike<number>, width: number): number[] {
  const rows = x.length / width;
  const result: number[] = [];
  for (let r = 0; r < rows; r += 1) {
    let best = 0;
    for (let c = 1; c < width; c += 1) if (x[r * width + c] > x[r * width + best]) best = c;
    result.push(best);
  }
  return result;
}

export function accuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (predicted.length !== actual.length)
    throw new Error(`predictions and labels must have the same length, but got ${predicted.length} and ${actual.length}`);
  let right = 0;
  for (let i = 0; i < actual.length; i += 1) if (predicted[i] === actual[i]) right += 1;
  return right / actual.length;
}

export function meanAbsoluteError(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i += 1) sum += Math.abs(predicted[i] - actual[i]);
  return sum / actual.length;
}

/** Mean absolute percentage error (as a fraction, 0.1 = 10 %), over the rows whose actual value is not 0. */
export function meanAbsolutePercentageError(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i += 1) {
    if (actual[i] === 0) continue;
    sum += Math.abs(predicted[i] - actual[i]) / Math.abs(actual[i]);
    count += 1;
  }
  return sum / count;
}

/** Appends a trained layer to a graph as `MatMul` + `Add`, with initializers `<prefix>_weight` and `<prefix>_bias`. */
export function appendDense(graph: GraphBuilder, input: string, layer: Dense, prefix: string, outputName?: string): string {
  const weight = graph.initializer(`${prefix}_weight`, 'float32', [layer.inputs, layer.outputs], layer.weight);
  const bias = graph.initializer(`${prefix}_bias`, 'float32', [layer.outputs], layer.bias);
  return graph.op('Add', [graph.op('MatMul', [input, weight]), bias], {}, outputName);
}

/** Appends an Mlp (MatMul+Add per layer, Relu between) and returns the last layer's output name. */
export function appendMlp(graph: GraphBuilder, input: string, model: Mlp, outputName?: string): string {
  let current = input;
  model.layers.forEach((layer, k) => {
    const last = k === model.layers.length - 1;
    current = appendDense(graph, current, layer, `dense${k + 1}`, last ? outputName : undefined);
    if (!last) current = graph.op('Relu', [current]);
  });
  return current;
}
