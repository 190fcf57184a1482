import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

const QUERY = JSON.stringify({
  query: 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }',
  variables: { i: Array(256).fill({ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }) },
});

type Outcome = { kind: 'answered'; status: number } | { kind: 'failed'; code: string };

/** One request on a fresh connection, so a refused connection is told apart from a lost answer. */
function post(port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key', connection: 'close' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0 }));
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'failed', code: error.code ?? error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'failed', code: error.code ?? error.message }));
    req.end(QUERY);
  });
}

describe('graceful shutdown of the real process', () => {
  let gateway: GatewayProcess | undefined;
  afterAll(() => gateway?.stop());

  it('answers every request it accepted after SIGTERM, then exits 0', async () => {
    gateway = await startGatewayProcess({ MODEL_CONTROL: 'none' });
    const { logs, port } = gateway;
    const started = logs.find((l) => l.url)!;
    expect(started.node, 'the start-up log names the Node.js version').toBe(process.version);

    // Steady load from 16 clients; SIGTERM once 60 requests have been answered.
    const outcomes: Outcome[] = [];
    let stop = false;
    let signalled = false;
    let exited: Promise<number | null> | undefined;
    const client = async () => {
      while (!stop) {
        const outcome = await post(port);
        outcomes.push(outcome);
        if (!signalled && outcomes.filter((o) => o.kind === 'answered').length >= 60) {
          signalled = true;
          exited = gateway!.stop();
        }
        if (outcome.kind === 'failed') stop = true; // the server stopped accepting
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    const code = await exited;
    gateway = undefined;

    expect(code).toBe(0);
    const answered = outcomes.filter((o) => o.kind === 'answered');
    expect(answered.length).toBeGreaterThanOrEqual(60);
    for (const o of answered) expect(o).toEqual({ kind: 'answered', status: 200 });
    // The server read exactly as many requests as it answered, and every answer reached its client.
    const done = logs.find((l) => l.msg === 'shutdown complete')!;
    expect(done).toBeDefined();
    expect(done.requestsAnswered).toBe(done.requestsReceived);
    expect(answered.length).toBe(done.requestsAnswered);
    const failed = outcomes.filter((o) => o.kind === 'failed');
    console.log(
      `shutdown under load: ${answered.length} answered (all 200), ${failed.length} refused after SIGTERM, server read ${String(done.requestsReceived)} and answered ${String(done.requestsAnswered)}`,
    );
    // Whatever failed, failed because the server had stopped accepting connections.
    for (const o of outcomes.filter((o) => o.kind === 'failed'))
      expect(['ECONNREFUSED', 'ECONNRESET']).toContain((o as { code: string }).code);
  }, 60_000);
});
