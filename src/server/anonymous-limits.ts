/**
 * What a GraphQL request without credentials may cost. Such a caller can run little more than
 * `__typename`, yet before these limits one anonymous 16 MB body of floats took 2.5 s of main thread
 * and 500 MB of memory to parse and coerce before authorization refused it. So, decided from the
 * headers (authentication runs first, in request-authentication.ts) and before the body is read:
 * - a request rate per client address (ANONYMOUS_REQUESTS_PER_MINUTE): 429 RATE_LIMITED + Retry-After;
 * - a small body (ANONYMOUS_MAX_BODY_BYTES): 413 PAYLOAD_TOO_LARGE, from Content-Length before a byte
 *   is read, or as soon as a body without one grows past the limit. The rest of a refused body is
 *   read and discarded, never buffered or parsed (as Fastify does past its own body limit), so that
 *   the client gets its answer instead of a reset connection.
 */
import { isIPv6 } from 'node:net';
import { type Readable, Transform } from 'node:stream';
import type { FastifyRequest, onRequestAsyncHookHandler, preParsingAsyncHookHandler } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { GatewayError } from '../errors/gateway-error.js';

export interface AnonymousLimitsOptions {
  /** Largest body of a request without credentials. @default 65536 (ANONYMOUS_MAX_BODY_BYTES) */
  readonly maxBodyBytes: number;
  /** Requests without credentials one client address may send per minute. @default 60 (ANONYMOUS_REQUESTS_PER_MINUTE) */
  readonly requestsPerMinute: number;
  /** Told of every request refused for its rate (for metrics). */
  readonly onRateLimited?: () => void;
}

export interface AnonymousLimits {
  /** Rate and declared body size; runs after authentication. */
  readonly onRequest: onRequestAsyncHookHandler;
  /** Caps the body as it streams in, for bodies sent without Content-Length. */
  readonly preParsing: preParsingAsyncHookHandler;
}

export function limitAnonymousRequests(options: AnonymousLimitsOptions): AnonymousLimits {
  const { maxBodyBytes, requestsPerMinute } = options;
  // In memory, per replica: a shared store would buy little against callers that can do almost nothing.
  const limiter = new RateLimiterMemory({ points: requestsPerMinute, duration: 60 });
  const tooLarge = (got: string) =>
    new GatewayError(
      'PAYLOAD_TOO_LARGE',
      `a request without credentials must have a body of at most ${maxBodyBytes} bytes, but got ${got}`,
      { limit: maxBodyBytes },
    );

  return {
    async onRequest(request) {
      if (request.principal?.kind !== 'anonymous') return;
      try {
        await limiter.consume(clientKey(request.ip));
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        options.onRateLimited?.();
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new GatewayError(
          'RATE_LIMITED',
          `requests without credentials must be at most ${requestsPerMinute} a minute from one address, but this address sent more; retry in ${retryAfter} s, or send an API key`,
          { retryAfter },
        );
      }
      const declared = Number(request.headers['content-length']);
      if (declared > maxBodyBytes) throw tooLarge(`${declared}`);
    },
    async preParsing(request: FastifyRequest, _reply, payload) {
      if (request.principal?.kind !== 'anonymous' || request.headers['content-length'] !== undefined) return payload;
      return capBody(payload, maxBodyBytes, () => tooLarge('more'));
    },
  };
}

/** Passes `source` through until more than `maxBytes` arrived; then fails with `overflow()` and discards the rest. */
function capBody(source: Readable, maxBytes: number, overflow: () => Error): Readable {
  let received = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received <= maxBytes) return callback(null, chunk);
      source.unpipe(capped);
      source.resume();
      callback(overflow());
    },
  });
  source.once('error', (error) => capped.destroy(error));
  return source.pipe(capped);
}

/** The rate-limit key of a client address: IPv6 callers by their /64, which one host usually holds whole. */
export function clientKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  const [head, tail = ''] = ip.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
