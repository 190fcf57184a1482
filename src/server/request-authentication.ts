/**
 * Authentication from the headers alone, before the body is read: a request with wrong credentials
 * is answered 401 without costing a byte of body parsing, and a request without credentials is known
 * as such in time for the anonymous limits (anonymous-limits.ts). The GraphQL context reuses the
 * principal found here; nothing authenticates twice.
 */
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { type Authenticator, credentialHeadersOf } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the authentication hook of the routes that have one (the GraphQL route). */
    principal: Principal | null;
  }
}

/** An `onRequest` hook for a route: sets `request.principal`, or throws the authenticator's GatewayError (401, 400). */
export function authenticateFromHeaders(app: FastifyInstance, authenticator: Authenticator): onRequestAsyncHookHandler {
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', null);
  return async function authenticate(request: FastifyRequest): Promise<void> {
    // rawHeaders, not headers: Node keeps only the first Authorization and joins repeated x-api-keys.
    const principal = await authenticator.authenticate(credentialHeadersOf(request.raw.rawHeaders));
    request.principal = principal;
    request.facts.principal = `${principal.kind}:${principal.id}`;
  };
}
