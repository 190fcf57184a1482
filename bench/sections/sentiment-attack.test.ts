import { describe, expect, it } from 'vitest';
import { attackBody, attackFromEnv, DEFAULT_ATTACK } from './sentiment-attack.js';

describe('section 11: the attack body', () => {
  it('defaults to the largest request the character caps allow: two operations of 256 distinct 5,000-character texts', () => {
    expect(attackFromEnv('')).toEqual(DEFAULT_ATTACK);
    const operations = JSON.parse(attackBody(DEFAULT_ATTACK)) as { query: string; variables: { texts: string[] } }[];
    expect(operations).toHaveLength(2);
    for (const operation of operations) {
      expect(operation.query.match(/classifySentiments\(texts: \$texts\) \{ label score \}/g)).toHaveLength(1);
      expect(operation.variables.texts).toHaveLength(256);
      expect(operation.variables.texts.every((text) => text.length === 5_000)).toBe(true);
    }
    expect(new Set(operations.flatMap((operation) => operation.variables.texts)).size).toBe(512);
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
    expect(() => attackFromEnv('texts=0')).toThrow(
      'BENCH_ATTACK must hold texts=N, chars=N, aliases=N, operations=N (positive integers), nice=0-19 or fields=a,b, but got "texts=0"',
    );
    expect(() => attackFromEnv('nice=20')).toThrow('but got "nice=20"');
    expect(() => attackFromEnv('speed=2')).toThrow('but got "speed=2"');
  });
});
