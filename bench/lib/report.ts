/** Turns a bench report into Markdown tables: printed at the end of a run and saved beside the JSON. */
import { formatNumber } from './measure.js';
import type { BenchReport, FactResult, Goal, RatioResult, SectionResult } from './results.js';

export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `Bench (${report.mode}) ${report.startedAt}, ${report.elapsedSec.toFixed(0)} s: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}, onnxruntime-node ${m.onnxruntime}.`,
    `Load average (1/5/15 min) at start ${report.loadAverage.atStart.map((x) => x.toFixed(2)).join(' ')}, at end ${report.loadAverage.atEnd.map((x) => x.toFixed(2)).join(' ')}.`,
    `Each comparison: ${report.settings.rounds} interleaved round(s) of ${report.settings.warmupSec} s warm-up + ${report.settings.durationSec} s measured; medians; ratios are medians of per-round ratios. Server: ${report.settings.server === 'dist' ? 'compiled dist/main.js' : 'TypeScript sources (tsx)'}, own process; load: autocannon in another process.`,
    '',
    '### Goals',
    '',
    table(
      ['goal', 'measured', 'target', 'met'],
      goalsOf(report).map((g) => [g.name, g.value, g.target, g.met]),
    ),
  ];
  for (const section of report.sections) lines.push('', renderSection(section));
  return lines.join('\n');
}

export function renderSection(section: SectionResult): string {
  const lines = [`### ${section.title}`, ''];
  if (section.measurements.length > 0) {
    const withBatch = section.measurements.some((x) => Number.isFinite(x.median.extra.meanBatchSize));
    const withCpu = section.measurements.some((x) => Number.isFinite(x.median.extra.mainCpuUsPerRequest));
    const header = [
      'measurement',
      'throughput',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      ...(withBatch ? ['items/run'] : []),
      ...(withCpu ? ['server CPU µs/req (main)'] : []),
    ];
    const rows = section.measurements.map((x) => [
      x.name,
      `${formatNumber(x.median.throughput)} ${x.unit}`,
      ms(x.median.p50),
      ms(x.median.p90),
      ms(x.median.p99),
      ...(withBatch ? [Number.isFinite(x.median.extra.meanBatchSize) ? formatNumber(x.median.extra.meanBatchSize) : ''] : []),
      ...(withCpu ? [cpuCell(x.median.extra.cpuUsPerRequest, x.median.extra.mainCpuUsPerRequest)] : []),
    ]);
    lines.push(table(header, rows), '');
  }
  if (section.ratios.length > 0) {
    lines.push(
      table(
        ['ratio', 'value', 'goal', 'rounds'],
        section.ratios.map((r) => [r.name, `**${ratioText(r.value)}**`, goalCell(r.goal, r.met), r.rounds.map(ratioText).join(', ')]),
      ),
      '',
    );
  }
  if (section.facts.length > 0) {
    lines.push(
      table(
        ['figure', 'value', 'goal'],
        section.facts.map((f) => [f.name, `${formatNumber(f.value)} ${f.unit}`, goalCell(f.goal, f.met)]),
      ),
      '',
    );
  }
  for (const note of section.notes) lines.push(`- ${note}`);
  return lines.join('\n').trimEnd();
}

export interface GoalRow {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly met: string;
}

export function goalsOf(report: BenchReport): GoalRow[] {
  const rows: GoalRow[] = [];
  for (const section of report.sections) {
    const withGoals: (RatioResult | FactResult)[] = [...section.ratios, ...section.facts].filter((x) => x.goal);
    for (const x of withGoals) {
      const value = 'unit' in x ? `${formatNumber(x.value)} ${x.unit}` : ratioText(x.value);
      rows.push({
        name: `${section.title.split(':')[0]}: ${x.name}`,
        value,
        target: `${x.goal!.op} ${x.goal!.target}`,
        met: x.met ? 'yes' : '**no**',
      });
    }
  }
  return rows;
}

function ratioText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 10) return value.toFixed(1);
  return value >= 0.1 ? value.toFixed(2) : value.toPrecision(2);
}

// `npx tsx bench/lib/report.ts bench/results/latest.json` re-renders the Markdown beside a saved JSON.
if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const file = process.argv[2];
  if (!file?.endsWith('.json')) throw new Error(`the argument must be a bench results .json file, but got ${JSON.stringify(file)}`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  writeFileSync(file.replace(/\.json$/, '.md'), `${renderReport(report)}\n`);
  console.log(`written: ${file.replace(/\.json$/, '.md')}`);
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function cpuCell(total: number | undefined, main: number | undefined): string {
  if (total === undefined || !Number.isFinite(total)) return '';
  return `${formatNumber(total)} (${formatNumber(main ?? Number.NaN)})`;
}

function goalCell(goal: Goal | undefined, met: boolean | undefined): string {
  if (!goal) return '';
  return `${goal.op} ${goal.target} ${met ? '(met)' : '(**missed**)'}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}
