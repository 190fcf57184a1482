/**
 * A typed Apollo Client 4 for the gateway, for TypeScript front-ends (the demo page uses it) and Node.
 *
 *   const client = createGatewayClient({ uri: '/graphql', apiKey: () => localStorage.getItem('apiKey') });
 *   const { data, errors } = await runQuery(client, IrisComparisonDocument, { flower: [{ features }] });
 *   data?.latest?.[0]?.label;                       // typed from the document by `npm run codegen`
 *   if (errors.some((e) => e.code === 'RATE_LIMITED')) ...
 *
 * - Auth: a context link puts `x-api-key` on every request, read per request so the key can change.
 * - Batching: BatchHttpLink sends the operations started within `batchInterval` ms as one HTTP request
 *   (a JSON array), at most `batchMax` of them. The server refuses arrays longer than its
 *   MAX_BATCHED_OPERATIONS (default 10) with HTTP 400, so keep `batchMax` at or below it.
 * - Errors: `gatewayErrorsOf` turns whatever Apollo reports (GraphQL errors with `extensions.code`,
 *   HTTP errors, network failures) into GatewayRequestErrors whose `code` is typed.
 * - Persisted documents (`persistedDocuments: true`): each operation is sent as its build-time hash
 *   (`npm run codegen` puts it in the document's `__meta__`), for a gateway that runs
 *   PERSISTED_DOCUMENTS=allow or only with the persisted-documents.json of the same build.
 */
import {
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  InMemoryCache,
  type OperationVariables,
  ServerError,
  ServerParseError,
  type TypedDocumentNode,
} from '@apollo/client';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { type DocumentNode, print } from 'graphql';

/** Every `extensions.code` the gateway sends (its error catalogue; a test keeps the two in step). */
export const GATEWAY_ERROR_CODES = [
  'BAD_USER_INPUT',
  'MODEL_NOT_FOUND',
  'MODEL_VERSION_NOT_FOUND',
  'MODEL_UNAVAILABLE',
  'MODEL_CONTROL_DISABLED',
  'OVERLOADED',
  'INFERENCE_FAILED',
  'INFERENCE_TIMEOUT',
  'PREPROCESSING_FAILED',
  'SHUTTING_DOWN',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'DUPLICATE_CREDENTIAL_HEADER',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNSUPPORTED_CONTENT_ENCODING',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_DOCUMENT_REQUIRED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'NOT_ACCEPTABLE',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
] as const;

export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

/**
 * Codes the client assigns when the server's answer holds no code it knows:
 * NETWORK_ERROR (no answer at all), HTTP_ERROR (an answer that is not GraphQL), UNKNOWN_CODE.
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'HTTP_ERROR' | 'UNKNOWN_CODE';

export function isGatewayErrorCode(code: unknown): code is GatewayErrorCode {
  return typeof code === 'string' && (GATEWAY_ERROR_CODES as readonly string[]).includes(code);
}

/** One error of a request, with its stable code; `path` names the failed field, if one did. */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';
  readonly code: GatewayErrorCode | ClientErrorCode;
  readonly path: readonly (string | number)[] | undefined;
  /** The HTTP status of an answer that was not a GraphQL response (e.g. a proxy's 502), when known. */
  readonly httpStatus: number | undefined;
  /** The error's `extensions` as sent (e.g. `retryAfter` for RATE_LIMITED, `reason` for UNAUTHENTICATED). */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(
    code: GatewayErrorCode | ClientErrorCode,
    message: string,
    details: { path?: readonly (string | number)[]; httpStatus?: number; extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.code = code;
    this.path = details.path;
    this.httpStatus = details.httpStatus;
    this.extensions = details.extensions ?? {};
  }
}

interface FormattedError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

/** Every error in whatever Apollo Client reported (undefined/null: none), with typed codes. */
export function gatewayErrorsOf(error: unknown): GatewayRequestError[] {
  if (error === undefined || error === null) return [];
  if (error instanceof GatewayRequestError) return [error];
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((formatted) => fromFormattedError(formatted));
  if (ServerError.is(error) || ServerParseError.is(error)) {
    // A non-2xx answer may still carry GraphQL errors, e.g. the batch size limit's HTTP 400.
    const errors = formattedErrorsIn(error.bodyText);
    if (errors.length > 0) return errors.map((formatted) => fromFormattedError(formatted, error.statusCode));
    return [
      new GatewayRequestError('HTTP_ERROR', `HTTP ${error.statusCode}: ${error.message}`, { httpStatus: error.statusCode, cause: error }),
    ];
  }
  // A batch the server refused as a whole (e.g. too many operations) gets one answer for all of its
  // operations; Apollo's batch link reports that with the answer in `result`.
  const refusedBatch = (error as { result?: unknown } | null)?.result;
  if (Array.isArray(refusedBatch)) {
    const errors = refusedBatch.flatMap((result: { errors?: unknown } | null) =>
      Array.isArray(result?.errors) ? (result.errors as FormattedError[]) : [],
    );
    if (errors.length > 0) return errors.map((formatted) => fromFormattedError(formatted));
  }
  const message = error instanceof Error ? error.message : String(error);
  // fetch rejects with a TypeError when there is no answer at all (refused, reset, offline).
  if (error instanceof TypeError)
    return [new GatewayRequestError('NETWORK_ERROR', `the gateway could not be reached: ${message}`, { cause: error })];
  return [new GatewayRequestError('UNKNOWN_CODE', message, { cause: error })];
}

