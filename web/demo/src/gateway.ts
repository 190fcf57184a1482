/**
 * The page's connection to the gateway: the typed Apollo client from client/src, the API key from
 * the key field, and a note of every HTTP request for the footer (which operations it carried).
 */
import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { createGatewayClient, type GatewayRequestError, type GatewayResult, runQuery } from '../../../client/src/gateway-client.js';
import { h } from './dom.js';

export interface DemoGateway {
  run<TData, TVariables extends OperationVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<GatewayResult<TData>>;
}

export interface DemoGatewayOptions {
  readonly apiKey: () => string;
  /** Errors about the caller rather than the question (a refused key, a spent budget). */
  readonly onCallerError: (error: GatewayRequestError) => void;
  /** After each HTTP request: the operations it carried, its status and how long it took. */
  readonly onHttpRequest: (request: { operations: string[]; status: number; milliseconds: number }) => void;
}

const CALLER_ERRORS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED']);

export function connectGateway(options: DemoGatewayOptions): DemoGateway {
  const recordingFetch: typeof fetch = async (input, init) => {
    const started = performance.now();
    const response = await fetch(input, init);
    options.onHttpRequest({ operations: operationNamesIn(init?.body), status: response.status, milliseconds: performance.now() - started });
    return response;
  };
  const client = createGatewayClient({
    uri: '/graphql',
    apiKey: options.apiKey,
    fetch: recordingFetch,
    onErrors: (errors) => {
      const callerError = errors.find((error) => CALLER_ERRORS.has(error.code));
      if (callerError) options.onCallerError(callerError);
    },
  });
  return { run: (document, variables) => runQuery(client, document, variables) };
}

function operationNamesIn(body: BodyInit | null | undefined): string[] {
  if (typeof body !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(body);
    const operations = Array.isArray(parsed) ? parsed : [parsed];
    return operations.map((operation: { operationName?: unknown }) => String(operation.operationName ?? 'anonymous'));
  } catch {
    return [];
  }
}

/**
 * The errors of one interaction, code first, for the panel that made it. Errors about the caller (a
 * refused key, a spent budget) are left out: the banner under the key field already shows them.
 */
export function errorList(errors: readonly GatewayRequestError[]): HTMLElement | null {
  const own = errors.filter((error) => !CALLER_ERRORS.has(error.code));
  if (own.length === 0) return null;
  return h(
    'ul',
    { class: 'errors', 'data-testid': 'errors' },
    ...own.map((error) => h('li', {}, h('code', {}, error.code), ' ', error.message)),
  );
}
