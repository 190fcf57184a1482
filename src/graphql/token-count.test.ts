import { describe, expect, it } from 'vitest';
import { createTokenLimit, exceedsTokenLimit } from './token-count.js';

describe('exceedsTokenLimit', () => {
  it('counts tokens, not characters', () => {
    expect(exceedsTokenLimit('{ a b c }', 5)).toBe(false); // 5 tokens in 9 characters
    expect(exceedsTokenLimit('{ a b c d }', 5)).toBe(true);
    expect(exceedsTokenLimit(`{ f(s: "${'x'.repeat(1000)}") }`, 10)).toBe(false); // one long string is one token
  });

  it('leaves syntax errors to the parser', () => {
    expect(exceedsTokenLimit(`{ "unterminated ${'a '.repeat(50)}`, 10)).toBe(false);
  });
});

describe('createTokenLimit', () => {
  it('lexes a long document once when it is within the limit, every time when it is not', () => {
    const limit = createTokenLimit(10, { maxChars: 100 });
    const long = `{ f(s: "${'x'.repeat(40)}") }`;
    const tooMany = '{ a b c d e f g h i j k }';
    expect([limit.exceeds(long), limit.exceeds(long), limit.exceeds('{ a }')]).toEqual([false, false, false]);
    expect(limit.lexed).toBe(1);
    expect([limit.exceeds(tooMany), limit.exceeds(tooMany)]).toEqual([true, true]);
    expect(limit.lexed).toBe(3);
  });

  it('forgets what it remembered beyond maxChars', () => {
    const limit = createTokenLimit(10, { maxChars: 60 });
    const a = `{ f(s: "${'a'.repeat(40)}") }`;
    const b = `{ f(s: "${'b'.repeat(40)}") }`;
    for (const query of [a, b, a]) expect(limit.exceeds(query)).toBe(false);
    expect(limit.lexed).toBe(3);
  });
});
