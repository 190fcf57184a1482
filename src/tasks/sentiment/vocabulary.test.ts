import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Vocabulary } from './vocabulary.js';

const dir = mkdtempSync(join(tmpdir(), 'vocabulary-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, contents: string): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

describe('Vocabulary', () => {
  it('maps tokens to their positions and knows its longest phrase', async () => {
    const vocabulary = Vocabulary.load(file('ok.json', JSON.stringify({ tokens: ['[PAD]', '[UNK]', 'good', 'fed up', 'NOT_good'] })));
    expect(vocabulary.size).toBe(5);
    expect(vocabulary.idOf('good')).toBe(2);
    expect(vocabulary.idOf('NOT_good')).toBe(4);
    expect(vocabulary.idOf('missing')).toBeUndefined();
    expect(vocabulary.maxPhraseWords).toBe(2);
  });

  it('names the file when it cannot be read or parsed', () => {
    const missing = join(dir, 'missing.json');
    expect(() => Vocabulary.load(missing)).toThrow(`vocabulary ${missing}: cannot be read`);
    const broken = file('broken.json', '{"tokens": [');
    expect(() => Vocabulary.load(broken)).toThrow(`vocabulary ${broken}: must be valid JSON`);
  });

  it('names the file and the field for invalid contents', () => {
    const cases: [unknown, string][] = [
      [[], 'vocabulary v.json: must be a JSON object with a "tokens" array, but got an array'],
      [{}, 'vocabulary v.json: field "tokens" must be an array of strings, but got nothing'],
      [{ tokens: 'abc' }, 'vocabulary v.json: field "tokens" must be an array of strings, but got string'],
      [{ tokens: ['[PAD]'] }, 'vocabulary v.json: field "tokens" must hold at least "[PAD]" and "[UNK]", but got 1 token(s)'],
      [{ tokens: ['[PAD]', '[UNK]', 7] }, 'vocabulary v.json: field "tokens[2]" must be a non-empty string, but got 7'],
      [{ tokens: ['[PAD]', '[UNK]', ''] }, 'vocabulary v.json: field "tokens[2]" must be a non-empty string, but got ""'],
      [
        { tokens: ['[PAD]', '[UNK]', 'good', 'good'] },
        'vocabulary v.json: field "tokens[3]" must not repeat a token, but got "good" again',
      ],
      [{ tokens: ['[UNK]', '[PAD]'] }, 'vocabulary v.json: field "tokens[0]" must be "[PAD]", but got "[UNK]"'],
      [{ tokens: ['[PAD]', 'good'] }, 'vocabulary v.json: field "tokens[1]" must be "[UNK]", but got "good"'],
    ];
    for (const [json, message] of cases) expect(() => Vocabulary.fromJson(json, 'v.json')).toThrow(message);
  });
});
