/**
 * Maps errors to the GraphQL response: the gateway's own `GatewayError`s keep their stable code and
 * details; Apollo's request errors keep theirs (and get BAD_REQUEST where Apollo gives none to a
 * client's mistake); anything else is INTERNAL_SERVER_ERROR with its message masked outside
 * development (and logged with its stack). Every message leaves with its echoed values bounded.
 * A GatewayError becomes a GraphQL error object in one place (`formatGatewayError`), and a
 * request-ending GraphQLError in one place (`toRequestError`), whose status is the catalogue's.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { type ASTNode, GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ErrorCode } from '../errors/catalogue.js';
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

/**
 * Apollo refuses a few requests with BAD_REQUEST and a status other than 400: a mutation by GET (405),
 * an Accept header it cannot satisfy (406), a GET with a non-JSON Content-Type (415). Their catalogue
 * codes, so that a code always arrives with the one status the catalogue gives it.
 */
const APOLLO_BAD_REQUEST_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
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
    // Raised by a resolver, or carried by a request error or a validation rule's error (which Apollo
    // relabels GRAPHQL_VALIDATION_FAILED): its own code and details.
    const gatewayError = gatewayErrorIn(error);
    if (gatewayError) return { ...formatted, ...formatGatewayError(gatewayError) };
    // Errors raised on purpose (Apollo's request errors, libraries' GraphQLErrors) carry their own code.
    const code = formatted.extensions?.code;
    const precise = preciseApolloCode(code, error);
    if (precise !== code) return { ...formatted, extensions: { ...formatted.extensions, code: precise } };
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    if (isClientMistake(error)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return {
        ...formatted,
        message: APOLLO_REQUEST_MISTAKES[formatted.message] ?? formatted.message,
        extensions: { ...extensions, code: 'BAD_REQUEST' },
      };
    }
    options.onUnexpected?.(unwrapResolverError(error) ?? error);
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

/** A GatewayError as a GraphQL error object's message and extensions (its details, and its code). */
export function formatGatewayError(error: GatewayError): { message: string; extensions: Record<string, unknown> } {
  return { message: error.message, extensions: { ...error.details, code: error.code } };
}

/**
 * A GatewayError that ends the whole request (raised before execution: by a plugin, or reported by a
 * validation rule with the AST `nodes` it concerns), as a GraphQLError carrying its code and the
 * catalogue's HTTP status (and headers such as Retry-After), which Apollo sends as the response's.
 */
export function toRequestError(error: GatewayError, options: { nodes?: ASTNode } = {}): GraphQLError {
  const headers = Object.entries(error.httpHeaders);
  return new GraphQLError(error.message, {
    nodes: options.nodes,
    originalError: error,
    extensions: {
      ...formatGatewayError(error).extensions,
      // Apollo takes this as the response's status and headers (only when `headers`, if present, is a Map).
      http: headers.length > 0 ? { status: error.httpStatus, headers: new Map(headers) } : { status: error.httpStatus },
    },
  });
}

/** The stable code of an error as execution raised it (before formatting). */
export function errorCodeOf(error: GraphQLError): string {
  const gatewayError = gatewayErrorIn(error);
  if (gatewayError) return gatewayError.code;
  const code = error.extensions?.code;
  return typeof code === 'string' ? preciseApolloCode(code, error) : 'INTERNAL_SERVER_ERROR';
}

/** Apollo's code for an error, or the catalogue's more precise one where Apollo says BAD_REQUEST with another status. */
function preciseApolloCode<Code>(code: Code, error: unknown): Code | ErrorCode {
  return (code === 'BAD_REQUEST' && APOLLO_BAD_REQUEST_BY_STATUS[httpStatusOf(error) ?? 400]) || code;
}

/**
 * The GatewayError behind an error, if any: a resolver's (under Apollo's resolver wrapping), a request
 * error's (toRequestError), or a validation rule's (Apollo wraps the rule's GraphQLError once more).
 */
function gatewayErrorIn(error: unknown): GatewayError | undefined {
  let current: unknown = unwrapResolverError(error);
  for (let depth = 0; depth < 3 && current instanceof Error; depth += 1) {
    if (isGatewayError(current)) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}

function httpStatusOf(error: unknown): number | undefined {
  const status = error instanceof GraphQLError ? (error.extensions.http as { status?: unknown } | undefined)?.status : undefined;
  return typeof status === 'number' ? status : undefined;
}

/** An error Apollo raised without a code but with an HTTP 4xx status: a malformed request, not a fault of ours. */
function isClientMistake(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500;
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
