/**
 * Counts a document's lexer tokens, stopping as soon as it passes `limit`: lexing is much cheaper than
 * parsing, and only documents longer than `limit` characters can have more than `limit` tokens.
 */
import { Lexer, Source, TokenKind } from 'graphql';

/** True when `query` has more than `limit` tokens; syntax errors are left to the parser. */
export function exceedsTokenLimit(query: string, limit: number): boolean {
  if (query.length <= limit) return false;
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > limit) return true;
    }
  } catch {
    return false; // a lexing error: the parser reports it as GRAPHQL_PARSE_FAILED
  }
  return false;
}

/**
 * `exceedsTokenLimit` that remembers the documents it found within the limit: a client resending the same
 * long document (inline instances, say) is not lexed again, as Apollo does not parse it again either.
 * Only documents longer than `limit` characters are ever lexed, hence remembered; at most `maxChars` of
 * them in all (then the memory starts afresh). `lexed` counts the documents actually lexed.
 */
export function createTokenLimit(limit: number, { maxChars = 8_000_000 }: { maxChars?: number } = {}) {
  let within = new Set<string>();
  let chars = 0;
  const check = {
    lexed: 0,
    exceeds(query: string): boolean {
      if (query.length <= limit || within.has(query)) return false;
      check.lexed += 1;
      if (exceedsTokenLimit(query, limit)) return true;
      if (chars + query.length > maxChars) {
        within = new Set();
        chars = 0;
      }
      within.add(query);
      chars += query.length;
      return false;
    },
  };
  return check;
}
