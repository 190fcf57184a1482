/**
 * The IDE and the demo page in headless Chromium against a real gateway on 127.0.0.1: they load and
 * work with no request leaving the machine. Writes the README's screenshots (docs/ide.png,
 * docs/demo.png) when they changed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page, PageScreenshotOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/gateway-server.js';
import { browserSkipReason, ensureDemoBuilt, foreignRequests, launchChromium, recordRequests } from './chromium.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

/** An element's text, with the no-break spaces Monaco renders as plain spaces. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\u00a0/g, ' ');
}

/** A screenshot once the page has settled: the same pixels twice in a row (editors paint late). */
async function settledScreenshot(page: Page, options: PageScreenshotOptions): Promise<Buffer> {
  let previous = await page.screenshot(options);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    await page.waitForTimeout(250);
    const next = await page.screenshot(options);
    if (next.equals(previous)) return next;
    previous = next;
  }
  return previous;
}

/** Writes a screenshot only when its pixels changed, so test runs leave the committed file alone. */
function saveScreenshot(path: string, png: Buffer): void {
  if (existsSync(path) && readFileSync(path).equals(png)) return;
  writeFileSync(path, png);
}

describe.skipIf(skipReason !== undefined)('in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let requests: string[];

  beforeAll(async () => {
    await ensureDemoBuilt();
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1600, height: 900 }, colorScheme: 'light' });
    requests = recordRequests(context);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Counts the GraphQL HTTP requests a page sends while `action` runs. */
  async function graphqlRequestsDuring(page: Page, action: () => Promise<void>): Promise<number> {
    let count = 0;
    const count1 = (request: { url(): string; method(): string }) => {
      if (request.method() === 'POST' && request.url() === `${server.origin}/graphql`) count += 1;
    };
    page.on('request', count1);
    try {
      await action();
    } finally {
      page.off('request', count1);
    }
    return count;
  }

  it('IDE: loads the schema with the demo key, runs the example tab, and fetches nothing from outside', { timeout: 90_000 }, async () => {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const introspection = page.waitForResponse(
      (response) => response.url().endsWith('/graphql') && response.request().postData()?.includes('IntrospectionQuery') === true,
    );
    await page.goto(`${server.origin}/graphql`);
    expect((await introspection).status()).toBe(200);

    // The example tab and the prefilled headers.
    await expect.poll(() => textOf(page.locator('.graphiql-query-editor')), { timeout: 30_000 }).toContain('query ExploreModels {');
    await expect.poll(() => textOf(page.locator('.graphiql-editor-tool'))).toContain('"x-api-key": "dev-key"');

    // Schema docs: the explorer lists the root fields.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.getByText('Query', { exact: true }).first().click();
    await expect
      .poll(() => textOf(page.locator('.graphiql-doc-explorer')))
      .toMatch(/classifySentiment[\s\S]*predict|predict[\s\S]*classifySentiment/);

    const answer = page.waitForResponse(
      (response) => response.url().endsWith('/graphql') && response.request().postData()?.includes('ExploreModels') === true,
    );
    await page.getByRole('button', { name: /Execute query/ }).click();
    const response = await answer;
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { data: Record<string, unknown[]>; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({
      setosa: [{ label: 'setosa' }],
      others: [{ label: 'versicolor' }, { label: 'virginica' }],
      loved: { label: 'POSITIVE' },
      hated: { label: 'NEGATIVE' },
    });
    expect(body.data.forYou).toHaveLength(5);
    await expect.poll(() => textOf(page.locator('.graphiql-response'))).toContain('"setosa"');

    // Monaco's blinking cursor would make every screenshot differ.
    saveScreenshot(
      'docs/ide.png',
      await settledScreenshot(page, { animations: 'disabled', style: '.cursors-layer { display: none !important; }' }),
    );
    expect(pageErrors).toEqual([]);
    expect(foreignRequests(requests, server.origin)).toEqual([]);
    await page.close();
  });

  it('demo: a positive review, recommendations after rating three movies, iris probabilities; one request each', {
    timeout: 90_000,
  }, async () => {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.origin}/demo/`);
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.getByTestId('api-key').inputValue()).toBe('dev-key');

    // Sentiment: the label and a bar per class.
    await page.getByTestId('review-input').fill('What a wonderful film! I loved the story and the acting was brilliant.');
    const sentimentRequests = await graphqlRequestsDuring(page, async () => {
      await page.getByTestId('analyze').click();
      await page.getByTestId('sentiment-label').waitFor();
    });
    expect(sentimentRequests).toBe(1);
    expect(await page.getByTestId('sentiment-label').innerText()).toBe('POSITIVE');
    expect(await page.getByTestId('sentiment-bars').locator('.bar-row').count()).toBe(3);

    // Movies: search, rate three, get recommendations (one request per rating).
    await page.getByTestId('tab-movies').click();
    await graphqlRequestsDuring(page, async () => {
      await page.getByTestId('movie-search').fill('the');
      await expect.poll(() => page.getByTestId('movie-result').first().innerText()).toMatch(/the/i);
    });
    const titles: string[] = [];
    for (let k = 0; k < 3; k += 1) {
      const movie = page.getByTestId('movie-result').nth(k);
      titles.push(await movie.locator('strong').innerText());
      const sent = await graphqlRequestsDuring(page, async () => {
        const answered = page.waitForResponse((response) => response.request().postData()?.includes('Recommendations') === true);
        await movie.locator('button[data-stars="5"]').click();
        await answered;
      });
      expect(sent).toBe(1);
    }
    const recommendations = page.getByTestId('recommendations').locator('li');
    await expect.poll(() => recommendations.count()).toBe(8);
    const recommended = await recommendations.locator('strong').allInnerTexts();
    for (const title of titles) expect(recommended).not.toContain(title);
    expect(await page.getByTestId('rated-movies').innerText()).toContain(titles[0]);
    // The footer's timing would make every screenshot differ.
    saveScreenshot(
      'docs/demo.png',
      await settledScreenshot(page, {
        fullPage: true,
        animations: 'disabled',
        style: '[data-testid="last-request"] { visibility: hidden; }',
      }),
    );

    // Iris: sliders to a large flower; both versions answer in one request.
    await page.getByTestId('tab-iris').click();
    await page.getByTestId('iris-label').first().waitFor();
    const irisRequests = await graphqlRequestsDuring(page, async () => {
      const answered = page.waitForResponse((response) => response.request().postData()?.includes('IrisComparison') === true);
      await page.getByTestId('slider-petalLength').fill('6.1');
      await answered;
    });
    expect(irisRequests).toBe(1);
    await page.getByTestId('slider-petalWidth').fill('2.3');
    await expect.poll(() => page.getByTestId('iris-label').allInnerTexts()).toEqual(['virginica', 'virginica']);
    expect(await page.getByTestId('iris-probabilities').first().locator('.bar-row').count()).toBe(3);

    expect(pageErrors).toEqual([]);
    expect(foreignRequests(requests, server.origin)).toEqual([]);
    await page.close();
  });

  it('demo: a refused key is reported once, in the banner under the key field, not again in the panel', { timeout: 90_000 }, async () => {
    const page = await context.newPage();
    await page.goto(`${server.origin}/demo/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByTestId('api-key').fill('gwk_nope_wrong');
    await page.getByTestId('review-input').fill('What a wonderful film!');
    const answered = page.waitForResponse((response) => response.request().postData()?.includes('ReviewSentiment') === true);
    await page.getByTestId('analyze').click();
    expect((await answered).status()).toBe(401);
    await expect.poll(async () => (await page.locator('body').innerText()).match(/UNAUTHENTICATED/g)?.length ?? 0).toBe(1);
    expect(await page.locator('body').innerText()).toMatch(/UNAUTHENTICATED unknown API key\. Check the API key above\./);
    expect(await page.getByTestId('errors').count()).toBe(0);
    await page.close();
  });
});
