/**
 * The sentiment model's vocabulary file (`vocab.json`: `{ "tokens": ["[PAD]", "[UNK]", ...] }`, ids are
 * positions). Only the tokens live here; their embeddings live in the ONNX graph.
 */
import { readJsonFile } from '../shared/json-file.js';
import { PAD_ID, PAD_TOKEN, type TokenLookup, UNK_ID, UNK_TOKEN } from './tokenizer.js';

export class Vocabulary implements TokenLookup {
  readonly maxPhraseWords: number;
  private readonly ids: Map<string, number>;

  private constructor(readonly tokens: readonly string[]) {
    this.ids = new Map(tokens.map((token, id) => [token, id]));
    this.maxPhraseWords = tokens.reduce((most, token) => Math.max(most, token.split(' ').length), 1);
  }

  get size(): number {
    return this.tokens.length;
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Reads and validates a vocabulary file; errors name the file and the offending field. */
  static load(file: string): Vocabulary {
    return Vocabulary.fromJson(readJsonFile(file, 'vocabulary'), file);
  }

  /** Validates parsed JSON; `source` names the file in error messages. */
  static fromJson(json: unknown, source: string): Vocabulary {
    const fail = (field: string, message: string) => new Error(`vocabulary ${source}: field "${field}" ${message}`);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new Error(
        `vocabulary ${source}: must be a JSON object with a "tokens" array, but got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`,
      );
    }
    const tokens = (json as { tokens?: unknown }).tokens;
    if (!Array.isArray(tokens))
      throw fail('tokens', `must be an array of strings, but got ${tokens === undefined ? 'nothing' : typeof tokens}`);
    if (tokens.length < 2) throw fail('tokens', `must hold at least "${PAD_TOKEN}" and "${UNK_TOKEN}", but got ${tokens.length} token(s)`);
    const seen = new Set<string>();
    tokens.forEach((token, id) => {
      if (typeof token !== 'string' || token.length === 0)
        throw fail(`tokens[${id}]`, `must be a non-empty string, but got ${JSON.stringify(token)}`);
      if (seen.has(token)) throw fail(`tokens[${id}]`, `must not repeat a token, but got ${JSON.stringify(token)} again`);
      seen.add(token);
    });
    if (tokens[PAD_ID] !== PAD_TOKEN) throw fail(`tokens[${PAD_ID}]`, `must be "${PAD_TOKEN}", but got ${JSON.stringify(tokens[PAD_ID])}`);
    if (tokens[UNK_ID] !== UNK_TOKEN) throw fail(`tokens[${UNK_ID}]`, `must be "${UNK_TOKEN}", but got ${JSON.stringify(tokens[UNK_ID])}`);
    return new Vocabulary(tokens as string[]);
  }
}
