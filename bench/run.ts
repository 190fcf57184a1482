/**
 * `npm run bench` (full, under 15 minutes) and `npm run bench:quick` (under 2 minutes): starts the
 * servers under test as their own processes on free ports, drives them from a separate load process,
 * and reports every figure as a ratio of runs made in this same invocation. Writes the results as JSON
 * and Markdown to bench/results/.
 *
 *   npx tsx bench/run.ts [--quick] [--only=overhead,within-request,...] [--server=dist|source] [--out=file.json]
 *                        [--rounds=N] [--duration=s] [--warmup=s] [--keep-logs]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAll } from './lib/children.js';
import type { BenchContext, GatewayStartOptions, Section } from './lib/context.js';
import { createBenchKey } from './lib/keys.js';
import { LoadClient } from './lib/load-client.js';
import { machineInfo } from './lib/machine.js';
import { renderReport, renderSection } from './lib/report.js';
import type { BenchReport, BenchSettings, SectionResult } from './lib/results.js';
import { PROJECT_ROOT, type ServerEntry, ServerProcess } from './lib/server-process.js';
import { type BenchRepository, createBenchRepository } from './models/bench-repository.js';
import { HEAVY_MODEL_SHAPE } from './models/heavy-model.js';
import { authorizationSection } from './sections/authorization.js';
import { crossRequestSection } from './sections/cross-request.js';
import { eventLoopSection } from './sections/event-loop.js';
import { gcTuningSection } from './sections/gc-tuning.js';
import { multiModelSection } from './sections/multi-model.js';
import { nodeRuntimeSection } from './sections/node-runtime.js';
import { overheadSection } from './sections/overhead.js';
import { restBaselineSection } from './sections/rest-baseline.js';
import { sentimentAttackSection } from './sections/sentiment-attack.js';
import { startupSection } from './sections/startup.js';
import { tracingSection } from './sections/tracing.js';
import { withinRequestSection } from './sections/within-request.js';

/** The heavy model's scheduler knobs in the batched variant. */
export const HEAVY_BATCHING = { maxBatchSize: 64, maxQueueDelayMs: 0 };

export const SECTIONS: readonly Section[] = [
  overheadSection,
  withinRequestSection,
  crossRequestSection(HEAVY_MODEL_SHAPE, HEAVY_BATCHING),
  eventLoopSection(HEAVY_MODEL_SHAPE),
  multiModelSection,
  startupSection,
  authorizationSection,
  gcTuningSection,
  nodeRuntimeSection,
  restBaselineSection,
  sentimentAttackSection,
  tracingSection,
];

export const MODES: Record<BenchSettings['mode'], Omit<BenchSettings, 'server'>> = {
  full: { mode: 'full', durationSec: 5, warmupSec: 2, rounds: 3, concurrencies: [1, 8, 32, 64] },
  quick: { mode: 'quick', durationSec: 1.5, warmupSec: 0.5, rounds: 1, concurrencies: [1, 64] },
};

export interface BenchOptions {
  readonly mode: BenchSettings['mode'];
  /** Section ids to run (default: all). */
  readonly only?: readonly string[];
  readonly server?: ServerEntry;
  /** Where to write the JSON (the Markdown goes beside it); none when null. */
  readonly out?: string | null;
  /** Overrides of the mode's durations (the vitest smoke test shortens them). */
  readonly durationSec?: number;
  readonly warmupSec?: number;
  readonly rounds?: number;
  readonly keepLogs?: boolean;
  readonly log?: (message: string) => void;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const loadAtStart = loadavg();
  const startedAt = new Date().toISOString();
  const log = options.log ?? ((message: string) => console.log(message));
  const settings: BenchSettings = {
    ...MODES[options.mode],
    ...(options.durationSec !== undefined ? { durationSec: options.durationSec } : {}),
    ...(options.warmupSec !== undefined ? { warmupSec: options.warmupSec } : {}),
    ...(options.rounds !== undefined ? { rounds: options.rounds } : {}),
    server: options.server ?? 'dist',
  };
  const sections = options.only ? options.only.map(sectionById) : SECTIONS;
  const logDir = mkdtempSync(join(tmpdir(), 'gateway-bench-logs-'));
  const bundledModelsDir = join(PROJECT_ROOT, 'models');
  const key = await createBenchKey();
  const needsHeavy = sections.some((s) => s.needsHeavyModel);
  log(`bench ${settings.mode}: ${sections.map((s) => s.id).join(', ')}; server logs in ${logDir}`);
  const repository: BenchRepository = createBenchRepository({
    bundledModelsDir,
    shape: HEAVY_MODEL_SHAPE,
    ...HEAVY_BATCHING,
    withHeavyModel: needsHeavy,
  });
  const [load, probe] = await Promise.all([LoadClient.start(), LoadClient.start()]);
  let main: Promise<ServerProcess> | null = null;
  let failed = false;

