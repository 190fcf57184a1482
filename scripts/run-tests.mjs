#!/usr/bin/env node
// `npm test`: type-checks, runs every vitest suite, and ends with one plain summary line such as
// "212 passed, 0 failed, 0 skipped" (counted from vitest's JSON report). Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const report = 'test-results/vitest.json';
// npm puts node_modules/.bin first on PATH, so this is the pinned Node 24 wherever its package installs.
console.log(`node ${process.version} (${process.execPath})`);
mkdirSync('test-results', { recursive: true });
rmSync(report, { force: true });

const typecheck = spawnSync('npm', ['run', '--silent', 'typecheck'], { stdio: 'inherit' });
if (typecheck.status !== 0) {
  console.log('type check failed: 0 passed, 1 failed');
  process.exit(1);
}

// Biome: formatting, import order and lint rules (the type-aware promise rules included) over the TypeScript.
const lint = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit' });
if (lint.status !== 0) {
  console.log('lint failed (npm run format fixes what it can): 0 passed, 1 failed');
  process.exit(1);
}

const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);

let summary;
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  const failedSuites = results.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  summary = `${results.numPassedTests} passed, ${results.numFailedTests + failedSuites} failed, ${skipped} skipped`;
} catch {
  summary = `0 passed, 1 failed (vitest wrote no report; exit code ${vitest.status})`;
}
console.log(`\n${summary}`);
process.exit(vitest.status ?? 1);
