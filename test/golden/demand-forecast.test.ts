/**
 * Golden test for the bundled `demand-forecast` model: onnxruntime's forecasts must equal an independent
 * computation written here from the documented feature definitions and the weights read out of the same
 * ONNX file, and the forecasts must show the effects the generated data has (promotions and shopping
 * events raise demand, a higher price lowers it) and beat the naive seasonal baseline on held-out days.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInitializers } from '../../scripts/lib/onnx-graph.js';
import { generateDemandSeries, HOLDOUT_START } from '../../scripts/models/demand-forecast.js';
import type { ModelManifest } from '../../src/models/manifest.js';
import { parseManifest } from '../../src/tasks/registry.js';

const MODEL_PATH = fileURLToPath(new URL('../../models/demand-forecast/1/model.onnx', import.meta.url));
const MANIFEST_PATH = fileURLToPath(new URL('../../models/demand-forecast/model.json', import.meta.url));

type Row = [dayOfWeek: number, dayOfYear: number, daysSinceLaunch: number, price: number, discountPct: number, isHoliday: number];

function loadManifest(): ModelManifest {
  const parsed = parseManifest(JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')));
  if (!parsed.ok) throw new Error(`demand-forecast manifest is invalid at ${parsed.field}: ${parsed.message}`);
  return parsed.manifest;
}

/**
 * The forecast in float64, from the manifest's documented features: weekly harmonics 1-3 and yearly
 * harmonics 1-2 (sin then cos), days since launch, ln price (price >= 0.01), ln(1 - discount/100) and a
 * promotion flag (discount clipped to 0..90), the holiday flag; standardised, linear, exp(·) - 1, >= 0.
 */
function referenceModel(onnxBytes: Uint8Array): (row: Row) => number {
  const weights = readInitializers(onnxBytes);
  const floats = (name: string) => {
    const tensor = weights.get(name);
    if (!tensor) throw new Error(`the demand graph must have an initializer ${name}`);
    return Array.from(tensor.data as Float32Array);
  };
  const mean = floats('derived_mean');
  const std = floats('derived_std');
  const weight = floats('dense1_weight');
  const [bias] = floats('dense1_bias');
  expect(weight).toHaveLength(15);
  expect(weights.has('dense2_weight')).toBe(false);
  return (row) => {
    const [dayOfWeek, dayOfYear, daysSinceLaunch, price, discountPct, isHoliday] = row.map(Math.fround);
    const discount = Math.min(Math.max(discountPct, 0), 90);
    const week = [1, 2, 3].map((k) => (2 * Math.PI * k * dayOfWeek) / 7);
    const year = [1, 2].map((k) => (2 * Math.PI * k * dayOfYear) / 365.25);
    const derived = [
      ...week.map(Math.sin),
      ...week.map(Math.cos),
      ...year.map(Math.sin),
      ...year.map(Math.cos),
      daysSinceLaunch,
      Math.log(Math.max(price, 0.01)),
      Math.log(1 - discount / 100),
      discount > 0 ? 1 : 0,
      isHoliday,
    ];
    const z = derived.reduce((sum, value, c) => sum + ((value - mean[c]) / std[c]) * weight[c], bias);
    return Math.max(0, Math.exp(z) - 1);
  };
}

describe('demand-forecast (golden)', () => {
  const manifest = loadManifest();
  // A plain Uint8Array copy: readInitializers' views need 4-byte alignment, which a pooled Buffer slice lacks.
  const bytes = new Uint8Array(readFileSync(MODEL_PATH));
  const series = generateDemandSeries();
  const heldOut = series.filter((day) => day.date >= HOLDOUT_START);
  let session: InferenceSession;

  beforeAll(async () => {
    session = await InferenceSession.create(MODEL_PATH);
  });

  const forecast = async (rows: Row[]): Promise<number[]> => {
    const { demand } = await session.run({ features: new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 6]) });
    expect(demand.dims).toEqual([rows.length, 1]);
    return Array.from(demand.data as Float32Array);
  };

  it('has a valid manifest whose names match the graph', () => {
    expect(manifest.task).toBe('tabular-regression');
    expect(manifest.features).toEqual(['dayOfWeek', 'dayOfYear', 'daysSinceLaunch', 'price', 'discountPct', 'isHoliday']);
    expect(manifest.outputs[0]).toMatchObject({ name: 'demand', kind: 'values', shape: ['batch', 1] });
    expect([...session.inputNames]).toEqual(manifest.inputs.map((input) => input.name));
    expect([...session.outputNames]).toEqual(manifest.outputs.map((output) => output.name));
  });

  it('matches an independent computation on every held-out day and on out-of-range inputs', async () => {
    const rows: Row[] = [
      ...heldOut.map((day) => day.features as Row),
      [0, 1, 0, 0, 0, 0], // price 0: clamped to 0.01
      [6, 366, 2000, 99.5, 95, 1], // discount beyond 90: clamped; far beyond the training period
      [3, 180, 500, 24.99, -5, 0], // negative discount: no promotion
    ];
    const actual = await forecast(rows);
    const reference = referenceModel(bytes);
    rows.forEach((row, r) => {
      const expected = reference(row);
      const tolerance = 1e-5 * Math.max(Math.abs(expected), 1);
      if (!(Math.abs(actual[r] - expected) <= tolerance)) {
        throw new Error(`row ${r} (${row.join(', ')}) must forecast ${expected} within ${tolerance}, but got ${actual[r]}`);
      }
    });
  });

  it('forecasts more on a promoted shopping-event day, and less at a higher price', async () => {
    const plain: Row = [2, 200, 900, 24.99, 0, 0];
    const [plainDay, promotedHoliday, promoted, holiday, pricier, saturday] = await forecast([
      plain,
      [2, 200, 900, 24.99, 30, 1],
      [2, 200, 900, 24.99, 30, 0],
      [2, 200, 900, 24.99, 0, 1],
      [2, 200, 900, 29.99, 0, 0],
      [5, 200, 900, 24.99, 0, 0],
    ]);
    expect(promotedHoliday).toBeGreaterThan(promoted);
    expect(promotedHoliday).toBeGreaterThan(holiday);
    expect(promoted).toBeGreaterThan(plainDay * 1.5);
    expect(holiday).toBeGreaterThan(plainDay * 1.3);
    expect(pricier).toBeLessThan(plainDay * 0.8);
    expect(saturday).toBeGreaterThan(plainDay);
  });

  it('beats the same-weekday-last-week baseline on the held-out months, as its build reported', async () => {
    const predicted = await forecast(heldOut.map((day) => day.features as Row));
    expect(heldOut.every((day) => day.units > 0)).toBe(true); // so every day counts in the MAPE, as in the build
    const firstHeldOut = series.length - heldOut.length;
    let modelError = 0;
    let baselineError = 0;
    heldOut.forEach((day, i) => {
      modelError += Math.abs(predicted[i] - day.units) / day.units;
      baselineError += Math.abs(series[firstHeldOut + i - 7].units - day.units) / day.units;
    });
    const modelMape = modelError / heldOut.length;
    const baselineMape = baselineError / heldOut.length;
    const reported = (manifest.training?.metrics ?? {}) as { heldOutMape: number; baselineMape: number };
    expect(modelMape).toBeCloseTo(reported.heldOutMape, 3);
    expect(baselineMape).toBeCloseTo(reported.baselineMape, 3);
    expect(modelMape).toBeLessThan(0.15);
    expect(modelMape).toBeLessThan(baselineMape / 2);
  });
});
