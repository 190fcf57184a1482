import { z } from 'zod';

/**
 * The model manifest (`models/<name>/model.json`): what a model is for and how to feed it.
 * The README's "Model repository" section documents every field with a complete example.
 */

export const TASKS = [
  'tabular-classification',
  'tabular-regression',
  'tensor-classification',
  'tensor-regression',
  'recommendation',
  'text-classification',
] as const;
export type Task = (typeof TASKS)[number];

export const ELEMENT_TYPES = ['float32', 'int32', 'int64'] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

/** A dimension: a fixed size, or a name for a dynamic one (the first is always the dynamic batch dimension). */
const Dimension = z.union([z.number().int().positive(), z.string().min(1)]);
export type Dimension = z.infer<typeof Dimension>;

const TensorSpec = z.strictObject({
  /** The ONNX graph input's name, exactly. */
  name: z.string().min(1),
  type: z.enum(ELEMENT_TYPES),
  /** Shape including the batch dimension, e.g. `["batch", 4]`. */
  shape: z
    .array(Dimension)
    .min(1)
    .refine((shape) => typeof shape[0] === 'string', {
      message: 'the first dimension must be the dynamic batch dimension, a name such as "batch"',
    }),
  /** What the input carries, for tasks with several inputs (e.g. `items`, `ratings`, `tokens`). */
  role: z.string().min(1).optional(),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

export const OUTPUT_KINDS = ['logits', 'probabilities', 'values', 'indices', 'scores'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

const OutputSpec = z.strictObject({
  /** The ONNX graph output's name, exactly. */
  name: z.string().min(1),
  /** `logits` become probabilities (softmax) before they are returned; `probabilities` are returned as they are. */
  kind: z.enum(OUTPUT_KINDS).default('values'),
  /** Expected shape including the batch dimension; checked against the graph when given. */
  shape: z.array(Dimension).min(1).optional(),
  role: z.string().min(1).optional(),
});
export type OutputSpec = z.infer<typeof OutputSpec>;

const BatchingSettings = z.strictObject({
  /** Most items one ONNX run may take. */
  maxBatchSize: z.number().int().min(1).max(65_536).default(64),
  /** How long the first queued item may wait for more before its batch runs anyway (0: until the next turn of the event loop). */
  maxQueueDelayMs: z.number().min(0).max(10_000).default(0),
  /** Queued items beyond which new work is refused with OVERLOADED. */
  maxQueueSize: z.number().int().min(1).max(1_000_000).default(4_096),
  /** Batches of this model that may run at once (default: one per worker thread). */
  maxConcurrentBatches: z.number().int().min(1).max(64).optional(),
  /** A batch running longer than this fails with INFERENCE_TIMEOUT and its worker is replaced. */
  timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
});
export type BatchingSettings = z.infer<typeof BatchingSettings>;

const WarmupSettings = z.strictObject({
  /** Batch sizes of the runs made before a loaded version takes traffic, in order; [] skips them. */
  batchSizes: z.array(z.number().int().min(1).max(65_536)).max(16),
});

const TokenizerSettings = z.strictObject({
  /** The gateway's word tokenizer: lower-cases, splits words, marks words in a negated clause with `NOT_`. */
  kind: z.literal('lexicon-words'),
  /** Tokens beyond this are dropped (the text is still accepted). */
  maxTokens: z.number().int().min(1).max(4_096).default(256),
});

/** Headers the gateway sets itself on every remote call. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);

const CircuitBreakerSettings = z.strictObject({
  /** Share of failed calls (unreachable, timed out, 5xx) in the last `windowMs` that opens the circuit. */
  errorThresholdPercentage: z.number().min(1).max(100).default(50),
  /** Calls in the window before the share counts (a single early failure must not open it). */
  minimumCalls: z.number().int().min(1).max(10_000).default(5),
  /** How long the statistics window is. */
  windowMs: z.number().int().min(100).max(600_000).default(10_000),
  /** How long an open circuit fails calls at once before it lets one through to try the remote again. */
  resetMs: z.number().int().min(10).max(600_000).default(5_000),
});

/**
 * Where a model runs when not in a local worker: an inference server speaking the Open Inference
 * Protocol (KServe v2, Triton). `${NAME}` in a header value is replaced from the environment at load.
 */
const RemoteBackendSettings = z.strictObject({
  kind: z.literal('kserve-v2'),
  /** The server's base URL; `/v2/models/...` is appended. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://inference:8000' }),
  /** The model's name on that server. */
  model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a model name: letters, digits, ".", "_" or "-"'),
  /** The version asked of the server; this model serves under the same number. */
  version: z
    .union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]{0,8}$/, 'must be a positive integer such as "1"')])
    .default(1)
    .transform(Number),
  /** Extra headers on every call (credentials); values may name environment variables as `${NAME}`. */
  headers: z
    .record(z.string(), z.string().regex(/^[^\r\n]*$/, 'must be one line'))
    .superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) {
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
          ctx.addIssue({ code: 'custom', path: [name], message: 'must be an HTTP header name' });
        else if (RESERVED_HEADERS.has(name.toLowerCase()))
          ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the gateway itself' });
      }
    })
    .default({}),
  /** A call (metadata at load, or one batch's infer) taking longer fails with INFERENCE_TIMEOUT. Default: batching.timeoutMs. */
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
  circuitBreaker: CircuitBreakerSettings.default(CircuitBreakerSettings.parse({})),
});
export type RemoteBackendSettings = z.infer<typeof RemoteBackendSettings>;

const GraphQLSettings = z.strictObject({
  /**
   * Whether the model gets its own typed root field (`predict<Model>`). Default: yes for the models of
   * a task kind that generates one (src/tasks/registry.ts) whose manifest names no `scopes`; a
   * restricted model gets one only when this says true, since the schema is the same for every caller
   * and would otherwise reveal it.
   */
  typedField: z.boolean().optional(),
});

