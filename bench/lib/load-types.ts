/** What a load run is asked to do and what it reports; shared by the bench and its load process. */
import type { LatencySummary } from './stats.js';

export interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface LoadSpec {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Concurrent connections, each sending its next request when the previous one answered. */
  readonly connections: number;
  readonly durationSec: number;
  /** Each connection cycles through these in order. */
  readonly requests: readonly RequestSpec[];
  /** Requests per second over all connections (a steady probe); unlimited when absent. */
  readonly overallRate?: number;
  /** `graphql` (default): a success is HTTP 200 with no `errors` in the body; `status`: HTTP 200 only. */
  readonly expect?: 'graphql' | 'status';
  /**
   * With `overallRate`: send each request on schedule, whether or not earlier ones were answered (an
   * open-loop probe). A closed loop (autocannon's way) sends nothing while the server stalls, so the
   * stall never shows in its latencies. Requests still unanswered at the end count with the time they
   * waited, and in `unanswered`.
   */
  readonly openLoop?: boolean;
}

export interface LoadResult {
  /** Responses that succeeded (see `LoadSpec.expect`). */
  readonly responses: number;
  /** Responses that did not; the bench refuses to report numbers when there are any. */
  readonly failures: number;
  readonly failureSample?: string;
  readonly connectionErrors: number;
  readonly elapsedSec: number;
  readonly responsesPerSec: number;
  /** Per-response latency from the client's side, in ms (exact, not bucketed). */
  readonly latencyMs: LatencySummary;
  /** Open-loop probes only: requests sent but not answered by the end of the run. */
  readonly unanswered?: number;
}
