import type { RequestLoaders } from './loaders.js';

/** What every resolver gets for one request. */
export interface GatewayContext {
  /** From `x-request-id`, or generated; echoed in the response. */
  readonly requestId: string;
  /** Fresh per request. */
  readonly loaders: RequestLoaders;
}
