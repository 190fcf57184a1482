/**
 * Maps errors to the GraphQL response: the gateway's own `GatewayError`s keep their stable code and
 * details; Apollo's request errors keep theirs (and get BAD_REQUEST where Apollo gives none to a
 * client's mistake); anything else is INTERNAL_SERVER_ERROR with its message masked outside
 * development (and logged with its stack). Every message leaves with its echoed values bounded.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { describeValue, type GatewayError, isGatewayError, MAX_ECHOED_NAME_CHARACTERS } from '../errors/gateway-error.js';

/** The longest message sent, whatever a library put in it (values in quotes are described first). */
export const MAX_MESSAGE_CHARACTERS = 1000;

/**
 * Apollo refuses some malformed requests with an HTTP 4xx status but no code; our words for them
 * ("must X"), keyed by Apollo's message. An unlisted one keeps Apollo's message.
 */
const APOLLO_REQUEST_MISTAKES: Readonly<Record<string, string>> = {
  'provided sha does not match query': 'extensions.persistedQuery.sha256Hash must be the SHA-256 hash of the query, but it is not',
  'Unsupported persisted query version': 'extensions.persistedQuery.version must be 1',
};

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
    if (isClientMistake(error)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return {
        ...formatted,
        message: APOLLO_REQUEST_MISTAKES[formatted.message] ?? formatted.message,
        extensions: { ...extensions, code: 'BAD_REQUEST' },
      };
    }
    options.onUnexpected?.(original ?? error);
    const { stacktrace, ...extensions } = formatted.extensions ?? {};
    return {
      ...formatted,
      message: options.revealInternalMessages ? formatted.message : 'Unexpected error; the request id identifies it in the server log',
      extensions: options.revealInternalMessages
        ? { ...extensions, stacktrace, code: 'INTERNAL_SERVER_ERROR' }
        : { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = boundMessage(format(formatted, error));
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

/** An error Apollo raised without a code but with an HTTP 4xx status: a malformed request, not a fault of ours. */
function isClientMistake(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** A JSON-quoted string inside a message (graphql-js and Apollo quote every value and name they echo). */
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/**
 * The message with every quoted string longer than a name may be replaced by `describeValue`'s
 * description, then cut at MAX_MESSAGE_CHARACTERS: graphql-js and Apollo echo variables, operation
 * names and field names whole ("got invalid value ...", "Unknown operation named ..."), so a 1 MB
 * input would come back. The gateway's own messages are bounded where they are made; this is the net.
 */
export function boundEchoedValues(message: string): string {
  if (message.length <= MAX_ECHOED_NAME_CHARACTERS) return message;
  const bounded = message.replace(QUOTED, (quoted, inner: string) =>
    inner.length <= MAX_ECHOED_NAME_CHARACTERS ? quoted : describeValue(unquote(quoted, inner)),
  );
  return bounded.length <= MAX_MESSAGE_CHARACTERS
    ? bounded
    : `${bounded.slice(0, MAX_MESSAGE_CHARACTERS)}... (cut: ${bounded.length} characters)`;
}

function unquote(quoted: string, inner: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return inner;
  }
}

function boundMessage(error: GraphQLFormattedError): GraphQLFormattedError {
  const message = boundEchoedValues(error.message);
  return message === error.message ? error : { ...error, message };
}
