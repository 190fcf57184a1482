/**
 * `demand-forecast`: daily unit demand of one e-commerce product from calendar, price and promotion.
 *
 * The data is GENERATED (fixed seed): three years of a product launched on 2022-01-01, with a growth
 * trend, weekly and yearly seasonality, list-price changes with price elasticity, promotion campaigns,
 * shopping-event days and multiplicative noise. The model is a log-linear regression on features the
 * graph derives itself (sin/cos of weekday and day of year, log price, ...), so clients send plain values.
 * It is trained on 2022-01-01..2024-06-30 and evaluated on 2024-07-01..2024-12-31 (time split).
 */

import { writeModel } from '../lib/model-writer.js';
import { GraphBuilder } from '../lib/onnx-graph.js';
import { Random } from '../lib/random.js';
import {
  appendMlp,
  cosineDecay,
  fit,
  fitStandardizer,
  Mlp,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  type Standardizer,
  standardize,
} from '../lib/train.js';
import type { BuildReport } from './report.js';

/** The input columns, in order (public API). */
export const DEMAND_FEATURES = ['dayOfWeek', 'dayOfYear', 'daysSinceLaunch', 'price', 'discountPct', 'isHoliday'] as const;
export const LAUNCH_DATE = '2022-01-01';
export const LAST_DATE = '2024-12-31';
/** First day of the held-out period; everything before it is training data. */
export const HOLDOUT_START = '2024-07-01';
const DATA_SEED = 424242;
const LIST_PRICES = [19.99, 22.99, 24.99, 27.99, 29.99];
/** The generator's true effects (the model does not see these; it estimates them). */
const TRUTH = {
  baseUnits: 42,
  growthPerYear: 0.22,
  weekday: [0.95, 0.91, 0.93, 0.98, 1.07, 1.14, 1.03],
  referencePrice: 24.99,
  elasticity: -1.8,
  promotionUplift: 1.15,
  holidayUplift: 1.5,
  noiseSigma: 0.12,
};
const DAY_MS = 86_400_000;
/** Clamps the graph applies, so any input gives a finite forecast. */
const MIN_PRICE = 0.01;
const MAX_DISCOUNT_PCT = 90;
const TWO_PI = 2 * Math.PI;
const WEEKLY_HARMONICS = [1, 2, 3];
const YEARLY_HARMONICS = [1, 2];
const YEAR_DAYS = 365.25;
const TRAINING = { epochs: 400, batchSize: 32, learningRate: 0.02, initSeed: 31, shuffleSeed: 32 };

export interface DemandDay {
  date: string;
  /** In `DEMAND_FEATURES` order. */
  features: number[];
  units: number;
}

/** The shopping-event days that count as holidays in the generated data. */
export function shoppingEvents(year: number): string[] {
  const nthWeekday = (month: number, weekday: number, n: number) => {
    // weekday: 0 = Sunday (Date#getUTCDay); month 0-based
    const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
    return new Date(Date.UTC(year, month, 1 + ((weekday - first + 7) % 7) + 7 * (n - 1)));
  };
  const thanksgiving = nthWeekday(10, 4, 4);
  const iso = (date: Date) => date.toISOString().slice(0, 10);
  return [
    `${year}-02-14`, // Valentine's Day
    iso(nthWeekday(6, 2, 2)), // a mid-July sale day (second Tuesday of July)
    `${year}-11-11`, // Singles' Day
    iso(new Date(thanksgiving.getTime() + DAY_MS)), // Black Friday
    iso(new Date(thanksgiving.getTime() + 4 * DAY_MS)), // Cyber Monday
    `${year}-12-14`, // Free Shipping Day
  ];
}

/** Calendar features of a date: Monday = 0 … Sunday = 6, and the day of the year 1-366. */
export function calendarOf(date: string): { dayOfWeek: number; dayOfYear: number; daysSinceLaunch: number } {
  const time = Date.parse(`${date}T00:00:00Z`);
  const yearStart = Date.UTC(Number(date.slice(0, 4)), 0, 1);
  return {
    dayOfWeek: (new Date(time).getUTCDay() + 6) % 7,
    dayOfYear: Math.round((time - yearStart) / DAY_MS) + 1,
    daysSinceLaunch: Math.round((time - Date.parse(`${LAUNCH_DATE}T00:00:00Z`)) / DAY_MS),
  };
}

