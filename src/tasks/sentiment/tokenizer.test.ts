import { describe, expect, it } from 'vitest';
import { BUT_AFTER, BUT_BEFORE, EXCLAMATION_BOOST, SHOUT_BOOST, splitPieces, tokenize } from './tokenizer.js';
import { Vocabulary } from './vocabulary.js';

// A small vocabulary shaped like the real one: specials, entries (one a phrase with a negator), negated entries.
const ENTRIES = ['good', 'bad', 'great', 'like', 'boring', 'kind', 'love', 'problems', "can't stand", 'fed up', 'well-being'];
const vocabulary = Vocabulary.fromJson(
  { tokens: ['[PAD]', '[UNK]', ...ENTRIES, ...ENTRIES.filter((e) => e !== 'great').map((e) => `NOT_${e}`)] },
  'test vocabulary',
);

const run = (text: string, maxTokens = 256) => tokenize(text, vocabulary, maxTokens);
/** The tokens that carry sentiment, with their weights. */
const lexical = (text: string) => {
  const result = run(text);
  return result.tokens.flatMap((token, i) => (token === '[UNK]' ? [] : [[token, Number(result.weights[i].toFixed(6))]]));
};

describe('splitting words', () => {
  it('lower-cases, normalises apostrophes and keeps contractions whole', () => {
    expect(run('I DIDN’T Like It').words).toEqual(['i', "didn't", 'like', 'it']);
    expect(run('It‘s ʼfine`').words).toEqual(["it's", 'fine']);
  });

  it('keeps numbers with separators and hyphenated words as one word', () => {
    expect(run('4.5 stars at 6:45, self-made').words).toEqual(['4.5', 'stars', 'at', '6:45', 'self', 'made']);
    expect(run('my well-being').tokens).toEqual(['[UNK]', 'well-being']);
  });

  it('reads an unknown hyphenated word as its parts', () => {
    expect(lexical('a super-good day')).toEqual([['good', 1]]);
  });

  it('applies Unicode compatibility normalisation (full-width letters and punctuation)', () => {
    expect(run('ｇｏｏｄ！').tokens).toEqual(['good']);
  });

  it('tells sentence ends from clause breaks and counts exclamation marks', () => {
    expect(splitPieces('a, b! c?! d… e — f')).toEqual([
      { kind: 'word', text: 'a', shouted: false },
      { kind: 'break', sentenceEnd: false, exclamations: 0 },
      { kind: 'word', text: 'b', shouted: false },
      { kind: 'break', sentenceEnd: true, exclamations: 1 },
      { kind: 'word', text: 'c', shouted: false },
      { kind: 'break', sentenceEnd: true, exclamations: 1 },
      { kind: 'word', text: 'd', shouted: false },
      { kind: 'break', sentenceEnd: true, exclamations: 0 },
      { kind: 'word', text: 'e', shouted: false },
      { kind: 'break', sentenceEnd: false, exclamations: 0 },
      { kind: 'word', text: 'f', shouted: false },
    ]);
  });

  it('gives one [PAD] token of weight 0 to a text without words', () => {
    expect(run('!!! ... 🙂')).toEqual({ tokens: ['[PAD]'], words: [''], ids: [0], weights: [0], truncated: false });
  });

  it('maps words outside the vocabulary to [UNK] (id 1) with weight 1', () => {
    const result = run('the movie starts at 8pm');
    expect(result.ids).toEqual([1, 1, 1, 1, 1]);
    expect(result.weights).toEqual([1, 1, 1, 1, 1]);
  });

  it('looks a word up without its clitic when the whole is unknown', () => {
    expect(lexical("love's labour")).toEqual([['love', 1]]);
  });
});

describe('lexicon phrases', () => {
  it('prefers a phrase to its single words', () => {
    const result = run("I can't stand it and I'm fed up");
    expect(result.tokens).toEqual(['[UNK]', "can't stand", '[UNK]', '[UNK]', '[UNK]', 'fed up']);
    expect(result.words[1]).toBe("can't stand");
  });

  it('does not join a phrase across punctuation', () => {
    expect(run('fed, up').tokens).toEqual(['[UNK]', '[UNK]']);
  });

  it('opens a negation window after a phrase that holds a negator', () => {
    expect(lexical("can't stand good food")).toEqual([
      ["can't stand", 1],
      ['NOT_good', 1],
    ]);
  });
});

