/**
 * Timeouts and a connection cap for the API listener, against clients that hold connections without
 * finishing their requests (before these, 20 slow-body, 20 slow-header and 400 idle sockets stayed open
 * indefinitely). Node enforces them; this module only sets them from the configuration:
 * - HEADERS_TIMEOUT_MS: the headers must arrive within this time (slow headers, idle new sockets): 408, close;
 * - REQUEST_TIMEOUT_MS: the whole request, body included (slow bodies): 408, close;
 * - CONNECTION_TIMEOUT_MS: no traffic either way for this long (a client that stops reading its answer): close;
 * - KEEP_ALIVE_TIMEOUT_MS: an idle keep-alive connection between requests: close;
 * - MAX_CONNECTIONS: connections beyond it are closed on arrival.
 */
import type { Server } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config/config.js';

type ConnectionSettings = Config['connections'];

/** Fastify's constructor options for the settings; `http` goes to `http.createServer`. */
export function connectionOptions(settings: ConnectionSettings): Pick<
  FastifyServerOptions,
  'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'trustProxy'
> & {
  http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
} {
  return {
    requestTimeout: settings.requestTimeoutMs,
    connectionTimeout: settings.idleTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    trustProxy: settings.trustProxy,
    http: {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // Node checks the headers and request timeouts every 30 s by default, so a 10 s limit could hold
      // a socket for 40 s; checking a few times per limit keeps them close to what is configured.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs) / 4)),
    },
  };
}

/** Caps open connections on `server`; Node closes further ones on arrival, and `onDrop` is told. */
export function capConnections(server: Server, maxConnections: number, onDrop: () => void): void {
  server.maxConnections = maxConnections;
  server.on('drop', onDrop);
}
