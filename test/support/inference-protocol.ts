/**
 * Speaks the Open Inference Protocol (KServe v2 REST) to a test server.
 */
import type { TestServer } from './gateway-server.js';

export interface V2Response<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T & { error?: string; code?: string };
}

/** The iris rows used across the v2 tests (raw centimetres, the model's feature order). */
export const IRIS_ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.1, 3.0, 4.6, 1.4],
  [6.9, 3.1, 5.4, 2.1],
] as const;

/** An infer request body for iris's input `features`, flat row-major data. */
export function irisRequest(
  rows: readonly (readonly number[])[] = IRIS_ROWS,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { inputs: [{ name: 'features', shape: [rows.length, 4], datatype: 'FP32', data: rows.flat() }], ...extra };
}

/** GET (no body) or POST (a JSON body, or raw text/bytes as given) to `path`; by default with the demo key. */
export async function v2<T = Record<string, unknown>>(
  server: TestServer,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { 'x-api-key': 'dev-key' },
): Promise<V2Response<T>> {
  const raw = body === undefined || typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const response = await fetch(`${server.origin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: raw as string | Uint8Array | undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as V2Response<T>['body'] };
}
