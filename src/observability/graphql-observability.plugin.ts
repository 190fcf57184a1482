/**
 * An Apollo plugin that records what each GraphQL operation did into the request's facts (for its log
 * line) and into the GraphQL duration histogram. Only authenticated callers' operation names become
 * metric labels: anyone else could fill the bounded label set with junk names.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { isAuthenticated, type Principal } from '../auth/principal.js';
import { errorCodeOf } from '../graphql/errors.js';
import type { GatewayMetrics } from './metrics.js';
import type { RequestFacts } from './request-facts.js';

export interface GraphQLObservabilityOptions {
  readonly metrics: GatewayMetrics;
}

export function useGraphQLObservability({
  metrics,
}: GraphQLObservabilityOptions): ApolloServerPlugin<{ facts?: RequestFacts; principal?: Principal }> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const facts = contextValue.facts;
      const authenticated = contextValue.principal !== undefined && isAuthenticated(contextValue.principal);
      let operation: string | null = null;
      return {
        async didResolveOperation({ operationName, operation: node }) {
          operation = operationName ?? null;
          if (!facts || !node) return;
          facts.operations.push(operation);
          for (const selection of node.selectionSet.selections) {
            if (selection.kind === Kind.FIELD) facts.fields.add(selection.name.value);
          }
        },
        async didEncounterErrors({ errors }) {
          if (facts) for (const error of errors) facts.errorCodes.push(errorCodeOf(error));
        },
        async willSendResponse({ response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : null;
          const failed = (body?.errors?.length ?? 0) > 0;
          const outcome = !failed ? 'ok' : body?.data ? 'partial' : 'error';
          metrics.graphqlDuration.observe(
            { operation: metrics.operationLabel(operation, authenticated), outcome },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}
