/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by package and by function, and
 * inclusive time of chosen functions, so "where does Apollo's time go" has a number, not a guess.
 *
 *   npx tsx bench/lib/profile-summary.ts <file.cpuprofile> [--top 40] [--match name,name]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly byPackage: [string, number][];
  readonly byFunction: [string, number][];
}

/** Which package (or project folder) a script URL belongs to. */
export function packageOf(url: string): string {
  if (!url) return '(native/vm)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const project = /\/(dist|src)\/([^/]+)/.exec(url);
  return project ? `gateway/${project[2]}` : url;
}

export function summarise(profile: CpuProfile): ProfileSummary {
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    total += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += ms;
    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const name = `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, idleMs: idle, byPackage: sorted(byPackage), byFunction: sorted(byFunction) };
}

/** Inclusive time of every node whose function name matches, counted once per sample (no double counting of recursion). */
export function inclusiveMs(profile: CpuProfile, matches: (node: ProfileNode) => boolean): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let total = 0;
  profile.samples.forEach((id, i) => {
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      if (matches(byId.get(current)!)) {
        total += (profile.timeDeltas[i] ?? 0) / 1000;
        return;
      }
    }
  });
  return total;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top N] [--match a,b]');
  const top = Number(rest[rest.indexOf('--top') + 1]) || 30;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const summary = summarise(profile);
  const busy = summary.totalMs - summary.idleMs;
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  console.log(`total ${summary.totalMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms, busy ${busy.toFixed(0)} ms`);
  console.log('\nself time by package (share of busy time):');
  for (const [name, ms] of summary.byPackage.slice(0, top)) console.log(`${pct(ms)}  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  console.log('\nself time by function:');
  for (const [name, ms] of summary.byFunction.slice(0, top)) console.log(`${pct(ms)}  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  const matchAt = rest.indexOf('--match');
  if (matchAt >= 0) {
    console.log('\ninclusive time:');
    for (const name of rest[matchAt + 1].split(',')) {
      const ms = inclusiveMs(profile, (node) => node.callFrame.functionName === name);
      console.log(`${pct(ms)}  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
    }
  }
}

/** Inclusive time per function (name + package + line), each sample counted once per function; the `limit` largest whose package passes `keep`. */
export function topInclusive(profile: CpuProfile, keep: (pkg: string) => boolean, limit = 30): [string, number][] {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const label = (node: ProfileNode) =>
    `${node.callFrame.functionName || '(anonymous)'} ${packageOf(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const node = byId.get(current)!;
      if (!keep(packageOf(node.callFrame.url))) continue;
      const name = label(node);
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
  });
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, limit);
}
