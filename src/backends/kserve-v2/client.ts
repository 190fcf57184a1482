/**
 * HTTP calls to one remote inference server, over an undici Pool: keep-alive connections to its origin,
 * at most `connections` at once. Every call is bounded: in time (`timeoutMs`, and the caller's own
 * signal), and in the bytes it reads (`maxBytes`). Every way a call can fail ends as a RemoteCallError
 * of one of four kinds, which the backend maps to the error catalogue; nothing waits forever.
 */
import { Pool } from 'undici';
import { withClientSpan } from '../../observability/tracing.js';
import { outgoingHeaders } from './headers.js';

// --- public types --------------------------------------------------------------------------------

/**
 * `unreachable`: no answer (refused, reset, DNS, closed mid-answer); `timeout`: no whole answer within
 * timeoutMs; `status`: an HTTP error status; `malformed`: an answer that is not the protocol's JSON.
 */
export type RemoteFailureKind = 'unreachable' | 'timeout' | 'status' | 'malformed';

export class RemoteCallError extends Error {
  override readonly name = 'RemoteCallError';
  constructor(
    readonly kind: RemoteFailureKind,
    message: string,
    /** The HTTP status, for `status`. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface KServeV2ClientOptions {
  /** The server's base URL (`http://inference:8000`, or with a path prefix behind a proxy). */
  readonly url: string;
  /** Headers on every call (the manifest's, resolved). */
  readonly headers: Readonly<Record<string, string>>;
  /** Connections kept to the server at most; calls beyond wait for one. */
  readonly connections: number;
}

export interface CallOptions {
  readonly timeoutMs: number;
  /** Most bytes of the answer read; a longer answer is `malformed`. */
  readonly maxBytes: number;
  /** The caller's own abort (a batch past the scheduler's timeout): the call stops, and rejects with its reason. */
  readonly signal?: AbortSignal;
  /** The path's template, naming the call's span (low cardinality: `/v2/models/{name}/versions/{version}/infer`). */
  readonly route: string;
}

/** Longest remote error text carried into our messages. */
export const MAX_REMOTE_MESSAGE_CHARACTERS = 200;
/** Most bytes of an error answer read (its message is trimmed anyway). */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Error codes of a connection that failed or went away: the server is not there to answer. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

// --- the client ----------------------------------------------------------------------------------

export class KServeV2Client {
  /** The base URL as configured, for messages. */
  readonly url: string;
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly options: KServeV2ClientOptions) {
    const url = new URL(options.url);
    this.url = options.url;
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, { connections: options.connections });
  }

  /** GETs `path` (below the base URL) and parses the JSON answer. */
  get(path: string, options: CallOptions): Promise<unknown> {
    return this.call('GET', path, undefined, options);
  }

  /** POSTs a JSON body to `path` and parses the JSON answer. */
  post(path: string, body: string, options: CallOptions): Promise<unknown> {
    return this.call('POST', path, body, options);
  }

  /** Closes the connections once the calls under way have ended. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private async call(method: 'GET' | 'POST', path: string, body: string | undefined, options: CallOptions): Promise<unknown> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let answer: { status: number; text: string };
    try {
      // One client span per call (under the batch's span when tracing), whose traceparent the remote continues.
      answer = await withClientSpan(
        {
          method,
          url: `${this.origin}${this.basePath}${path}`,
          name: `${method} ${options.route}`,
          headers: outgoingHeaders(this.options.headers, body !== undefined),
          statusOf: (result) => result.status,
        },
        async (headers) => {
          const response = await this.pool.request({ method, path: `${this.basePath}${path}`, headers, body, signal });
          if (response.statusCode !== 200) {
            return { status: response.statusCode, text: await readLimited(response.body, MAX_ERROR_BODY_BYTES, true) };
          }
          const declared = Number(response.headers['content-length']);
          if (declared > options.maxBytes) {
            response.body.destroy();
            throw tooLarge(options.maxBytes, `${declared} bytes`);
          }
          return { status: 200, text: await readLimited(response.body, options.maxBytes, false) };
        },
      );
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted) throw new RemoteCallError('timeout', `did not answer within ${options.timeoutMs} ms`);
      throw asRemoteCallError(error);
    }
    if (answer.status !== 200) {
      throw new RemoteCallError('status', `answered HTTP ${answer.status}: ${remoteMessage(answer.text)}`, answer.status);
    }
    try {
      return JSON.parse(answer.text) as unknown;
    } catch (error) {
      throw new RemoteCallError(
        'malformed',
        `answered with a body that is not JSON (${(error as Error).message}): ${trimmed(answer.text)}`,
      );
    }
  }
}

// --- helpers -------------------------------------------------------------------------------------

// Reads the body as UTF-8, at most `maxBytes`: beyond, stops reading and fails (or, for an error
// answer whose message is trimmed anyway, keeps what it read).
async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }, maxBytes: number, truncate: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > maxBytes) {
      body.destroy();
      if (truncate) break;
      throw tooLarge(maxBytes, `more than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(maxBytes: number, got: string): RemoteCallError {
  return new RemoteCallError('malformed', `must answer with at most ${maxBytes} bytes for this batch, but sent ${got}`);
}

// The `error` of a protocol error object, else the body itself, trimmed either way.
function remoteMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string') {
      return trimmed((parsed as { error: string }).error);
    }
  } catch {
    // not JSON: the text itself says what went wrong, if anything
  }
  return text.trim() === '' ? '(no message)' : trimmed(text);
}

/** A remote's text on one line, at most MAX_REMOTE_MESSAGE_CHARACTERS, so a remote cannot flood our messages and logs. */
export function trimmed(text: string): string {
  let line = '';
  // Only the head is looked at: a multi-megabyte body costs no more than a short one.
  for (const character of text.slice(0, MAX_REMOTE_MESSAGE_CHARACTERS * 4)) {
    const code = character.charCodeAt(0);
    line += code < 0x20 || code === 0x7f ? ' ' : character;
  }
  line = line.replace(/ {2,}/g, ' ').trim();
  return line.length > MAX_REMOTE_MESSAGE_CHARACTERS || text.length > MAX_REMOTE_MESSAGE_CHARACTERS * 4
    ? `${line.slice(0, MAX_REMOTE_MESSAGE_CHARACTERS)}…`
    : line;
}

function asRemoteCallError(error: unknown): RemoteCallError {
  if (error instanceof RemoteCallError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message || String(code) : String(error);
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code))
    return new RemoteCallError('unreachable', `is unreachable: ${message} (${code})`);
  // llhttp's parse errors: what came back is not HTTP.
  if ((error as Error).name === 'HTTPParserError' || (typeof code === 'string' && code.startsWith('HPE_')))
    return new RemoteCallError('malformed', `answered with something that is not HTTP: ${message}`);
  return new RemoteCallError('unreachable', `could not be called: ${message}`);
}
