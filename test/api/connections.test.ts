/**
 * Timeouts and the connection cap of a production-mode gateway, with raw sockets (issue 14, item 11):
 * slow headers, slow bodies, silent and idle keep-alive connections are closed by the server, and
 * connections beyond MAX_CONNECTIONS are closed on arrival. The timeouts are set short for the test;
 * each check waits for the server to close the socket (the test times out if it never does) and
 * looks at what the server said, never at how long it took.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';
import { metricValue } from '../support/raw-http.js';

const HEALTH_REQUEST = 'GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n';

interface OpenSocket {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the connection is closed, with everything the server sent. */
  readonly closed: Promise<string>;
}

function open(origin: string): Promise<OpenSocket> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    // A reset is a close too: what matters is that the server let go.
    socket.on('error', () => undefined);
    const closed = new Promise<string>((done) => {
      socket.once('close', () => done(received));
    });
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

/** Writes `text` in pieces of `size` characters, one piece per tick of `everyMs`, until the socket closes. */
function trickle(socket: Socket, text: string, size: number, everyMs: number): void {
  let offset = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || offset >= text.length) return clearInterval(timer);
    socket.write(text.slice(offset, offset + size));
    offset += size;
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

/** Resolves once the socket holds a complete answer to a /healthz request. */
async function answered(connection: OpenSocket): Promise<string> {
  for (;;) {
    if (connection.received().includes('{"status":"ok"}')) return connection.received();
    if (connection.socket.destroyed)
      throw new Error(`the connection closed before an answer; got ${JSON.stringify(connection.received())}`);
    await new Promise((resolve) => {
      setTimeout(resolve, 10);
    });
  }
}

function keysFileIn(dir: string): Promise<string> {
  const file = join(dir, 'keys.json');
  return writeKeysFile(file, { keys: [createKeyRecord({ id: 'ops', scopes: ['admin'] }).record] }).then(() => file);
}

describe('timeouts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-timeouts-'));
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(
      {
        NODE_ENV: 'production',
        API_KEYS_FILE: await keysFileIn(dir),
        HEADERS_TIMEOUT_MS: '300',
        REQUEST_TIMEOUT_MS: '600',
        KEEP_ALIVE_TIMEOUT_MS: '200',
      },
      { loadModels: false },
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes 20 slow-header connections with 408 (HEADERS_TIMEOUT_MS)', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => open(server.origin)));
    // A header line every 50 ms, for far longer than the timeout: each line alone is quick.
    const headers = `POST /graphql HTTP/1.1\r\nHost: gateway\r\n${Array.from({ length: 2000 }, (_, i) => `X-Slow-${i}: a\r\n`).join('')}`;
    for (const { socket } of sockets) trickle(socket, headers, 14, 50);
    for (const text of await Promise.all(sockets.map((s) => s.closed))) expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('closes 20 slow-body connections with 408 (REQUEST_TIMEOUT_MS)', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => open(server.origin)));
    const body = JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(5000) });
    for (const { socket } of sockets) {
      socket.write(`POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      trickle(socket, body, 5, 50);
    }
    for (const text of await Promise.all(sockets.map((s) => s.closed))) expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('closes connections that never send a byte', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => open(server.origin)));
    for (const text of await Promise.all(sockets.map((s) => s.closed))) expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('closes an idle keep-alive connection after its answer (KEEP_ALIVE_TIMEOUT_MS), without another word', async () => {
    const connection = await open(server.origin);
    connection.socket.write(HEALTH_REQUEST);
    const answer = await answered(connection);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\nConnection: keep-alive\r\n/i);
    expect(await connection.closed).toBe(answer);
  });

  it('keeps serving ordinary requests', async () => {
    expect(await (await fetch(`${server.origin}/healthz`)).json()).toEqual({ status: 'ok' });
  });
});

describe('the connection cap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-cap-'));
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(
      { NODE_ENV: 'production', API_KEYS_FILE: await keysFileIn(dir), MAX_CONNECTIONS: '3' },
      { loadModels: false },
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes connections beyond MAX_CONNECTIONS on arrival, counts them, and takes new ones once a slot is free', async () => {
    const held = await Promise.all(Array.from({ length: 3 }, () => open(server.origin)));
    // Each answered a request, so the server has accepted all three and they stay open (keep-alive).
    for (const connection of held) {
      connection.socket.write(HEALTH_REQUEST);
      await answered(connection);
    }
    const refused = await open(server.origin);
    refused.socket.write(HEALTH_REQUEST);
    expect(await refused.closed).toBe('');
    const metrics = await (await fetch(server.gateway.metricsUrl()!)).text();
    expect(metricValue(metrics, 'gateway_connections_dropped_total')).toBe(1);

    held[0].socket.end();
    await held[0].closed;
    // The server learns of the close asynchronously: retry until a new connection is served.
    let served = '';
    for (let attempt = 0; attempt < 100 && !served; attempt += 1) {
      const next = await open(server.origin);
      next.socket.write(HEALTH_REQUEST);
      served = await answered(next).catch(() => '');
      next.socket.destroy();
    }
    expect(served).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    for (const connection of held) connection.socket.destroy();
  });
});
