/**
 * HTTP that fetch cannot send: repeated header lines (fetch joins them into one), and requests whose
 * headers go out without their body, to see what the server answers before it has read a byte of it.
 */
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';

/** Header values given as arrays are sent as one header line each. */
export type RawHeaders = Readonly<Record<string, string | number | readonly string[]>>;

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = { errors?: { message: string; extensions?: Record<string, unknown> }[] }>(): T;
}

export interface RawRequestOptions {
  readonly method?: string;
  readonly headers?: RawHeaders;
  /** The body; with `holdBody`, the headers are sent and the body never is. */
  readonly body?: string | Buffer;
  readonly holdBody?: boolean;
}

/** One request on a fresh connection; resolves with the answer (the connection is then closed). */
export function rawRequest(
  url: string,
  { method = 'POST', headers = {}, body, holdBody = false }: RawRequestOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Node sends an array value as repeated header lines, for any header name.
    const request = httpRequest(url, { method, headers: headers as OutgoingHttpHeaders, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: () => JSON.parse(text) as never });
        request.destroy();
      });
    });
    request.on('error', reject);
    if (holdBody) request.flushHeaders();
    else request.end(body);
  });
}

/** The sum of the samples of `name` in Prometheus text that carry `labels` (others free); 0 when there are none yet. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] === undefined ? [] : match[2].split(',');
    if (wanted.every((label) => present.includes(label))) sum += Number(match[3]);
  }
  return sum;
}