function fromFormattedError(error: FormattedError, httpStatus?: number): GatewayRequestError {
  const extensions = error.extensions ?? {};
  const code = isGatewayErrorCode(extensions.code) ? extensions.code : 'UNKNOWN_CODE';
  return new GatewayRequestError(code, error.message, { path: error.path, httpStatus, extensions });
}

function formattedErrorsIn(bodyText: string): FormattedError[] {
  try {
    const body: unknown = JSON.parse(bodyText);
    const errors = (body as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors)
      ? errors.filter((e): e is FormattedError => typeof (e as FormattedError | null)?.message === 'string')
      : [];
  } catch {
    return [];
  }
}

export interface GatewayClientOptions {
  /** The GraphQL endpoint: `/graphql` in a page the gateway serves, `http://host:4000/graphql` elsewhere. */
  readonly uri: string;
  /** The API key, or a function that returns the current one; none: anonymous. */
  readonly apiKey?: string | null | (() => string | null | undefined);
  /** Most operations in one HTTP request (default 10, the server's default MAX_BATCHED_OPERATIONS). */
  readonly batchMax?: number;
  /** How long the first operation waits for others to share its HTTP request, in ms (default 10). */
  readonly batchInterval?: number;
  /** Told about every failed operation's errors (e.g. to ask for a new key on UNAUTHENTICATED). */
  readonly onErrors?: (errors: GatewayRequestError[], operationName: string | undefined) => void;
  /** A fetch implementation (default: the global one). */
  readonly fetch?: typeof fetch;
  /**
   * Send each operation as the hash of its registered document (an automatic persisted query) instead
   * of its text. Only for a gateway that knows this build's persisted-documents.json
   * (PERSISTED_DOCUMENTS=allow or only): elsewhere its unknown hashes fail. @default false
   */
  readonly persistedDocuments?: boolean;
}

export function createGatewayClient(options: GatewayClientOptions): ApolloClient {
  const apiKey = options.apiKey;
  const readKey = typeof apiKey === 'function' ? apiKey : () => apiKey;
  const auth = new SetContextLink((previous) => {
    const key = readKey()?.trim();
    return key ? { headers: { ...previous.headers, 'x-api-key': key } } : {};
  });
  const errors = new ErrorLink(({ error, operation }) => {
    options.onErrors?.(gatewayErrorsOf(error), operation.operationName);
  });
  const http = new BatchHttpLink({
    uri: options.uri,
    batchMax: options.batchMax ?? 10,
    batchInterval: options.batchInterval ?? 10,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const persisted = options.persistedDocuments ? [new PersistedQueryLink({ generateHash: documentHash })] : [];
  return new ApolloClient({
    link: ApolloLink.from([auth, errors, ...persisted, http]),
    cache: new InMemoryCache({
      // Models are identified by name (they have no id field); movies by their `id`, as by default.
      typePolicies: { ModelInfo: { keyFields: ['name'] } },
    }),
  });
}

/**
 * The hex SHA-256 the gateway knows a document by: the build-time hash codegen put in `__meta__`
 * ("sha256:<hex>", of its normalized text), else that of the printed document (plain APQ).
 */
async function documentHash(document: DocumentNode): Promise<string> {
  const registered = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof registered === 'string') return registered.replace(/^sha256:/, '');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(print(document)));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** What `runQuery` resolves to: the data (a failed field is null) and every error, typed. */
export interface GatewayResult<TData> {
  readonly data: TData | undefined;
  readonly errors: readonly GatewayRequestError[];
}

/**
 * Runs a typed query and never throws: failed fields are null in `data` with their errors in
 * `errors` (the gateway's root fields are nullable so that one failure spares the others).
 * Always asks the server (predictions are cheap and the default model version can change).
 */
export async function runQuery<TData, TVariables extends OperationVariables>(
  client: ApolloClient,
  query: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<GatewayResult<TData>> {
  try {
    const options = { query, variables, errorPolicy: 'all', fetchPolicy: 'network-only' } as ApolloClient.QueryOptions<TData, TVariables>;
    const result = await client.query<TData, TVariables>(options);
    return { data: (result.data ?? undefined) as TData | undefined, errors: gatewayErrorsOf(result.error) };
  } catch (error) {
    return { data: undefined, errors: gatewayErrorsOf(error) };
  }
}
