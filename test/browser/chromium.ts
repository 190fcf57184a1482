/**
 * Headless Chromium for the browser tests: the system's /usr/bin/chromium (apt) driven by
 * playwright-core, with every request the pages make recorded.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can. Only a developer machine
 * without Chromium skips them; in CI (CI set) they always run, and fail if Chromium is missing.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM) || process.env.CI) return undefined;
  return `browser tests skipped: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`; CI always runs them)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/**
 * Records the URL of every request made in the context (pages, their scripts, workers, fetches),
 * including requests that fail, so a test can assert that none left the machine.
 */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** The recorded URLs that go anywhere but `origin` (data: and blob: URLs never leave the page). */
export function foreignRequests(urls: readonly string[], origin: string): string[] {
  return urls.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
}

const DEMO_INDEX = 'dist/web/demo/index.html';
const DEMO_SOURCES = ['web/demo', 'client/src'];

/** Builds the demo page with Vite unless dist/web/demo is newer than every source file. */
export async function ensureDemoBuilt(): Promise<void> {
  const built = existsSync(DEMO_INDEX) ? statSync(DEMO_INDEX).mtimeMs : 0;
  if (built > Math.max(...DEMO_SOURCES.map(newestFileIn))) return;
  await promisify(execFile)('node_modules/.bin/vite', ['build', '--config', 'web/demo/vite.config.ts', '--logLevel', 'warn'], {
    timeout: 120_000,
  });
}

function newestFileIn(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFileIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}
