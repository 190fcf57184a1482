/**
 * Runs scenarios in interleaved rounds and turns them into medians and paired ratios. A round runs
 * every scenario of a comparison once, back to back, alternating the order between rounds, so slow
 * drift of a noisy machine hits both sides of a ratio alike.
 */
import type { LoadClient } from './load-client.js';
import type { RequestSpec } from './load-types.js';
import { sumOf } from './prometheus.js';
import type { BenchSettings, Goal, MeasurementResult, RatioResult, Sample } from './results.js';
import { checkGoal } from './results.js';
import type { ServerProcess } from './server-process.js';
import { median, pairedRatio } from './stats.js';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  /** Warms up, then measures once. */
  run(): Promise<Sample>;
}

export type Log = (message: string) => void;

export async function runRounds(rounds: number, scenarios: readonly Scenario[], log: Log): Promise<MeasurementResult[]> {
  const samples = new Map<string, Sample[]>(scenarios.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
    for (const scenario of order) {
      const sample = await scenario.run();
      samples.get(scenario.name)!.push(sample);
      log(
        `  round ${round + 1}/${rounds} ${scenario.name}: ${formatNumber(sample.throughput)} ${scenario.unit}, p99 ${sample.latencyMs.p99.toFixed(2)} ms`,
      );
    }
  }
  return scenarios.map((scenario) => summarise(scenario, samples.get(scenario.name)!));
}

export function summarise(scenario: Pick<Scenario, 'name' | 'description' | 'unit'>, rounds: readonly Sample[]): MeasurementResult {
  const extraKeys = [...new Set(rounds.flatMap((s) => Object.keys(s.extra ?? {})))];
  return {
    name: scenario.name,
    description: scenario.description,
    unit: scenario.unit,
    rounds,
    median: {
      throughput: median(rounds.map((s) => s.throughput)),
      requestsPerSec: median(rounds.map((s) => s.requestsPerSec)),
      p50: median(rounds.map((s) => s.latencyMs.p50)),
      p90: median(rounds.map((s) => s.latencyMs.p90)),
      p99: median(rounds.map((s) => s.latencyMs.p99)),
      extra: Object.fromEntries(extraKeys.map((key) => [key, median(rounds.map((s) => s.extra?.[key] ?? Number.NaN))])),
    },
  };
}

/** numerator / denominator of a metric, paired round by round. */
export function ratio(
  name: string,
  description: string,
  numerator: MeasurementResult,
  denominator: MeasurementResult,
  options: { metric?: 'throughput' | 'p99'; goal?: Goal } = {},
): RatioResult {
  const pick = (s: Sample) => (options.metric === 'p99' ? s.latencyMs.p99 : s.throughput);
  const { value, rounds } = pairedRatio(numerator.rounds.map(pick), denominator.rounds.map(pick));
  return { name, description, value, rounds, ...(options.goal ? { goal: options.goal, met: checkGoal(value, options.goal) } : {}) };
}

export function find(measurements: readonly MeasurementResult[], name: string): MeasurementResult {
  const found = measurements.find((m) => m.name === name);
  if (!found) throw new Error(`measurement ${name} must exist, but only ${measurements.map((m) => m.name).join(', ')} do`);
  return found;
}

export interface LoadScenarioOptions {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly load: LoadClient;
  readonly settings: BenchSettings;
  readonly server: Pick<ServerProcess, 'origin' | 'metrics' | 'cpuSeconds'>;
  readonly connections: number;
  /** Each connection cycles through these. */
  readonly requests: readonly RequestSpec[];
  /** Units of work per request on average: throughput = requests/s × this. */
  readonly unitsPerRequest: number;
  /** Models whose run and item counters (from /metrics) give the mean batch size of the measured window. */
  readonly batchModels?: readonly string[];
}

/** A load-generator scenario: warm-up, then the measured run, with optional batch-size accounting. */
export function loadScenario(options: LoadScenarioOptions): Scenario {
  const spec = { origin: options.server.origin, connections: options.connections, requests: options.requests };
  return {
    name: options.name,
    description: options.description,
    unit: options.unit,
    async run() {
      if (options.settings.warmupSec > 0) await options.load.run({ ...spec, durationSec: options.settings.warmupSec });
      const before = options.batchModels ? await batchCounters(options.server, options.batchModels) : undefined;
      const cpuBefore = options.server.cpuSeconds();
      const result = await options.load.run({ ...spec, durationSec: options.settings.durationSec });
      const cpuAfter = options.server.cpuSeconds();
      const extra: Record<string, number> = {
        // Server CPU per request (µs), main thread and whole process: robust to a busy machine, unlike req/s.
        mainCpuUsPerRequest: ((cpuAfter.main - cpuBefore.main) * 1e6) / (result.responsesPerSec * result.elapsedSec),
        cpuUsPerRequest: ((cpuAfter.total - cpuBefore.total) * 1e6) / (result.responsesPerSec * result.elapsedSec),
      };
      if (before && options.batchModels) {
        const after = await batchCounters(options.server, options.batchModels);
        extra.runs = after.runs - before.runs;
        extra.items = after.items - before.items;
        extra.meanBatchSize = extra.runs > 0 ? extra.items / extra.runs : Number.NaN;
      }
      return {
        throughput: result.responsesPerSec * options.unitsPerRequest,
        requestsPerSec: result.responsesPerSec,
        latencyMs: result.latencyMs,
        extra,
      };
    },
  };
}

/** ONNX runs and items so far, summed over `models` (every version, every outcome). */
export async function batchCounters(
  server: Pick<ServerProcess, 'metrics'>,
  models: readonly string[],
): Promise<{ runs: number; items: number }> {
  const samples = await server.metrics();
  let runs = 0;
  let items = 0;
  for (const model of models) {
    runs += sumOf(samples, 'gateway_inference_runs_total', { model });
    items += sumOf(samples, 'gateway_inference_items_total', { model });
  }
  return { runs, items };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
