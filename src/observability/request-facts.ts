/**
 * What one request did, gathered as it runs and written as ONE log line when it ends: who called,
 * which operation and root fields, which models with how many items, which error codes. Never keys,
 * tokens or model inputs; strings a caller chose (operation names, JWT subjects) are cut to
 * MAX_LOGGED_CHARACTERS, so a 10 MB operation name does not make a 10 MB log line.
 */

/** The longest caller-chosen string a log line carries whole. */
export const MAX_LOGGED_CHARACTERS = 128;

/** `value`, or its first MAX_LOGGED_CHARACTERS characters and its length. */
export function truncateForLog(value: string, max = MAX_LOGGED_CHARACTERS): string {
  return value.length <= max ? value : `${value.slice(0, max)}... (${value.length} characters)`;
}

export class RequestFacts {
  /** `<kind>:<id>` of the caller (`api-key:web-app`, `jwt:user-1`, `anonymous:anonymous`). */
  principal: string | null = null;
  /** Operation names (several for a batched HTTP request; null for anonymous operations). */
  readonly operations: (string | null)[] = [];
  /** Root field names (not aliases), each once. */
  readonly fields = new Set<string>();
  /** The operations' cost in model items, as counted before execution. */
  items = 0;
  /** Items sent to each model version (`iris@2` → 5). */
  readonly models: Record<string, number> = {};
  /** Error codes, in the order they happened. */
  readonly errorCodes: string[] = [];
  /** The request's span, when tracing is on: its ids join the log line to the trace. */
  trace: { readonly traceId: string; readonly spanId: string } | null = null;

  addModelItems(modelKey: string, items: number): void {
    this.models[modelKey] = (this.models[modelKey] ?? 0) + items;
  }

  /** The log line's fields. */
  toLog(): Record<string, unknown> {
    const operations = this.operations.map((name) => (name === null ? null : truncateForLog(name)));
    const line: Record<string, unknown> = {
      principal: this.principal === null ? null : truncateForLog(this.principal),
      operation: operations.length <= 1 ? (operations[0] ?? null) : operations,
      fields: [...this.fields],
      items: this.items,
      models: this.models,
      errors: this.errorCodes.length > 0 ? this.errorCodes : undefined,
    };
    if (this.trace) {
      line.trace_id = this.trace.traceId;
      line.span_id = this.trace.spanId;
    }
    return line;
  }
}
