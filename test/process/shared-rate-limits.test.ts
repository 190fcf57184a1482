/**
 * Two real gateway processes sharing item budgets in a real redis-server (REDIS_URL): one budget per
 * caller across replicas; Redis killed mid-run loses and holds no request; Redis back, budgets shared again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { type GatewayProcess, type HttpAnswer, startGatewayProcess } from '../support/gateway-process.js';
import { type RedisServer, redisSkipReason, startRedisServer } from '../support/redis-server.js';

const skipReason = redisSkipReason();
if (skipReason) console.warn(skipReason);

const FLOWER = { features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } };
const PREDICT = 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }';
/** Long enough for a reconnect with backoff on a loaded machine; the test waits for states, not for time. */
const STATE_CHANGE = { timeout: 30_000, interval: 100 };

type Predict = { predict: { label: string }[] | null };
type Readiness = { status: string; rateLimitStore?: { kind: string; state: string } };

describe.skipIf(skipReason !== undefined)('two gateway processes sharing item budgets in Redis', () => {
  let redis: RedisServer;
  let dir: string;
  const keys: Record<string, string> = {};
  const gateways: GatewayProcess[] = [];
  const as = (id: string) => ({ 'x-api-key': keys[id] });
  const predict = (gateway: GatewayProcess, items: number, key: string) =>
    gateway.gql<Predict>(PREDICT, { i: Array(items).fill(FLOWER) }, as(key));
  const storeStates = () => Promise.all(gateways.map(async (g) => (await g.getJson<Readiness>('/readyz')).body.rateLimitStore?.state));

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), 'shared-limits-'));
    const records = [];
    // `limited`: 120 items a minute (keys.json `rateLimit.itemsPerMinute`, as `npm run keys -- create --rate-limit 120` writes it).
    for (const [id, itemsPerMinute] of [
      ['limited', 120],
      ['steady', undefined],
    ] as const) {
      const { key, record } = createKeyRecord({ id, scopes: ['predict'], itemsPerMinute });
      keys[id] = key;
      records.push(record);
    }
    await writeKeysFile(join(dir, 'keys.json'), { keys: records });
    const env = { REDIS_URL: redis.url, API_KEYS_FILE: join(dir, 'keys.json'), MODEL_CONTROL: 'none' };
    gateways.push(...(await Promise.all([startGatewayProcess(env), startGatewayProcess(env)])));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** 100 items through the first gateway, then 100 through the second: refused there, the budget being one. */
  async function spendAcrossReplicas() {
    const [a, b] = gateways;
    const first = await predict(a, 100, 'limited');
    expect(first.status).toBe(200);
    expect(first.body.data?.predict).toHaveLength(100);
    expect(first.headers['ratelimit-remaining']).toBe('20');

    const second = await predict(b, 100, 'limited');
    expect(second.status).toBe(429);
    expect(second.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(second.body.errors?.[0].message).toMatch(
      /^the operation asks for 100 model items, but 20 remain of this caller's 120 per minute; retry in \d+ s$/,
    );
    const retryAfter = Number(second.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(second.body.errors?.[0].extensions?.retryAfter).toBe(retryAfter);

    // What remains is spendable through either one: the second takes it, and then neither has any.
    expect((await predict(b, 20, 'limited')).status).toBe(200);
    expect((await predict(a, 1, 'limited')).status).toBe(429);
  }

  it('shares one budget: 100 items through one replica and 100 through the other leave the second RATE_LIMITED', async () => {
    expect(await storeStates()).toEqual(['up', 'up']);
    await spendAcrossReplicas();
    // The Open Inference Protocol spends from the same budget, on either replica.
    const v2 = await fetch(`http://127.0.0.1:${gateways[1].port}/v2/models/iris/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as('limited') },
      body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }),
    });
    expect(v2.status).toBe(429);
    expect(await v2.json()).toEqual({
      code: 'RATE_LIMITED',
      error: `the request asks for 1 model item, but 0 remain of this caller's 120 per minute; retry in ${v2.headers.get('retry-after')} s`,
    });
  });

  it('loses and holds no request when Redis is killed mid-run, and shares budgets again once it is back', async () => {
    // Clients on both replicas send one-item predictions until the store has been down for a while on both.
    const answers: HttpAnswer<Predict>[] = [];
    let sent = 0;
    let stop = false;
    let killed = false;
    let answeredAfterKill = 0;
    const client = async (gateway: GatewayProcess) => {
      while (!stop) {
        sent++;
        answers.push(await predict(gateway, 1, 'steady'));
        if (killed) answeredAfterKill++;
        if (!killed && answers.length >= 40) {
          killed = true;
          await redis.kill();
        }
      }
    };
    const clients = gateways.flatMap((gateway) => Array.from({ length: 4 }, () => client(gateway)));
    await expect.poll(storeStates, STATE_CHANGE).toEqual(['down', 'down']);
    // Keep sending through the outage before stopping the clients.
    const target = answeredAfterKill + 80;
    await expect.poll(() => answeredAfterKill, STATE_CHANGE).toBeGreaterThanOrEqual(target);
    stop = true;
    await Promise.all(clients);

    // Every request got an answer, and every answer was a prediction: the replicas' own budgets served.
    expect(answers).toHaveLength(sent);
    const unexpected = answers.filter((a) => a.status !== 200 || a.body.data?.predict?.[0]?.label !== 'setosa');
    expect(unexpected.map((a) => ({ status: a.status, errors: a.body.errors }))).toEqual([]);

    for (const gateway of gateways) {
      // Still ready (the fallback serves), and saying where budgets stand.
      const readiness = await gateway.getJson<Readiness>('/readyz');
      expect(readiness).toEqual({
        status: 200,
        body: expect.objectContaining({ status: 'ready', rateLimitStore: { kind: 'redis', state: 'down' } }),
      });
      expect(await gateway.metric('gateway_rate_limit_store_up{store="redis"}')).toBe(0);
      expect(await gateway.metric('gateway_rate_limit_store_fallbacks_total')).toBeGreaterThan(0);
      const outage = gateway.logs.filter((l) => String(l.msg).startsWith('rate-limit store unavailable'));
      const storeLines = gateway.logs.filter((l) => l.rateLimitStore === 'redis');
      expect(outage, `one warning per outage, in ${JSON.stringify(storeLines)}`).toHaveLength(1);
      expect(outage[0]).toMatchObject({ level: 40, rateLimitStore: 'redis', redis: redis.url });
    }

    await redis.restart();
    await expect.poll(storeStates, STATE_CHANGE).toEqual(['up', 'up']);
    for (const gateway of gateways) {
      expect(await gateway.metric('gateway_rate_limit_store_up{store="redis"}')).toBe(1);
      expect(gateway.logs.filter((l) => String(l.msg).startsWith('rate-limit store answers again'))).toHaveLength(1);
    }
    // The restarted Redis is empty: the limited key's budget is whole, and one again for both replicas.
    await spendAcrossReplicas();
  });
});