describe('negation', () => {
  it('negates the word after "not", "never", n\'t-forms and apostrophe-less forms', () => {
    expect(lexical('this is not good')).toEqual([['NOT_good', 1]]);
    expect(lexical('never good')).toEqual([['NOT_good', 1]]);
    expect(lexical("I didn't like it")).toEqual([['NOT_like', 1]]);
    expect(lexical('I dont like it')).toEqual([['NOT_like', 1]]);
    expect(lexical('I cannot like it')).toEqual([['NOT_like', 1]]);
  });

  it('treats without, hardly, nobody, nothing, nor as negators', () => {
    expect(lexical('without any problems')).toEqual([['NOT_problems', 1]]);
    expect(lexical('hardly good')).toEqual([['NOT_good', 1]]);
    expect(lexical('nobody liked it, nothing good')).toEqual([['NOT_good', 1]]);
    expect(lexical('neither good nor bad')).toEqual([
      ['NOT_good', 1],
      ['NOT_bad', 1],
    ]);
  });

  it('reaches three words after the negator and no further', () => {
    expect(lexical('not at all good')).toEqual([['NOT_good', 1]]);
    expect(lexical('not at all that good')).toEqual([['good', 1]]);
  });

  it('negates every lexicon word inside the window', () => {
    expect(lexical('not good or bad')).toEqual([
      ['NOT_good', 1],
      ['NOT_bad', 1],
    ]);
  });

  it('stops at punctuation, including Unicode punctuation', () => {
    expect(lexical('not today, good')).toEqual([['good', 1]]);
    expect(lexical('not today… good')).toEqual([['good', 1]]);
    expect(lexical('not today — good')).toEqual([['good', 1]]);
    expect(lexical('not today; good')).toEqual([['good', 1]]);
  });

  it('stops at "but"', () => {
    expect(lexical('not bad but good')).toEqual([
      ['NOT_bad', BUT_BEFORE],
      ['good', BUT_AFTER],
    ]);
  });

  it('falls back to [UNK] when the vocabulary lacks the negated entry', () => {
    expect(run('not great').tokens).toEqual(['[UNK]', '[UNK]']);
  });

  it('does not read a negator as a lexicon word', () => {
    expect(run('no').tokens).toEqual(['[UNK]']);
  });
});

describe('intensifiers and dampeners', () => {
  it('raises the next lexicon word after an intensifier', () => {
    expect(lexical('very good')).toEqual([['good', 1.3]]);
    expect(lexical('extremely boring')).toEqual([['boring', 1.3]]);
    expect(lexical('really very good')).toEqual([['good', 1.6]]);
  });

  it('lowers it after a dampener, including phrases like "kind of" (not the entry "kind")', () => {
    expect(lexical('slightly bad')).toEqual([['bad', 0.7]]);
    expect(lexical('kind of boring')).toEqual([['boring', 0.7]]);
    expect(lexical('a kind man')).toEqual([['kind', 1]]);
  });

  it('skips at most two other words and applies to one lexicon word only', () => {
    expect(lexical('very much a good')).toEqual([['good', 1.3]]);
    expect(lexical('very much and then good')).toEqual([['good', 1]]);
    expect(lexical('very good and bad')).toEqual([
      ['good', 1.3],
      ['bad', 1],
    ]);
  });

  it('combines with negation', () => {
    expect(lexical('not very good')).toEqual([['NOT_good', 1.3]]);
  });

  it('ends at punctuation', () => {
    expect(lexical('very, good')).toEqual([['good', 1]]);
  });
});

describe('"but", exclamation marks and capitals', () => {
  it('weighs words before the last "but" less and after it more', () => {
    expect(lexical('good but bad')).toEqual([
      ['good', BUT_BEFORE],
      ['bad', BUT_AFTER],
    ]);
    expect(lexical('good but bad but great')).toEqual([
      ['good', BUT_BEFORE],
      ['bad', BUT_BEFORE],
      ['great', BUT_AFTER],
    ]);
  });

  it('boosts a sentence ending in exclamation marks, up to three of them', () => {
    expect(lexical('good!')).toEqual([['good', 1 + EXCLAMATION_BOOST]]);
    expect(lexical('good!!!!!')).toEqual([['good', 1 + 3 * EXCLAMATION_BOOST]]);
    expect(lexical('good. bad!')).toEqual([
      ['good', 1],
      ['bad', 1 + EXCLAMATION_BOOST],
    ]);
  });

  it('boosts an ALL-CAPS word only in a text that is not all capitals', () => {
    expect(lexical('this is GOOD')).toEqual([['good', SHOUT_BOOST]]);
    expect(lexical('I LOVE IT')).toEqual([['love', 1]]);
  });
});

describe('truncation', () => {
  it('keeps the first maxTokens tokens and says it dropped the rest', () => {
    const result = run('one two three good', 3);
    expect(result.words).toEqual(['one', 'two', 'three']);
    expect(result.truncated).toBe(true);
    expect(run('one two three', 3).truncated).toBe(false);
  });

  it('counts a phrase as one token and every word of a modifier phrase as one each', () => {
    expect(run("can't stand it", 2)).toMatchObject({ tokens: ["can't stand", '[UNK]'], truncated: false });
    expect(run('kind of good', 1)).toMatchObject({ words: ['kind'], truncated: true });
  });
});
