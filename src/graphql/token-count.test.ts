import { describe, expect, it } from 'vitest';
import { exceedsTokenLimit } from './token-count.js';

describe('exceedsTokenLimit', () => {
  it('counts tokens, not characters', () => {
    expect(exceedsTokenLimit('{ a b c }', 5)).toBe(false); // 5 tokens in 9 characters
    expect(exceedsTokenLimit('{ a b c d }', 5)).toBe(true);
    expect(exceedsTokenLimit(`{ f(s: "${'x'.repeat(1000)}") }`, 10)).toBe(false); // one long string is one token
  });

  it('leaves syntax errors to the parser', () => {
    expect(exceedsTokenLimit('{ "unterminated ' + 'a '.repeat(50), 10)).toBe(false);
  });
});