/** The generated daily series, launch to LAST_DATE (deterministic). */
export function generateDemandSeries(): DemandDay[] {
  const random = new Random(DATA_SEED);
  const holidays = new Set([2022, 2023, 2024].flatMap(shoppingEvents));
  const days: DemandDay[] = [];
  let listPrice = TRUTH.referencePrice;
  let campaignDaysLeft = 0;
  let campaignDiscount = 0;
  for (let time = Date.parse(`${LAUNCH_DATE}T00:00:00Z`); time <= Date.parse(`${LAST_DATE}T00:00:00Z`); time += DAY_MS) {
    const date = new Date(time).toISOString().slice(0, 10);
    const { dayOfWeek, dayOfYear, daysSinceLaunch } = calendarOf(date);
    const isHoliday = holidays.has(date) ? 1 : 0;
    // The list price changes every few months; promotions are 3-7 day campaigns, plus most event days.
    if (random.next() < 1 / 75) listPrice = random.pick(LIST_PRICES);
    if (campaignDaysLeft === 0 && random.next() < 0.035) {
      campaignDaysLeft = 3 + random.int(5);
      campaignDiscount = random.pick([10, 15, 20, 25, 30]);
    }
    let discountPct = campaignDaysLeft > 0 ? campaignDiscount : 0;
    if (campaignDaysLeft > 0) campaignDaysLeft -= 1;
    if (isHoliday && random.next() < 0.75) discountPct = Math.max(discountPct, random.pick([20, 25, 30, 40]));

    const trend = Math.exp((TRUTH.growthPerYear * daysSinceLaunch) / 365);
    const season = Math.exp(
      0.18 * Math.cos((TWO_PI * (dayOfYear - 345)) / YEAR_DAYS) + 0.06 * Math.cos((2 * TWO_PI * (dayOfYear - 200)) / YEAR_DAYS),
    );
    const effectivePrice = listPrice * (1 - discountPct / 100);
    const priceEffect = (effectivePrice / TRUTH.referencePrice) ** TRUTH.elasticity;
    const promotion = discountPct > 0 ? TRUTH.promotionUplift : 1;
    const holiday = isHoliday ? TRUTH.holidayUplift : 1;
    const mean = TRUTH.baseUnits * trend * TRUTH.weekday[dayOfWeek] * season * priceEffect * promotion * holiday;
    const units = Math.max(0, Math.round(mean * Math.exp(random.normal(0, TRUTH.noiseSigma))));
    days.push({ date, features: [dayOfWeek, dayOfYear, daysSinceLaunch, listPrice, discountPct, isHoliday], units });
  }
  return days;
}

/** The names of the graph's derived columns, in order (also written into the manifest's training notes). */
const DERIVED_FEATURES = [
  ...WEEKLY_HARMONICS.map((k) => `sin(2π·${k}·dayOfWeek/7)`),
  ...WEEKLY_HARMONICS.map((k) => `cos(2π·${k}·dayOfWeek/7)`),
  ...YEARLY_HARMONICS.map((k) => `sin(2π·${k}·dayOfYear/365.25)`),
  ...YEARLY_HARMONICS.map((k) => `cos(2π·${k}·dayOfYear/365.25)`),
  'daysSinceLaunch',
  'ln(max(price, 0.01))',
  'ln(1 - clip(discountPct, 0, 90)/100)',
  'sign(clip(discountPct, 0, 90))',
  'isHoliday',
];

/** The same derived columns the graph computes, for training (float64 math, stored as float32). */
function deriveFeatures(rows: number[][]): Float32Array {
  const width = DERIVED_FEATURES.length;
  const out = new Float32Array(rows.length * width);
  rows.forEach(([dayOfWeek, dayOfYear, daysSinceLaunch, price, discountPct, isHoliday], r) => {
    const discount = Math.min(Math.max(discountPct, 0), MAX_DISCOUNT_PCT);
    const weekly = WEEKLY_HARMONICS.map((k) => (TWO_PI * k * dayOfWeek) / 7);
    const yearly = YEARLY_HARMONICS.map((k) => (TWO_PI * k * dayOfYear) / YEAR_DAYS);
    out.set(
      [
        ...weekly.map(Math.sin),
        ...weekly.map(Math.cos),
        ...yearly.map(Math.sin),
        ...yearly.map(Math.cos),
        daysSinceLaunch,
        Math.log(Math.max(price, MIN_PRICE)),
        Math.log(1 - discount / 100),
        Math.sign(discount),
        isHoliday,
      ],
      r * width,
    );
  });
  return out;
}

