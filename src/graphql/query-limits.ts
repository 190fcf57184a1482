/**
 * Structural limits on what one operation may ask, with graphql-armor, set from the gateway's own
 * query shapes: a legitimate batched query (50 aliases, 1,024 instances in variables, the standard
 * introspection query) passes; abusive ones fail with QUERY_TOO_COMPLEX before anything runs.
 * Field suggestions ("Did you mean ...?") are masked in production so the schema cannot be probed.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import { GatewayError } from '../errors/gateway-error.js';
import { toRequestError } from './errors.js';

export interface QueryLimits {
  /** Nesting depth; our deepest legitimate query has 3 levels (introspection is exempt). @default 8 */
  readonly maxDepth: number;
  /** Aliases per operation. @default 64 */
  readonly maxAliases: number;
  /** Directives per operation. @default 20 */
  readonly maxDirectives: number;
  /** Lexer tokens per document (checked before parsing, see token-count.ts); 1,024 iris instances written inline take about 25,000. @default 50000 */
  readonly maxTokens: number;
  /**
   * graphql-armor's field cost (objects 2, scalars 1, ×1.5 per level). 50 aliases of predict selecting
   * every field cost 925, 50 recommendations 775; 60 copies of the full model list cost 4,125. @default 2000
   */
  readonly maxCost: number;
  /** Mask "Did you mean" suggestions. */
  readonly blockFieldSuggestions: boolean;
}

export const DEFAULT_QUERY_LIMITS: Omit<QueryLimits, 'blockFieldSuggestions'> = {
  maxDepth: 8,
  maxAliases: 64,
  maxDirectives: 20,
  maxTokens: 50_000,
  maxCost: 2_000,
};

export function useQueryLimits(limits: Omit<QueryLimits, 'maxTokens'>): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
} {
  // Report every rejection as a validation error with our stable code (armor's own would say BAD_USER_INPUT).
  const reject = {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(toRequestError(new GatewayError('QUERY_TOO_COMPLEX', error.message)));
      },
    ],
  };
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...reject },
    maxAliases: { n: limits.maxAliases, ...reject },
    maxDirectives: { n: limits.maxDirectives, ...reject },
    // Armor's token limit re-parses every document in a plugin hook, where a syntax error becomes a 500;
    // the gateway counts tokens before parsing instead (token-count.ts).
    maxTokens: { enabled: false },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, ...reject },
    blockFieldSuggestion: { enabled: limits.blockFieldSuggestions },
  }).protect();
  // Armor is typed against Apollo's CommonJS build; the plugins are the same objects either way.
  return { plugins: plugins as unknown as ApolloServerPlugin[], validationRules };
}
