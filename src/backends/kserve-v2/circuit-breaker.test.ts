/**
 * The circuit breaker's states on an injected clock (fake timers): closed while failures stay below the
 * share, open past it (calls fail at once, without calling), half-open after resetMs (one call tries),
 * closed again on its success; refusals the backend does not count never open it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, RemoteCircuit } from './circuit-breaker.js';

class Down extends Error {}
class Refused extends Error {}

const SETTINGS = { errorThresholdPercentage: 50, minimumCalls: 4, windowMs: 10_000, resetMs: 5_000 };

describe('the remote circuit breaker', () => {
  let circuit: RemoteCircuit;
  let calls = 0;
  const succeed = () => circuit.run(async () => ++calls);
  const fail = (error: Error) =>
    circuit.run(async () => {
      calls += 1;
      throw error;
    });

  beforeEach(() => {
    vi.useFakeTimers();
    calls = 0;
    circuit = new RemoteCircuit(SETTINGS, (error) => error instanceof Down);
  });
  afterEach(() => {
    circuit.shutdown();
    vi.useRealTimers();
  });

  it('stays closed below minimumCalls and below the failure share', async () => {
    for (let i = 0; i < 3; i += 1) await expect(fail(new Down('connect ECONNREFUSED'))).rejects.toThrow(Down);
    expect(circuit.condition).toBeUndefined();
    await succeed();
    await succeed();
    await succeed();
    expect(circuit.condition).toBeUndefined();
  });

  it('opens past the share: calls fail at once without calling, and the condition says why', async () => {
    await succeed();
    for (let i = 0; i < 3; i += 1) await expect(fail(new Down('connect ECONNREFUSED 127.0.0.1:1'))).rejects.toThrow(Down);
    expect(calls).toBe(4);
    const open = await circuit.run(async () => ++calls).catch((error: unknown) => error);
    expect(open).toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(4);
    expect(circuit.condition).toMatch(
      /^its circuit breaker is open since \d{4}-.*Z after too many failed calls \(last: connect ECONNREFUSED 127\.0\.0\.1:1\); a call tries it again 5000 ms after it opened$/,
    );
  });

  it('lets one call through after resetMs: its failure opens again, its success closes', async () => {
    for (let i = 0; i < 4; i += 1) await expect(fail(new Down('down'))).rejects.toThrow(Down);
    await expect(succeed()).rejects.toBeInstanceOf(CircuitOpenError);

    await vi.advanceTimersByTimeAsync(SETTINGS.resetMs);
    expect(circuit.condition).toMatch(/the next call tries it again$/);
    await expect(fail(new Down('still down'))).rejects.toThrow(Down);
    await expect(succeed()).rejects.toBeInstanceOf(CircuitOpenError);

    await vi.advanceTimersByTimeAsync(SETTINGS.resetMs);
    expect(await succeed()).toBe(6);
    expect(circuit.condition).toBeUndefined();
    expect(await succeed()).toBe(7);
  });

  it('never opens on failures the backend does not count against the remote', async () => {
    for (let i = 0; i < 10; i += 1) await expect(fail(new Refused('answered HTTP 400'))).rejects.toThrow(Refused);
    expect(circuit.condition).toBeUndefined();
    expect(await succeed()).toBe(11);
  });
});