const ManifestObject = z.strictObject({
  $schema: z.string().optional(),
  /** If given, must equal the folder's name. */
  name: z.string().optional(),
  task: z.enum(TASKS),
  description: z.string().min(1),
  inputs: z.array(TensorSpec).min(1),
  outputs: z.array(OutputSpec).min(1),
  /** Tabular models: the ordered feature names, one per column of the input. */
  features: z.array(z.string().min(1)).min(1).optional(),
  /** Classifiers: one label per output column. */
  labels: z.array(z.string().min(1)).min(2).optional(),
  /** Extra files the task reads, relative to the version folder, else to the model folder. */
  files: z.record(z.string(), z.string().min(1)).default({}),
  batching: BatchingSettings.default(BatchingSettings.parse({})),
  /** Warm-up runs before a version takes traffic (default: one at batch 1 and one at maxBatchSize). */
  warmup: WarmupSettings.optional(),
  /** Scopes that may call this model (any one suffices; `admin` always may). Default: the task's own scopes. */
  scopes: z.array(z.string().min(1)).min(1).optional(),
  tokenizer: TokenizerSettings.optional(),
  /** How the model appears in the GraphQL schema. */
  graphql: GraphQLSettings.optional(),
  /** Free-form provenance: what data it was trained on, held-out metrics. Shown in metadata. */
  training: z.record(z.string(), z.unknown()).optional(),
  /** Runs the model on a remote inference server instead of a local model.onnx (the folder then holds only model.json). */
  backend: RemoteBackendSettings.optional(),
});

/** The manifest after parsing, defaults applied. */
export type ModelManifest = z.infer<typeof ManifestObject>;
/** What a manifest author writes (defaults not yet applied). */
export type ModelManifestInput = z.input<typeof ManifestObject>;

export type ManifestParseResult = { ok: true; manifest: ModelManifest } | { ok: false; field: string; message: string };
/** Validates a parsed `model.json` (src/tasks/registry.ts has the gateway's). */
export type ManifestParser = (json: unknown) => ManifestParseResult;

/** The checks a task's manifest rules may use; each reports a zod issue at the field it names. */
export interface ManifestCheck {
  issue(path: (string | number)[], message: string): void;
  /** Exactly one float32 input and one output to read (the predict tasks). */
  requireSingleInput(): void;
  /** Distinct labels, read from a `logits` or `probabilities` output. */
  requireLabels(outputIndex: number): void;
  requireRole(list: 'inputs' | 'outputs', role: string): void;
}

/** What a manifest of one task must hold beyond the common shape; declared by the task's definition (src/tasks). */
export type ManifestRules = (manifest: ModelManifest, check: ManifestCheck) => void;

/**
 * The manifest schema: the common shape and rules, plus each task's own rules. The task registry
 * (src/tasks/registry.ts) builds it from the task definitions, so that this layer knows no task's meaning.
 */
export function manifestSchema(rulesOf: (task: Task) => ManifestRules) {
  return ManifestObject.superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const check: ManifestCheck = {
      issue,
      requireSingleInput() {
        if (m.inputs.length !== 1) issue(['inputs'], `must hold exactly one input for task ${m.task}, but got ${m.inputs.length}`);
        if (m.inputs[0].type !== 'float32') issue(['inputs', 0, 'type'], `must be "float32" for task ${m.task}`);
        if (m.outputs.length !== 1)
          issue(['outputs'], `must name exactly the one output to read for task ${m.task}, but got ${m.outputs.length}`);
      },
      requireLabels(outputIndex) {
        if (!m.labels) return issue(['labels'], `is required for task ${m.task}`);
        if (new Set(m.labels).size !== m.labels.length) issue(['labels'], 'must not repeat a label');
        const kind = m.outputs[outputIndex]?.kind;
        if (kind !== 'logits' && kind !== 'probabilities') {
          issue(['outputs', outputIndex, 'kind'], `must be "logits" or "probabilities" for task ${m.task}`);
        }
      },
      requireRole(list, role) {
        if (!(m[list] as { role?: string }[]).some((spec) => spec.role === role)) {
          issue([list], `must have one entry with role "${role}" for task ${m.task}`);
        }
      },
    };

    if (m.backend?.timeoutMs !== undefined && m.backend.timeoutMs > m.batching.timeoutMs) {
      issue(['backend', 'timeoutMs'], `must be at most batching.timeoutMs (${m.batching.timeoutMs}), but got ${m.backend.timeoutMs}`);
    }
    m.warmup?.batchSizes.forEach((size, index) => {
      if (size > m.batching.maxBatchSize)
        issue(['warmup', 'batchSizes', index], `must be at most batching.maxBatchSize (${m.batching.maxBatchSize}), but got ${size}`);
    });
    rulesOf(m.task)(m, check);
  });
}

/** Validates parsed JSON against `schema`; on failure reports the first offending field as a dotted path (`inputs.0.shape`). */
export function parseWith(schema: ReturnType<typeof manifestSchema>, json: unknown): ManifestParseResult {
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, manifest: result.data };
  const first = result.error.issues[0];
  const field = first.path.length > 0 ? first.path.map(String).join('.') : '(root)';
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  return { ok: false, field, message: `${first.message}${more}` };
}

/** Inputs/outputs by role, for tasks with several. */
export function inputByRole(manifest: ModelManifest, role: string): TensorSpec | undefined {
  return manifest.inputs.find((spec) => spec.role === role);
}
export function outputByRole(manifest: ModelManifest, role: string): OutputSpec | undefined {
  return manifest.outputs.find((spec) => spec.role === role);
}