/**
 * features [batch, 6] → derived columns (Gather, Mul, Sin, Cos, Log, Clip, Sign, Concat) → standardise
 * → linear layer → ln(1 + demand) → Exp, minus 1, Relu → demand [batch, 1].
 */
function toOnnx(model: Mlp, scaler: Standardizer): Uint8Array {
  const graph = new GraphBuilder('demand_forecast');
  const features = graph.input('features', 'float32', ['batch', DEMAND_FEATURES.length]);
  const column = (name: (typeof DEMAND_FEATURES)[number]) =>
    graph.op('Gather', [features, graph.int64s(`${name}_column`, [1], [DEMAND_FEATURES.indexOf(name)])], { axis: 1 });
  const weeklyAngles = graph.op('Mul', [
    column('dayOfWeek'),
    graph.floats(
      'weekly_frequencies',
      [WEEKLY_HARMONICS.length],
      WEEKLY_HARMONICS.map((k) => (TWO_PI * k) / 7),
    ),
  ]);
  const yearlyAngles = graph.op('Mul', [
    column('dayOfYear'),
    graph.floats(
      'yearly_frequencies',
      [YEARLY_HARMONICS.length],
      YEARLY_HARMONICS.map((k) => (TWO_PI * k) / YEAR_DAYS),
    ),
  ]);
  const price = graph.op('Max', [column('price'), graph.floats('min_price', [], [MIN_PRICE])]);
  const discount = graph.op('Clip', [
    column('discountPct'),
    graph.floats('min_discount', [], [0]),
    graph.floats('max_discount', [], [MAX_DISCOUNT_PCT]),
  ]);
  const priceFactor = graph.op('Sub', [graph.floats('one', [], [1]), graph.op('Div', [discount, graph.floats('hundred', [], [100])])]);
  const derived = graph.op(
    'Concat',
    [
      graph.op('Sin', [weeklyAngles]),
      graph.op('Cos', [weeklyAngles]),
      graph.op('Sin', [yearlyAngles]),
      graph.op('Cos', [yearlyAngles]),
      column('daysSinceLaunch'),
      graph.op('Log', [price]),
      graph.op('Log', [priceFactor]),
      graph.op('Sign', [discount]),
      column('isHoliday'),
    ],
    { axis: 1 },
  );
  const width = DERIVED_FEATURES.length;
  const centred = graph.op('Sub', [derived, graph.initializer('derived_mean', 'float32', [width], scaler.mean)]);
  const scaled = graph.op('Div', [centred, graph.initializer('derived_std', 'float32', [width], scaler.std)]);
  const logDemand = appendMlp(graph, scaled, model);
  const demand = graph.op('Sub', [graph.op('Exp', [logDemand]), 'one']);
  graph.op('Relu', [demand], {}, 'demand');
  graph.output('demand', 'float32', ['batch', 1]);
  return graph.encode({ docString: 'demand-forecast: log-linear regression of daily units on calendar, price and promotion features' });
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export async function build(): Promise<BuildReport> {
  const series = generateDemandSeries();
  const train = series.filter((day) => day.date < HOLDOUT_START);
  const heldOut = series.filter((day) => day.date >= HOLDOUT_START);
  const width = DERIVED_FEATURES.length;

  const trainDerived = deriveFeatures(train.map((day) => day.features));
  const scaler = fitStandardizer(trainDerived, train.length, width);
  const trainX = standardize(trainDerived, train.length, width, scaler);
  const trainTargets = Float32Array.from(train, (day) => Math.log1p(day.units));
  const model = new Mlp([width, 1], new Random(TRAINING.initSeed));
  const batchTargets = new Float32Array(TRAINING.batchSize);
  fit(model, trainX, train.length, {
    epochs: TRAINING.epochs,
    batchSize: TRAINING.batchSize,
    random: new Random(TRAINING.shuffleSeed),
    learningRate: TRAINING.learningRate,
    schedule: cosineDecay(0.01),
    loss: (output, rows, batch) => {
      for (let b = 0; b < batch; b += 1) batchTargets[b] = trainTargets[rows[b]];
      return meanSquaredError(output, batchTargets, batch, 1);
    },
  });

  const forecast = (days: DemandDay[]) => {
    const x = standardize(deriveFeatures(days.map((day) => day.features)), days.length, width, scaler);
    return Array.from(model.predict(x, days.length), (z) => Math.max(0, Math.expm1(z)));
  };
  const actual = heldOut.map((day) => day.units);
  const predicted = forecast(heldOut);
  // Naive seasonal baseline: the same weekday one week earlier (actual units, known at forecast time).
  const firstHeldOut = series.length - heldOut.length;
  const lastWeek = heldOut.map((_, i) => series[firstHeldOut + i - 7].units);
  const trainPredicted = forecast(train);

  const metrics = {
    heldOutMae: round(meanAbsoluteError(predicted, actual), 3),
    heldOutMape: round(meanAbsolutePercentageError(predicted, actual), 4),
    baselineMae: round(meanAbsoluteError(lastWeek, actual), 3),
    baselineMape: round(meanAbsolutePercentageError(lastWeek, actual), 4),
    heldOutDays: heldOut.length,
  };
  const learned = model.layers[0].weight;
  const priceStd = scaler.std[DERIVED_FEATURES.indexOf('ln(max(price, 0.01))')];

  writeModel('demand-forecast', {
    manifest: {
      name: 'demand-forecast',
      task: 'tabular-regression',
      description:
        'Forecasts the daily unit demand (units sold per day) of one e-commerce product from calendar, price and promotion. ' +
        'Features, in order: dayOfWeek (0-6, Monday = 0); dayOfYear (1-366, 1 = January 1st); ' +
        `daysSinceLaunch (days since the product launched on ${LAUNCH_DATE}, 0 on launch day; the data covers 0-1095); ` +
        'price (list price before any discount, in dollars; the data has 19.99-29.99; values below 0.01 are treated as 0.01); ' +
        'discountPct (promotion discount in percent, 0 = no promotion; the data has 0-40; clamped to 0-90); ' +
        'isHoliday (1 on a shopping-event day such as Black Friday or Cyber Monday, else 0). ' +
        'Output demand: expected units for that day (>= 0, fractional). ' +
        'Trained on GENERATED data, not real sales: a seeded simulation of three years (2022-2024) with growth, weekly and yearly ' +
        'seasonality, price elasticity, promotions, shopping events and noise; trained on 2022-01-01..2024-06-30, evaluated on ' +
        '2024-07-01..2024-12-31. A log-linear regression on features the graph derives (sin/cos of weekday and day of year, ' +
        'log price, log discount factor, promotion flag), which matches how the simulation composes its effects, so it illustrates ' +
        'the serving path more than it proves forecasting skill.',
      inputs: [{ name: 'features', type: 'float32', shape: ['batch', DEMAND_FEATURES.length] }],
      outputs: [{ name: 'demand', kind: 'values', shape: ['batch', 1] }],
      features: [...DEMAND_FEATURES],
      batching: { maxBatchSize: 1024, maxQueueDelayMs: 0, maxQueueSize: 8192 },
      training: {
        dataset: `generated daily series ${LAUNCH_DATE}..${LAST_DATE} (${series.length} days, seed ${DATA_SEED}); shopping events: Valentine's Day, second Tuesday of July, Nov 11, Black Friday, Cyber Monday, Dec 14`,
        split: `time split: train ${train[0].date}..${train[train.length - 1].date} (${train.length} days), held out ${heldOut[0].date}..${heldOut[heldOut.length - 1].date} (${heldOut.length} days)`,
        target: 'ln(1 + units), mean squared error; the graph returns max(0, exp(prediction) - 1)',
        model: `linear regression on ${width} derived, standardised features: ${DERIVED_FEATURES.join(', ')}`,
        optimizer: `Adam, lr ${TRAINING.learningRate} with cosine decay, batch ${TRAINING.batchSize}, ${TRAINING.epochs} epochs, seeds ${TRAINING.initSeed}/${TRAINING.shuffleSeed}`,
        metrics: {
          ...metrics,
          trainMape: round(
            meanAbsolutePercentageError(
              trainPredicted,
              train.map((day) => day.units),
            ),
            4,
          ),
          baseline: 'seasonal naive: the actual units of the same weekday one week earlier',
        },
        learnedPriceElasticity: round(learned[DERIVED_FEATURES.indexOf('ln(max(price, 0.01))')] / priceStd, 3),
        trueSimulationEffects: TRUTH,
      },
    },
    versions: { 1: toOnnx(model, scaler) },
  });
  return {
    model: 'demand-forecast',
    metrics,
    data: `generated daily demand, ${train.length} train days / ${heldOut.length} held-out days (time split)`,
  };
}
