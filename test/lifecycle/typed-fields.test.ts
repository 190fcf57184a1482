/**
 * The schema follows the models, on a real gateway process in poll mode: a model folder copied in
 * brings its typed field (introspection shows it and it answers), a removed folder takes it away, and
 * a request validated against the old schema, still in flight during the swap, completes on it.
 * Every state is awaited by asking the API.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { TempRepository } from '../support/temp-repository.js';

const FLOWER = '{ sepalLength: 6.9, sepalWidth: 3.1, petalLength: 5.4, petalWidth: 2.1 }';

describe('poll mode: the typed fields follow the model folders', () => {
  const repo = new TempRepository().copyBundled('iris');
  let gateway: GatewayProcess;

  /** Copies the bundled iris in as model `name`, with manifest changes. */
  const copyIris = (name: string, changes: Record<string, unknown> = {}) => {
    const staging = join(repo.root, `.incoming-${name}`);
    cpSync(join(repo.root, 'iris'), staging, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(staging, 'model.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(staging, 'model.json'), JSON.stringify({ ...manifest, name, ...changes }));
    cpSync(staging, join(repo.root, name), { recursive: true });
    rmSync(staging, { recursive: true });
  };
  const typedFields = async () => {
    const { body } = await gateway.gql<{ __schema: { queryType: { fields: { name: string }[] } } }>(
      '{ __schema { queryType { fields { name } } } }',
    );
    return body.data!.__schema.queryType.fields.map((field) => field.name).filter((name) => /^predict./.test(name));
  };

  beforeAll(async () => {
    // "held": its batcher runs a batch only when two items wait (or after 10 s), so a request can be
    // kept in flight until the test sends the second item.
    copyIris('held', { batching: { maxBatchSize: 2, maxQueueDelayMs: 10_000 }, warmup: { batchSizes: [1] } });
    gateway = await startGatewayProcess({
      MODELS_DIR: repo.root,
      MODEL_CONTROL: 'poll',
      MODEL_POLL_SECONDS: '1',
      SENTIMENT_MODEL: 'none',
      RECOMMENDER_MODEL: 'none',
    });
  });
  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
    rmSync(repo.root, { recursive: true, force: true });
  });

  it('adds predictTulip when its folder appears, keeps a request in flight on the old schema, and removes the field with the folder', async () => {
    expect(await typedFields()).toEqual(['predictHeld', 'predictIris']);

    // Validated against the schema without predictTulip; waits in held's queue for a second item.
    let settled = false;
    const inFlight = gateway.gql<{ predictHeld: { label: string }[] }>(`{ predictHeld(instances: [${FLOWER}]) { label } }`).finally(() => {
      settled = true;
    });

    copyIris('tulip');
    await expect.poll(typedFields, { timeout: 30_000, interval: 100 }).toEqual(['predictHeld', 'predictIris', 'predictTulip']);
    expect(gateway.logs.some((line) => line.msg === 'schema updated: added predictTulip')).toBe(true);
    const tulip = await gateway.gql<{ predictTulip: { model: string; label: string }[] }>(
      `{ predictTulip(instances: [${FLOWER}]) { model label } }`,
    );
    expect(tulip.body).toEqual({ data: { predictTulip: [{ model: 'tulip', label: 'VIRGINICA' }] }, extensions: expect.anything() });

    // The swap happened while the first request waited; the second item lets its batch run.
    expect(settled).toBe(false);
    const second = await gateway.gql(`{ predictHeld(instances: [${FLOWER}]) { label } }`);
    expect(second.body.errors).toBeUndefined();
    const first = await inFlight;
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ predictHeld: [{ label: 'VIRGINICA' }] });

    rmSync(join(repo.root, 'tulip'), { recursive: true });
    await expect.poll(typedFields, { timeout: 30_000, interval: 100 }).toEqual(['predictHeld', 'predictIris']);
    const gone = await gateway.gql(`{ predictTulip(instances: [${FLOWER}]) { label } }`);
    expect(gone.status).toBe(400);
    expect(gone.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // The other typed fields never stopped answering.
    const iris = await gateway.gql(`{ predictIris(instances: [${FLOWER}]) { label } }`);
    expect(iris.body.data).toEqual({ predictIris: [{ label: 'VIRGINICA' }] });
  });
});
