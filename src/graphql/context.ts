import type { Principal } from '../auth/principal.js';
import type { RequestFacts } from '../observability/request-facts.js';
import type { RequestLoaders } from './loaders.js';

/** What every resolver gets for one request. */
export interface GatewayContext {
  /** From `x-request-id`, or generated; echoed in the response. */
  readonly requestId: string;
  /** Who is calling (ANONYMOUS without credentials); authorization reads its scopes. */
  readonly principal: Principal;
  /** What the request did, for its log line. */
  readonly facts: RequestFacts;
  /** Fresh per request; replaced per operation of a batched request (usePerOperationLoaders). */
  loaders: RequestLoaders;
}
