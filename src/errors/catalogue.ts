/**
 * The catalogue of every stable error code the gateway emits: one table, grouped by area, and the
 * only source of the HTTP statuses of error answers (renderers take a GatewayError, never a status).
 * Each entry has the HTTP status used when the error ends a whole request, how the code reaches a
 * client, and a one-line meaning; the README's error table repeats both word for word (a test checks
 * the two agree, and another checks each documented status against a real server's answer).
 */
export interface ErrorSpec {
  /** HTTP status when this error ends the whole request (a GraphQL request error, or any error on the v2 routes). */
  readonly status: number;
  /**
   * How the code reaches a client: `field` (GraphQL only: the field is null and the error sits beside
   * the other fields' data in an HTTP 200 answer), `request` (the error ends the request with
   * `status`), or either, depending on where it arises.
   */
  readonly arrives: 'field' | 'request' | 'field or request';
  /** What the code means, for the README and for operators. */
  readonly meaning: string;
  /** Where the code comes from. */
  readonly area: 'input' | 'models' | 'inference' | 'auth' | 'limits' | 'server' | 'graphql' | 'http';
}

export const ERROR_CATALOGUE = {
  // --- input -------------------------------------------------------------------------------------
  BAD_USER_INPUT: {
    status: 400,
    arrives: 'field or request',
    area: 'input',
    meaning:
      'An argument is invalid; the message names the path and the value, e.g. `instances[2].features.petalWidth: must be a finite number, but got "abc"`.',
  },
  // --- models ------------------------------------------------------------------------------------
  MODEL_NOT_FOUND: { status: 404, arrives: 'field or request', area: 'models', meaning: 'No model with that name is in the repository.' },
  MODEL_VERSION_NOT_FOUND: {
    status: 404,
    arrives: 'field or request',
    area: 'models',
    meaning: 'The model exists but not in the requested version.',
  },
  MODEL_UNAVAILABLE: {
    status: 503,
    arrives: 'field or request',
    area: 'models',
    meaning:
      'The model (or the version asked for) failed to load, is not loaded yet, or does not serve this kind of call; `model(name:)` shows why.',
  },
  MODEL_CONTROL_DISABLED: {
    status: 409,
    arrives: 'field',
    area: 'models',
    meaning:
      '`loadModel` / `unloadModel` while `MODEL_CONTROL=none`: the repository is read at start-up only; set `MODEL_CONTROL` to `poll` or `explicit`.',
  },
  // --- inference ---------------------------------------------------------------------------------
  OVERLOADED: {
    status: 503,
    arrives: 'field or request',
    area: 'inference',
    meaning: "The model's queue (`maxQueueSize`) or the preprocessing queue is full; retry later.",
  },
  INFERENCE_FAILED: {
    status: 500,
    arrives: 'field or request',
    area: 'inference',
    meaning: 'The ONNX run failed; only the callers in that batch get this error.',
  },
  INFERENCE_TIMEOUT: {
    status: 504,
    arrives: 'field or request',
    area: 'inference',
    meaning: "The batch did not finish within the model's `timeoutMs`; its worker thread is replaced.",
  },
  PREPROCESSING_FAILED: {
    status: 500,
    arrives: 'field',
    area: 'inference',
    meaning:
      'Preparing inputs off the main thread (tokenizing texts) failed; only the call whose inputs were being prepared gets this error.',
  },
  SHUTTING_DOWN: {
    status: 503,
    arrives: 'field or request',
    area: 'server',
    meaning: 'The server is stopping and accepts no new inference work.',
  },
  // --- auth --------------------------------------------------------------------------------------
  UNAUTHENTICATED: {
    status: 401,
    arrives: 'field or request',
    area: 'auth',
    meaning: 'Credentials are missing where they are required, or present but invalid (unknown key, bad signature, expired).',
  },
  FORBIDDEN: {
    status: 403,
    arrives: 'field or request',
    area: 'auth',
    meaning: 'The caller is authenticated but lacks the scope named in the message.',
  },
  DUPLICATE_CREDENTIAL_HEADER: {
    status: 400,
    arrives: 'request',
    area: 'auth',
    meaning: 'A credential header (`Authorization`, `x-api-key`) appears more than once; send it once.',
  },
  // --- limits ------------------------------------------------------------------------------------
  RATE_LIMITED: {
    status: 429,
    arrives: 'request',
    area: 'limits',
    meaning:
      "The operation asks for more model items than remain of the caller's budget this minute (the message says how many it asked for and how many remain; it spent nothing), or a client address sent too many requests without credentials (`ANONYMOUS_REQUESTS_PER_MINUTE`). `extensions.retryAfter` (seconds) and the `Retry-After` header say when to retry.",
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    arrives: 'request',
    area: 'limits',
    meaning:
      'The operation exceeds a structural limit (depth, aliases, directives, tokens, field cost), asks for more model items than one operation may, or carries more characters of text to classify than one operation or one request may.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    arrives: 'request',
    area: 'limits',
    meaning: 'The request body is larger than `MAX_BODY_BYTES`, or than `ANONYMOUS_MAX_BODY_BYTES` for a request without credentials.',
  },
  // --- server ------------------------------------------------------------------------------------
  INTERNAL_SERVER_ERROR: {
    status: 500,
    arrives: 'field or request',
    area: 'server',
    meaning: 'Anything unexpected; the message is masked (no stack trace) outside development.',
  },
  // --- Apollo Server's own request errors ---------------------------------------------------------
  GRAPHQL_PARSE_FAILED: { status: 400, arrives: 'request', area: 'graphql', meaning: 'The query is not valid GraphQL syntax.' },
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    arrives: 'request',
    area: 'graphql',
    meaning: 'The query does not match the schema (unknown field, wrong argument or variable type).',
  },
  BAD_REQUEST: {
    status: 400,
    arrives: 'request',
    area: 'graphql',
    meaning:
      'The HTTP request is not a GraphQL or inference protocol request (malformed HTTP or JSON, invalid UTF-8, empty body, missing query, binary tensor data, more operations in a batch than `MAX_BATCHED_OPERATIONS`).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    arrives: 'request',
    area: 'graphql',
    meaning: 'A POST body that is not `application/json`, or a GET with a `Content-Type` other than that.',
  },
  UNSUPPORTED_CONTENT_ENCODING: {
    status: 415,
    arrives: 'request',
    area: 'graphql',
    meaning: 'A compressed request body (`Content-Encoding` other than `identity`); send it uncompressed.',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    status: 200,
    arrives: 'request',
    area: 'graphql',
    meaning: 'Automatic persisted query: the hash is unknown; resend with the query text.',
  },
  OPERATION_RESOLUTION_FAILURE: {
    status: 400,
    arrives: 'request',
    area: 'graphql',
    meaning: 'The document has several operations and `operationName` does not pick one.',
  },
  PERSISTED_DOCUMENT_REQUIRED: {
    status: 400,
    arrives: 'request',
    area: 'graphql',
    meaning:
      'With `PERSISTED_DOCUMENTS=only`, the document is not one registered at build time; send a registered document (its hash as `extensions.persistedQuery`).',
  },
  // --- HTTP: the request refused as HTTP, before a protocol reads it -----------------------------
  NOT_FOUND: {
    status: 404,
    arrives: 'request',
    area: 'http',
    meaning: 'No route at that path and method (e.g. `/metrics` on the API port in production, or `/` with `IDE=off`).',
  },
  METHOD_NOT_ALLOWED: { status: 405, arrives: 'request', area: 'http', meaning: 'A mutation sent by GET; send it by POST.' },
  NOT_ACCEPTABLE: {
    status: 406,
    arrives: 'request',
    area: 'http',
    meaning: 'The `Accept` header admits neither `application/json` nor `application/graphql-response+json`.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    arrives: 'request',
    area: 'http',
    meaning:
      'The headers did not arrive within `HEADERS_TIMEOUT_MS`, or the whole request within `REQUEST_TIMEOUT_MS`; the connection is closed.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    arrives: 'request',
    area: 'http',
    meaning: "The request's headers are larger than Node's limit (16 KiB); the connection is closed.",
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The README error table's "HTTP status" cell for a code: how it arrives, and with which status. */
export function documentedStatus(spec: ErrorSpec): string {
  const request = `${spec.status}, request error`;
  if (spec.arrives === 'field') return '200, field error';
  return spec.arrives === 'request' ? request : `200, field error; ${request}`;
}

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** Reasons a model in the repository may fail to load; shown as `ModelInfo.error` and in the start-up log. */
export const MODEL_LOAD_FAILURES = {
  MANIFEST_MISSING: 'The model folder has no model.json.',
  MANIFEST_INVALID_JSON: 'model.json is not valid JSON.',
  MANIFEST_INVALID: 'model.json does not match the manifest schema; the message names the field.',
  NO_VERSIONS: 'The model folder has no numbered version folder holding a model.onnx.',
  MODEL_FILE_MISSING: 'A file the manifest names (an extra file) does not exist.',
  EXTRA_FILE_INVALID: 'An extra file (catalog, vocabulary) is unreadable or does not match what the task needs.',
  ONNX_LOAD_FAILED: 'onnxruntime could not load model.onnx (corrupt file, unsupported operator).',
  MANIFEST_MISMATCH: 'model.json contradicts the ONNX graph (input/output name, element type, rank or a fixed dimension).',
  WARMUP_FAILED: "A warm-up run (batch 1 and `maxBatchSize`, or the manifest's `warmup` sizes) failed or exceeded `timeoutMs`.",
} as const;

export type ModelLoadFailure = keyof typeof MODEL_LOAD_FAILURES;
