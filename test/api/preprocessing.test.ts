/**
 * Issue 14 item 2: tokenizing ran on the main thread, so one large sentiment request froze /healthz and
 * every other client for seconds. Over real HTTP against a production-mode server: texts are checked
 * and tokenized in the preprocessing pool while the main thread keeps answering, a text asked by
 * several aliases is tokenized and inferred once, and a refused text fails only its own field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { codesOf, startTestServer, type TestServer } from '../support/gateway-server.js';

type Labelled = { text?: string; label: string; score: number };

/** `count` distinct texts of exactly `length` characters, with sentiment words, negations and punctuation. */
function reviews(count: number, length: number): string[] {
  const words = ['the', 'film', 'was', 'not', 'good', 'but', 'the', 'music', 'was', 'wonderful', ',', 'never', 'boring', '!'];
  return Array.from({ length: count }, (_, i) => {
    let text = `review ${i}:`;
    for (let w = i; text.length < length; w += 1) text += ` ${words[(w * 7 + i) % words.length]}`;
    return text.slice(0, length);
  });
}

describe('sentiment preprocessing off the main thread (production mode)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preprocess-'));
  let server: TestServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    const { key, record } = createKeyRecord({ id: 'reviews', scopes: ['sentiment'], itemsPerMinute: 100_000_000 });
    headers = { 'x-api-key': key };
    await writeKeysFile(join(dir, 'keys.json'), { keys: [record] });
    server = await startTestServer({ NODE_ENV: 'production', API_KEYS_FILE: join(dir, 'keys.json') });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz while a request of 256 texts of 5,000 characters is being tokenized', async () => {
    const pool = server.gateway.preprocess;
    const texts = reviews(256, 5_000);
    const tasksBefore = pool.counters().completedTasks;
    let bigAnswered = false;
    const big = server
      .gql<{ classifySentiments: Labelled[] }>(`query ($t: [String!]!) { classifySentiments(texts: $t) { label } }`, { t: texts }, headers)
      .then((response) => {
        bigAnswered = true;
        return response;
      });

    // The request has reached the pool: its texts are queued or being tokenized. (With tokenizing on the
    // main thread, this loop, sharing the server's thread, could not even run until it was over.)
    while (!bigAnswered && pool.counters().busyWorkers === 0 && pool.counters().queuedTasks === 0)
      await new Promise((resolve) => {
        setImmediate(resolve);
      });
    const health = await fetch(`${server.origin}/healthz`);
    const stillTokenizing = pool.counters().completedTasks - tasksBefore < 40 && !bigAnswered;
    expect(health.status).toBe(200);
    expect(stillTokenizing).toBe(true);

    const response = await big;
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.classifySentiments).toHaveLength(256);
    // 1,280,000 characters in tasks of at most 32,768: at least 40 tasks, each short.
    expect(pool.counters().completedTasks - tasksBefore).toBeGreaterThanOrEqual(40);
  });

  it('tokenizes and infers a text once however many aliases ask for it', async () => {
    const texts = ['I loved this movie', 'this was not good at all', 'the movie starts at 8pm', 'I loved this movie'];
    const aliases = Array.from({ length: 8 }, (_, i) => `a${i}: classifySentiments(texts: $t) { text label score }`).join(' ');
    const before = server.gateway.registry.counters()['sentiment@1'];
    const tasksBefore = server.gateway.preprocess.counters().completedTasks;
    const response = await server.gql<Record<string, Labelled[]>>(
      `query ($t: [String!]!) { ${aliases} one: classifySentiment(text: "I loved this movie") { text label score } }`,
      { t: texts },
      headers,
    );
    expect(response.body.errors).toBeUndefined();
    const after = server.gateway.registry.counters()['sentiment@1'];
    expect(after.items - before.items).toBe(3);
    expect(after.runs - before.runs).toBe(1);
    expect(server.gateway.preprocess.counters().completedTasks - tasksBefore).toBe(1);

    const data = response.body.data!;
    for (let i = 1; i < 8; i += 1) expect(data[`a${i}`]).toEqual(data.a0);
    expect(data.a0.map((r) => [r.text, r.label])).toEqual([
      ['I loved this movie', 'POSITIVE'],
      ['this was not good at all', 'NEGATIVE'],
      ['the movie starts at 8pm', 'NEUTRAL'],
      ['I loved this movie', 'POSITIVE'],
    ]);
    expect(data.one).toEqual(data.a0[0]);
  });

  it('fails only the field holding a refused text, naming its index, while the others answer', async () => {
    const response = await server.gql<{ bad: Labelled[] | null; good: Labelled[] | null; long: Labelled | null }>(
      `query ($bad: [String!]!, $good: [String!]!, $long: String!) {
        bad: classifySentiments(texts: $bad) { label }
        good: classifySentiments(texts: $good) { label }
        long: classifySentiment(text: $long) { label }
      }`,
      { bad: ['wonderful', 'fine \u0007 bell', 'awful'], good: ['wonderful', 'awful'], long: 'good '.repeat(2_000) },
      headers,
    );
    expect(response.status).toBe(200);
    expect(response.body.data!.bad).toBeNull();
    expect(response.body.data!.long).toBeNull();
    expect(response.body.data!.good!.map((r) => r.label)).toEqual(['POSITIVE', 'NEGATIVE']);
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    const messages = response.body.errors!.map((e) => e.message).sort();
    expect(messages).toEqual([
      'text: must be at most 5000 characters, but got a string of 10000 characters',
      'texts[1]: must not contain control characters other than whitespace, but got U+0007 at index 5',
    ]);
  });
});
