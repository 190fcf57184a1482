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