  const startGateway = (label: string, start: GatewayStartOptions = {}) =>
    ServerProcess.startGateway({
      label,
      entry: settings.server,
      modelsDir: start.modelsDir ?? repository.root,
      logDir,
      env: { NODE_ENV: 'production', LOG_LEVEL: 'info', API_KEYS_FILE: key.file, ...start.env },
      ...(start.nodeBinary ? { nodeBinary: start.nodeBinary } : {}),
      ...(start.nodeFlags ? { nodeFlags: start.nodeFlags } : {}),
    });
  const context: BenchContext = {
    settings,
    load,
    probe,
    key,
    logDir,
    bundledModelsDir,
    repository,
    entry: settings.server,
    log,
    startGateway,
    mainServer() {
      main ??= startGateway('main').then((server) => {
        log(`main gateway ready in ${server.startupMs.toFixed(0)} ms at ${server.origin} (pid ${server.pid})`);
        return server;
      });
      return main;
    },
  };

  const results: SectionResult[] = [];
  try {
    for (const section of sections) {
      const sectionStarted = performance.now();
      log(`\n${section.title}`);
      const output = await section.run(context);
      const result: SectionResult = {
        id: section.id,
        title: section.title,
        measurements: output.measurements,
        ratios: output.ratios,
        facts: output.facts ?? [],
        notes: output.notes ?? [],
        elapsedSec: (performance.now() - sectionStarted) / 1000,
      };
      results.push(result);
      log(`\n${renderSection(result)}\n(${result.elapsedSec.toFixed(0)} s)`);
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (main !== null) await (await (main as Promise<ServerProcess>).catch(() => null))?.stop();
    await Promise.all([load.stop(), probe.stop()]);
    killAll();
    repository.remove();
    rmSync(dirname(key.file), { recursive: true, force: true });
    if (failed || options.keepLogs) log(`server logs kept in ${logDir}`);
    else rmSync(logDir, { recursive: true, force: true });
  }

  const report: BenchReport = {
    mode: settings.mode,
    startedAt,
    elapsedSec: (performance.now() - started) / 1000,
    machine: machineInfo(),
    loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
    settings,
    sections: results,
  };
  if (options.out) {
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(options.out.replace(/\.json$/, '.md'), `${renderReport(report)}\n`);
  }
  return report;
}

function sectionById(id: string): Section {
  const section = SECTIONS.find((s) => s.id === id);
  if (!section) throw new Error(`--only must name sections among ${SECTIONS.map((s) => s.id).join(', ')}, but got "${id}"`);
  return section;
}

function parseArgs(argv: readonly string[]): BenchOptions {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const known = ['--quick', '--keep-logs', '--only=', '--server=', '--out=', '--rounds=', '--duration=', '--warmup='];
  const unknown = argv.filter((a) => !known.some((k) => (k.endsWith('=') ? a.startsWith(k) : a === k)));
  if (unknown.length > 0) throw new Error(`arguments must be among ${known.join(' ')}, but got ${unknown.join(' ')}`);
  const mode = argv.includes('--quick') ? 'quick' : 'full';
  const server = value('server') ?? 'dist';
  if (server !== 'dist' && server !== 'source') throw new Error(`--server must be dist or source, but got "${server}"`);
  const resultsDir = join(PROJECT_ROOT, 'bench', 'results');
  const number = (name: string) => {
    const text = value(name);
    if (text === undefined) return undefined;
    const parsed = Number(text);
    if (!(parsed > 0)) throw new Error(`--${name} must be a positive number, but got "${text}"`);
    return parsed;
  };
  return {
    rounds: number('rounds'),
    durationSec: number('duration'),
    warmupSec: number('warmup'),
    mode,
    server,
    only: value('only')?.split(',').filter(Boolean),
    out: value('out') ?? join(resultsDir, mode === 'full' ? 'latest.json' : 'quick.json'),
    keepLogs: argv.includes('--keep-logs'),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const options = parseArgs(process.argv.slice(2));
  runBench(options).then(
    (report) => {
      console.log(`\n${renderReport(report)}\n`);
      if (options.out) console.log(`written: ${options.out} and ${options.out.replace(/\.json$/, '.md')}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    },
  );
}
