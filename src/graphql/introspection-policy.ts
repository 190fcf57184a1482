/**
 * Who may run introspection (`__schema`, `__type`): an Apollo plugin, because Apollo's own switch is
 * all-or-nothing. `__typename` is always allowed. Decided on every request, on the parsed document
 * however it arrived (text, APQ hash, GET or POST), after authentication; not in a validation rule,
 * whose result Apollo caches per document for every caller.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, type DocumentNode, Kind, visit } from 'graphql';
import { hasScope, isAuthenticated, type Principal } from '../auth/principal.js';
import type { IntrospectionMode } from '../config/config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toRequestError } from './errors.js';

export interface IntrospectionPolicyOptions {
  /**
   * `public`: anyone; `authenticated`: any caller with valid credentials; `admin`: the admin scope;
   * `off`: nobody (Apollo's own introspection switch is turned off too).
   * @default 'authenticated' in development, 'admin' in production
   */
  readonly mode: IntrospectionMode;
}

/** `__schema` or `__type` as a whole name (not `__typename`); the document visit below decides. */
const INTROSPECTION_FIELD = /__(?:schema|type)(?![A-Za-z0-9_])/;

export function useIntrospectionPolicy({ mode }: IntrospectionPolicyOptions): ApolloServerPlugin<{ principal: Principal }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ source, document, contextValue }) {
          if (mode === 'public') return;
          // Cheap test first: most queries never mention introspection. `__typename` (which Apollo Client
          // adds to every selection set) must not match, or every such query would pay for a full visit.
          // It reads `source`, the text the document was parsed from, never `request.query`: that is
          // empty on a hash-only persisted query (APQ), and reading it let cached introspection through.
          if (!INTROSPECTION_FIELD.test(source)) return;
          if (!asksForIntrospection(document)) return;
          const principal = contextValue.principal;
          if (mode === 'authenticated' && isAuthenticated(principal)) return;
          if (mode === 'admin' && hasScope(principal, 'admin')) return;
          const code = isAuthenticated(principal) ? 'FORBIDDEN' : 'UNAUTHENTICATED';
          const who = mode === 'admin' ? 'callers with the admin scope' : 'authenticated callers';
          throw toRequestError(new GatewayError(code, `introspection is open to ${mode === 'off' ? 'nobody' : who} on this server`));
        },
      };
    },
  };
}

/** Whether the operation selects `__schema` or `__type` anywhere (fragments included). */
export function asksForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}
