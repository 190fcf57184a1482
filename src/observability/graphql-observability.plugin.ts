/**
 * An Apollo plugin that records what each GraphQL operation did into the request's facts (for its log
 * line) and into the GraphQL duration histogram.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { errorCodeOf } from '../graphql/errors.js';
import type { GatewayMetrics } from './metrics.js';
import type { RequestFacts } from './request-facts.js';

export interface GraphQLObservabilityOptions {
  readonly metrics: GatewayMetrics;
}

export function useGraphQLObservability({ metrics }: GraphQLObservabilityOptions): ApolloServerPlugin<{ facts?: RequestFacts }> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const facts = contextValue.facts;
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
          metrics.graphqlDuration.observe({ operation: metrics.operationLabel(operation), outcome }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
