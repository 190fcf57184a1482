import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTACK, attackBody, attackFromEnv } from './sentiment-attack.js';

describe('section 10: the attack body', () => {
  it('defaults to the issue-14 request: 256 distinct texts of 5,000 characters shared by 16 aliases', () => {
    expect(attackFromEnv('')).toEqual(DEFAULT_ATTACK);
    const parsed = JSON.parse(attackBody(DEFAULT_ATTACK)) as { query: string; variables: { texts: string[] } };
    expect(parsed.query.match(/classifySentiments\(texts: \$texts\) \{ label score \}/g)).toHaveLength(16);
    expect(parsed.variables.texts).toHaveLength(256);
    expect(new Set(parsed.variables.texts).size).toBe(256);
    expect(parsed.variables.texts.every((text) => text.length === 5_000)).toBe(true);
  });

  it('reads BENCH_ATTACK, and builds a batched array of operations with texts of their own', () => {
    const shape = attackFromEnv('texts=3 chars=40 aliases=1 operations=2 fields=text,label nice=0');
    expect(shape).toEqual({ texts: 3, chars: 40, aliases: 1, operations: 2, fields: ['text', 'label'], nice: 0 });
    const operations = JSON.parse(attackBody(shape)) as { query: string; variables: { texts: string[] } }[];
    expect(operations).toHaveLength(2);
    expect(operations[0].query).toContain('a0: classifySentiments(texts: $texts) { text label }');
    expect(new Set(operations.flatMap((o) => o.variables.texts)).size).toBe(6);
  });

  it('refuses what it cannot read', () => {
    expect(() => attackFromEnv('texts=0')).toThrow('BENCH_ATTACK must hold texts=N, chars=N, aliases=N, operations=N (positive integers), nice=0-19 or fields=a,b, but got "texts=0"');
    expect(() => attackFromEnv('nice=20')).toThrow('but got "nice=20"');
    expect(() => attackFromEnv('speed=2')).toThrow('but got "speed=2"');
  });
});
