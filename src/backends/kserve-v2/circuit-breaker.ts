/**
 * The circuit breaker in front of one remote model: opossum's, which counts the calls that failed in a
 * rolling window and, past a share of them, fails every call at once for `resetMs` (open), then lets
 * one call through (half-open): its success closes the circuit, its failure opens it again. So a dead
 * remote is not hammered, callers learn at once instead of after a timeout each, and a restarted remote
 * is found again without restarting anything.
 *
 * opossum fits the abortable-run shape once its own timer is off: each call is a closure carrying its
 * batch's signal and the backend's timeout, so opossum only keeps the statistics and the state.
 * What counts as a failure is the backend's choice (`counts`): an unreachable or timed-out server or a
 * 5xx does; a refusal of one batch (4xx) or an answer that does not fit does not.
 */
import CircuitBreaker from 'opossum';
import type { RemoteBackendSettings } from '../../models/manifest.js';

export type CircuitSettings = RemoteBackendSettings['circuitBreaker'];

/** Thrown instead of calling while the circuit is open. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
}

export class RemoteCircuit {
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private lastFailure = '';
  private openedAt: Date | null = null;

  constructor(
    private readonly settings: CircuitSettings,
    /** Whether a failed call counts against the remote. */
    counts: (error: unknown) => boolean,
    /** How a failure reads in `condition` (default: its message). */
    describe: (error: unknown) => string = (error) => (error instanceof Error ? error.message : String(error)),
  ) {
    this.breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.minimumCalls,
      rollingCountTimeout: settings.windowMs,
      resetTimeout: settings.resetMs,
      enableSnapshots: false,
      errorFilter: (error: unknown) => !counts(error),
    });
    this.breaker.on('failure', (error: unknown) => {
      this.lastFailure = describe(error);
    });
    this.breaker.on('open', () => {
      this.openedAt = new Date();
    });
    this.breaker.on('close', () => {
      this.openedAt = null;
    });
  }

  /** Runs `call` unless the circuit is open (then rejects with CircuitOpenError at once). */
  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(call)) as T;
    } catch (error) {
      if (CircuitBreaker.isOurError(error as Error)) throw new CircuitOpenError(this.describeOpen());
      throw error;
    }
  }

  /** Why calls fail at once now, or undefined while the circuit is closed. */
  get condition(): string | undefined {
    return this.breaker.closed ? undefined : this.describeOpen();
  }

  /** Stops its timers. */
  shutdown(): void {
    this.breaker.shutdown();
  }

  private describeOpen(): string {
    const since = this.openedAt ? ` since ${this.openedAt.toISOString()}` : '';
    const trial = this.breaker.halfOpen
      ? 'the next call tries it again'
      : `a call tries it again ${this.settings.resetMs} ms after it opened`;
    return `its circuit breaker is open${since} after too many failed calls (last: ${this.lastFailure}); ${trial}`;
  }
}
