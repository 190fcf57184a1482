/**
 * Maps errors to the GraphQL response: the gateway's own `GatewayError`s keep their stable code and
 * details; Apollo's request errors keep theirs; anything else is INTERNAL_SERVER_ERROR with its
 * message masked outside development (and logged with its stack).
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isGatewayError, type GatewayError } from '../errors/gateway-error.js';

export interface ErrorFormatterOptions {
  /** Show unexpected errors' messages (never in production). */
  readonly revealInternalMessages: boolean;
  /** Told about every unexpected error, with the original error. */
  readonly onUnexpected?: (error: unknown) => void;
  /** Told the code of every error sent to a client (for metrics). */
  readonly onFormatted?: (code: string) => void;
}

export function createErrorFormatter(options: ErrorFormatterOptions) {
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isGatewayError(original)) {
      return { ...formatted, message: original.message, extensions: { ...original.details, code: original.code } };
    }
    // Apollo relabels every validation error GRAPHQL_VALIDATION_FAILED; keep a more precise code a rule gave.
    const rule = error instanceof GraphQLError ? error.originalError : undefined;
    const ruleCode = rule instanceof GraphQLError ? rule.extensions?.code : undefined;
    if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && typeof ruleCode === 'string') {
      return { ...formatted, extensions: { ...formatted.extensions, code: ruleCode } };
    }
    // Errors raised on purpose (Apollo's request errors, libraries' GraphQLErrors) carry their own code.
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    options.onUnexpected?.(original ?? error);
    const { stacktrace, ...extensions } = formatted.extensions ?? {};
    return {
      ...formatted,
      message: options.revealInternalMessages ? formatted.message : 'Unexpected error; the request id identifies it in the server log',
      extensions: options.revealInternalMessages ? { ...extensions, stacktrace, code: 'INTERNAL_SERVER_ERROR' } : { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    options.onFormatted?.(String(result.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
    return result;
  };
}

/**
 * A GatewayError that ends the whole request (raised before execution, e.g. by authentication),
 * as a GraphQLError carrying its code and HTTP status (and headers such as Retry-After).
 */
export function toRequestError(error: GatewayError, headers?: Record<string, string>): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: {
      ...error.details,
      code: error.code,
      // Apollo takes this as the response's status and headers (only when `headers`, if present, is a Map).
      http: headers ? { status: error.httpStatus, headers: new Map(Object.entries(headers)) } : { status: error.httpStatus },
    },
  });
}

/** The stable code of an error as execution raised it (before formatting). */
export function errorCodeOf(error: GraphQLError): string {
  const original = unwrapResolverError(error);
  if (isGatewayError(original)) return original.code;
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
