/**
 * The quick bench's smallest case, end to end: real server and load processes, shortened runs. It
 * checks that the bench works and computes its ratios, never what the numbers are (wall-clock figures
 * depend on the machine).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport } from './lib/report.js';
import { GATEWAY_NODE_FLAGS, PROJECT_ROOT } from './lib/server-process.js';
import { runBench } from './run.js';

describe('bench (quick, smallest case)', () => {
  it('measures within-request batching end to end and reports finite ratios', { timeout: 180_000 }, async () => {
    const report = await runBench({
      mode: 'quick',
      only: ['within-request'],
      server: 'source',
      durationSec: 0.5,
      warmupSec: 0.2,
      out: null,
      log: () => {},
    });

    expect(report.mode).toBe('quick');
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.sections.map((s) => s.id)).toEqual(['within-request']);
    const [section] = report.sections;
    expect(section.measurements.map((m) => m.name)).toEqual(['one-query-256 c1', 'single-queries c1', 'single-queries c32']);
    for (const measurement of section.measurements) {
      expect(measurement.rounds).toHaveLength(1);
      expect(Number.isFinite(measurement.median.throughput) && measurement.median.throughput > 0).toBe(true);
      expect(Number.isFinite(measurement.median.p99)).toBe(true);
    }
    expect(section.ratios.map((r) => r.name)).toEqual(['one-query-256 / single-queries c1', 'one-query-256 / single-queries c32']);
    for (const ratio of section.ratios) {
      expect(Number.isFinite(ratio.value) && ratio.value > 0).toBe(true);
      expect(ratio.goal).toEqual({ op: '>=', target: 20 });
      expect(typeof ratio.met).toBe('boolean');
    }
    // The runtime's counters, not a clock: one 256-instance query is exactly one ONNX run of 256 items.
    const runs = section.facts.find((f) => f.name === 'ONNX runs for one 256-instance query');
    const items = section.facts.find((f) => f.name === 'items in those runs');
    expect(runs?.value).toBe(1);
    expect(items?.value).toBe(256);
    // Batch-size accounting comes from the server's /metrics around each run.
    expect(section.measurements[0].median.extra.meanBatchSize).toBe(256);

    const table = renderReport(report);
    expect(table).toContain('| one-query-256 / single-queries c1 |');
    expect(table).toContain(`${report.machine.cores} cores`);
  });

  it('runs the gateway with the V8 flags it is deployed with (npm start, the Dockerfile)', () => {
    const start = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
      .start;
    const dockerCmd = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('CMD '));
    expect(start).toContain(`node ${GATEWAY_NODE_FLAGS.join(' ')} dist/main.js`);
    expect(dockerCmd).toBe(`CMD ${JSON.stringify(['node', ...GATEWAY_NODE_FLAGS, 'dist/main.js']).replaceAll(',', ', ')}`);
  });
});
