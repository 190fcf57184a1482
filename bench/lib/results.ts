/** The shape of the bench's results: what `bench/results/latest.json` holds. */

import type { MachineInfo } from './machine.js';
import type { LatencySummary } from './stats.js';

/** One measured run of a scenario. */
export interface Sample {
  /** In the measurement's unit (items/s, queries/s, requests/s). */
  readonly throughput: number;
  readonly requestsPerSec: number;
  readonly latencyMs: LatencySummary;
  /** Scenario-specific numbers, e.g. the mean batch size the server's counters showed. */
  readonly extra?: Readonly<Record<string, number>>;
}

export interface MeasurementResult {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly rounds: readonly Sample[];
  /** Medians over the rounds, metric by metric. */
  readonly median: {
    readonly throughput: number;
    readonly requestsPerSec: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly extra: Readonly<Record<string, number>>;
  };
}

export interface Goal {
  readonly op: '>=' | '<=';
  readonly target: number;
}

export interface RatioResult {
  readonly name: string;
  readonly description: string;
  /** Median of the per-round ratios (each round ran both sides back to back). */
  readonly value: number;
  readonly rounds: readonly number[];
  readonly goal?: Goal;
  readonly met?: boolean;
}

/** An absolute figure the issue sets a goal on (start-up time, memory, event-loop delay). */
export interface FactResult {
  readonly name: string;
  readonly description: string;
  readonly value: number;
  readonly unit: string;
  readonly rounds?: readonly number[];
  readonly goal?: Goal;
  readonly met?: boolean;
}

export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly measurements: readonly MeasurementResult[];
  readonly ratios: readonly RatioResult[];
  readonly facts: readonly FactResult[];
  readonly notes: readonly string[];
  readonly elapsedSec: number;
}

export interface BenchSettings {
  readonly mode: 'full' | 'quick';
  /** Measured seconds per run. */
  readonly durationSec: number;
  /** Unmeasured seconds before each run, same load. */
  readonly warmupSec: number;
  /** Each scenario of a comparison runs this many times, interleaved; medians are reported. */
  readonly rounds: number;
  readonly server: 'dist' | 'source';
  /** Concurrencies of the cross-request batching comparison. */
  readonly concurrencies: readonly number[];
}

export interface BenchReport {
  readonly mode: BenchSettings['mode'];
  readonly startedAt: string;
  readonly elapsedSec: number;
  readonly machine: MachineInfo;
  /** os.loadavg() (1, 5, 15 min) at start and end: other work on the machine shows here. */
  readonly loadAverage: { readonly atStart: readonly number[]; readonly atEnd: readonly number[] };
  readonly settings: BenchSettings;
  readonly sections: readonly SectionResult[];
}

export function checkGoal(value: number, goal: Goal | undefined): boolean | undefined {
  if (!goal) return undefined;
  return goal.op === '>=' ? value >= goal.target : value <= goal.target;
}
