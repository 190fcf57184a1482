/**
 * Starts a real gateway on 127.0.0.1 with a port the OS picks, and speaks HTTP to it.
 */

import type { Logger } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import type { Tracing } from '../../src/observability/tracing.js';
import { createGateway, type Gateway, type GatewayDependencies } from '../../src/server/gateway.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface TestServer {
  readonly gateway: Gateway;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** POSTs a GraphQL request to /graphql; by default with the development demo key. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** The development demo key, accepted when no keys file is configured outside production. */
export const DEMO_KEY: Readonly<Record<string, string>> = { 'x-api-key': 'dev-key' };

export async function startTestServer(
  env: Record<string, string> = {},
  options: { loadModels?: boolean; logger?: Logger; extendSchema?: GatewayDependencies['extendSchema']; tracing?: Tracing } = {},
): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    // Tests that read logs read JSON, whatever terminal the runner has.
    LOG_FORMAT: 'json',
    MODELS_DIR: 'models',
    INFERENCE_WORKERS: '1',
    // Production serves metrics on a listener of its own (9464 by default): let the OS pick its port too.
    ...(env.NODE_ENV === 'production' ? { METRICS_PORT: '0' } : {}),
    ...env,
  });
  const gateway = await createGateway(config, { logger: options.logger, extendSchema: options.extendSchema, tracing: options.tracing });
  const url = await gateway.listen();
  if (options.loadModels ?? true) await gateway.loadModels();
  const origin = new URL(url).origin;
  return {
    gateway,
    origin,
    async gql(query, variables, headers = DEMO_KEY) {
      const response = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<never>['body'] };
    },
    close: () => gateway.close(),
  };
}

/** The `extensions.code` of every error, in order. */
export function codesOf(response: GraphQLResponse<unknown>): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}
