/**
 * What one request did, gathered as it runs and written as ONE log line when it ends: who called,
 * which operation and root fields, which models with how many items, which error codes. Never keys,
 * tokens or model inputs.
 */
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

  addModelItems(modelKey: string, items: number): void {
    this.models[modelKey] = (this.models[modelKey] ?? 0) + items;
  }

  /** The log line's fields. */
  toLog(): Record<string, unknown> {
    return {
      principal: this.principal,
      operation: this.operations.length <= 1 ? (this.operations[0] ?? null) : this.operations,
      fields: [...this.fields],
      items: this.items,
      models: this.models,
      errors: this.errorCodes.length > 0 ? this.errorCodes : undefined,
    };
  }
}
