/**
 * The `lexicon-words` tokenizer: turns a text into vocabulary ids and per-token weights for the sentiment
 * model, whose ONNX graph sums `weight × embedding` over the tokens. The rules follow VADER (Hutto &
 * Gilbert, 2014) in spirit, expressed as weights and `NOT_` tokens instead of valence arithmetic:
 *
 * - words are lower-cased, apostrophes normalised (’ → '), contractions kept whole ("didn't");
 * - lexicon phrases ("can't stand", "fed up") win over single words, longest first;
 * - a negator ("not", "never", "didn't", "without", ...) turns the next `NEGATION_WINDOW` words, up to the
 *   next punctuation mark or "but", into `NOT_<word>` tokens (their embedding is the flipped, dampened valence);
 * - an intensifier ("very") or dampener ("slightly", "kind of") scales the next lexicon word's weight;
 * - with "but", tokens before the last "but" weigh `BUT_BEFORE` and tokens after it `BUT_AFTER`;
 * - exclamation marks boost their sentence a little, and so does an ALL-CAPS word in a text that is not all caps.
 *
 * Pure functions: the vocabulary is passed in as a `TokenLookup`.
 */

export const PAD_TOKEN = '[PAD]';
export const UNK_TOKEN = '[UNK]';
export const PAD_ID = 0;
export const UNK_ID = 1;
/** Prefix of a negated lexicon entry; upper case, so it never collides with a (lower-cased) word. */
export const NEGATED_PREFIX = 'NOT_';

/** Words after a negator that are negated (VADER looks three words back). */
export const NEGATION_WINDOW = 3;
/** How many non-lexicon words an intensifier's or dampener's effect may skip to reach a lexicon word. */
export const MODIFIER_REACH = 2;
export const BUT_BEFORE = 0.5;
export const BUT_AFTER = 1.5;
/** Weight gained per exclamation mark ending a sentence, for at most `MAX_EXCLAMATIONS` marks. */
export const EXCLAMATION_BOOST = 0.1;
export const MAX_EXCLAMATIONS = 3;
/** Weight factor for an ALL-CAPS lexicon word in a text that also has words not in capitals. */
export const SHOUT_BOOST = 1.25;
/** Floor for a weight lowered by stacked dampeners, so a real token never looks like padding. */
export const MIN_WEIGHT = 0.1;

/** Negators without the "n't" ending (every word ending in "n't" negates too). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not',
  'no',
  'never',
  'none',
  'nobody',
  'nothing',
  'nowhere',
  'neither',
  'nor',
  'nope',
  'cannot',
  'without',
  'hardly',
  'barely',
  'scarcely',
  'rarely',
  'seldom',
  // the same contractions written without an apostrophe
  'aint',
  'arent',
  'cant',
  'couldnt',
  'didnt',
  'doesnt',
  'dont',
  'hadnt',
  'hasnt',
  'havent',
  'isnt',
  'mightnt',
  'mustnt',
  'neednt',
  'shant',
  'shouldnt',
  'wasnt',
  'werent',
  'wont',
  'wouldnt',
]);

/** Intensifiers (positive) and dampeners (negative): added to the next lexicon word's weight of 1. */
export const MODIFIERS: ReadonlyMap<string, number> = new Map([
  ...[
    'very',
    'really',
    'so',
    'extremely',
    'incredibly',
    'absolutely',
    'totally',
    'completely',
    'utterly',
    'highly',
    'truly',
    'deeply',
    'especially',
    'particularly',
    'remarkably',
    'exceptionally',
    'insanely',
    'unbelievably',
    'thoroughly',
    'entirely',
    'hugely',
    'enormously',
    'most',
    'quite',
    'such',
    'so much',
    'way too',
  ].map((word): [string, number] => [word, 0.3]),
  ...[
    'slightly',
    'somewhat',
    'kind of',
    'sort of',
    'kinda',
    'sorta',
    'a bit',
    'a little',
    'a little bit',
    'fairly',
    'mildly',
    'marginally',
    'partly',
    'moderately',
    'a tad',
  ].map((word): [string, number] => [word, -0.3]),
]);
const MODIFIER_MAX_WORDS = Math.max(...[...MODIFIERS.keys()].map((phrase) => phrase.split(' ').length));

/** The contrast word whose clause outweighs the one before it. */
export const CONTRAST_WORD = 'but';

/** What the tokenizer needs of the vocabulary. */
export interface TokenLookup {
  idOf(token: string): number | undefined;
  /** Words in the longest phrase entry (1 if the vocabulary holds single words only). */
  readonly maxPhraseWords: number;
}

export interface TokenizedText {
  /** Vocabulary tokens (`[UNK]` for words outside it, `NOT_x` for negated entries). */
  tokens: string[];
  /** The text's words (or phrase) behind each token, lower-cased. */
  words: string[];
  ids: number[];
  /** Per-token weights; 0 only for the single `[PAD]` token of a text without words. */
  weights: number[];
  /** True when words were dropped after `maxTokens`. */
  truncated: boolean;
}

export type Piece = { kind: 'word'; text: string; shouted: boolean } | { kind: 'break'; sentenceEnd: boolean; exclamations: number };

/** Unicode compatibility normalisation plus one apostrophe for the many look-alikes. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').replace(/[\u2018\u2019\u201B\u2032\u02BC\u0060\u00B4]/g, "'");
}

// A number with inner separators ("4.5", "6:45"), a word with inner apostrophes or hyphens, a run of
// sentence-ending punctuation, or a run of clause-breaking punctuation. Anything else (spaces, quotes,
// symbols, emoji) separates words without breaking a clause.
const PIECE_PATTERN =
  /(\p{N}+(?:[.,:/]\p{N}+)+)|([\p{L}\p{M}\p{N}]+(?:['-][\p{L}\p{M}\p{N}]+)*)|([.!?\u2026\u203C\u2047-\u2049\u3002\uFF01\uFF1F]+)|([,;:()[\]{}\u00A1\u00BF\u2010-\u2015\u3001\uFF0C\uFF1B\uFF1A-]+)/gu;

/** Splits a text into words (lower-cased, with an ALL-CAPS flag) and punctuation breaks. */
export function splitPieces(text: string): Piece[] {
  const pieces: Piece[] = [];
  for (const match of normalizeText(text).matchAll(PIECE_PATTERN)) {
    const [, number, word, sentenceEnd] = match;
    if (number !== undefined) pieces.push({ kind: 'word', text: number, shouted: false });
    else if (word !== undefined) pieces.push({ kind: 'word', text: word.toLowerCase(), shouted: isShouted(word) });
    else if (sentenceEnd !== undefined) pieces.push({ kind: 'break', sentenceEnd: true, exclamations: countExclamations(sentenceEnd) });
    else pieces.push({ kind: 'break', sentenceEnd: false, exclamations: 0 });
  }
  return pieces;
}

export function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't");
}

/**
 * Tokenizes a text for the sentiment model. Stops after `maxTokens` tokens (one per word or phrase);
 * a text without any word gives the single token `[PAD]` with weight 0.
 */
export function tokenize(text: string, lookup: TokenLookup, maxTokens: number): TokenizedText {
  const pieces = splitUnknownHyphenated(splitPieces(text), lookup);
  // Capitals only stand out in a text that is not all capitals (one-letter words like "I" do not count).
  const mixedCase = pieces.some((p) => p.kind === 'word' && !p.shouted && letterCount(p.text) >= 2);
  const out: TokenizedText = { tokens: [], words: [], ids: [], weights: [], truncated: false };
  const emit = (token: string, id: number, word: string, weight: number) => {
    out.tokens.push(token);
    out.ids.push(id);
    out.words.push(word);
    out.weights.push(weight);
  };

  let negationLeft = 0;
  let boost = 0;
  let boostLeft = 0;
  let lastBut = -1;
  let sentenceStart = 0;
  let i = 0;
  while (i < pieces.length) {
    const piece = pieces[i];
    if (piece.kind === 'break') {
      negationLeft = 0;
      boost = 0;
      boostLeft = 0;
      if (piece.sentenceEnd) {
        scale(out.weights, sentenceStart, out.weights.length, 1 + EXCLAMATION_BOOST * Math.min(piece.exclamations, MAX_EXCLAMATIONS));
        sentenceStart = out.weights.length;
      }
      i += 1;
      continue;
    }
    if (out.tokens.length >= maxTokens) {
      out.truncated = true;
      break;
    }
    const run = wordRun(pieces, i, Math.max(lookup.maxPhraseWords, MODIFIER_MAX_WORDS));

    // Lexicon phrases first ("can't stand"), then modifiers ("kind of", before the entry "kind"), then words.
    const phrase = matchLexiconPhrase(run, lookup);
    const modifier = phrase ? undefined : matchModifier(run);
    const entry = phrase ?? (modifier ? undefined : matchLexiconWord(run[0].text, lookup));
    if (entry) {
      const negated = negationLeft > 0;
      const token = negated ? NEGATED_PREFIX + entry.token : entry.token;
      const id = lookup.idOf(token) ?? UNK_ID;
      const shout = mixedCase && run.slice(0, entry.words).every((w) => w.shouted) ? SHOUT_BOOST : 1;
      emit(id === UNK_ID ? UNK_TOKEN : token, id, joinWords(run, entry.words), Math.max(MIN_WEIGHT, 1 + boost) * shout);
      boost = 0;
      boostLeft = 0;
      const opensNegation = entry.words > 1 && run.slice(0, entry.words).some((w) => isNegator(w.text));
      negationLeft = opensNegation ? NEGATION_WINDOW : Math.max(0, negationLeft - entry.words);
      i += entry.words;
    } else if (modifier) {
      // Each word of a modifier phrase still takes a token, so truncation counts words alike.
      const room = maxTokens - out.tokens.length;
      for (let w = 0; w < Math.min(modifier.words, room); w += 1) emit(UNK_TOKEN, UNK_ID, run[w].text, 1);
      if (modifier.words > room) {
        out.truncated = true;
        break;
      }
      boost += modifier.delta;
      boostLeft = MODIFIER_REACH + 1;
      negationLeft = Math.max(0, negationLeft - modifier.words);
      i += modifier.words;
    } else {
      const word = run[0].text;
      if (word === CONTRAST_WORD) {
        lastBut = out.tokens.length;
        negationLeft = 0;
        boost = 0;
        boostLeft = 0;
      } else if (isNegator(word)) {
        negationLeft = NEGATION_WINDOW + 1; // +1: the negator's own step below
      }
      emit(UNK_TOKEN, UNK_ID, word, 1);
      negationLeft = Math.max(0, negationLeft - 1);
      boostLeft = Math.max(0, boostLeft - 1);
      if (boostLeft === 0) boost = 0;
      i += 1;
    }
  }

  if (lastBut >= 0) {
    scale(out.weights, 0, lastBut, BUT_BEFORE);
    scale(out.weights, lastBut + 1, out.weights.length, BUT_AFTER);
  }
  if (out.tokens.length === 0) emit(PAD_TOKEN, PAD_ID, '', 0);
  return out;
}

function letterCount(word: string): number {
  return word.replace(/[^\p{L}]/gu, '').length;
}

function isShouted(word: string): boolean {
  const letters = word.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

function countExclamations(run: string): number {
  let count = 0;
  for (const ch of run) {
    if (ch === '!' || ch === '\uFF01' || ch === '\u2048' || ch === '\u2049') count += 1;
    else if (ch === '\u203C') count += 2;
  }
  return count;
}

type WordPiece = Extract<Piece, { kind: 'word' }>;

// A hyphenated word outside the vocabulary ("over-cooked", "well-made") is read as its parts.
function splitUnknownHyphenated(pieces: Piece[], lookup: TokenLookup): Piece[] {
  return pieces.flatMap((piece): Piece[] => {
    if (piece.kind !== 'word' || !piece.text.includes('-') || lookup.idOf(piece.text) !== undefined) return [piece];
    return piece.text.split('-').map((text) => ({ kind: 'word', text, shouted: piece.shouted }));
  });
}

// Up to `max` consecutive words starting at `start`, stopping at punctuation.
function wordRun(pieces: Piece[], start: number, max: number): WordPiece[] {
  const run: WordPiece[] = [];
  for (let i = start; i < pieces.length && run.length < max; i += 1) {
    const piece = pieces[i];
    if (piece.kind !== 'word') break;
    run.push(piece);
  }
  return run;
}

function joinWords(run: WordPiece[], count: number): string {
  return run
    .slice(0, count)
    .map((w) => w.text)
    .join(' ');
}

function matchLexiconPhrase(run: WordPiece[], lookup: TokenLookup): { token: string; words: number } | undefined {
  for (let n = Math.min(run.length, lookup.maxPhraseWords); n >= 2; n -= 1) {
    const phrase = joinWords(run, n);
    if (lookup.idOf(phrase) !== undefined) return { token: phrase, words: n };
  }
  return undefined;
}

// Negators, modifiers and "but" are never read as lexicon words, even when the lexicon lists them.
function matchLexiconWord(word: string, lookup: TokenLookup): { token: string; words: number } | undefined {
  if (isNegator(word) || word === CONTRAST_WORD || MODIFIERS.has(word)) return undefined;
  if (lookup.idOf(word) !== undefined) return { token: word, words: 1 };
  // "movie's", "they're", "I'd": try the word without its clitic.
  const clitic = /^(.+)'(?:s|re|ve|ll|d|m)$/.exec(word);
  if (clitic && lookup.idOf(clitic[1]) !== undefined) return { token: clitic[1], words: 1 };
  return undefined;
}

function matchModifier(run: WordPiece[]): { delta: number; words: number } | undefined {
  for (let n = Math.min(run.length, MODIFIER_MAX_WORDS); n >= 1; n -= 1) {
    const delta = MODIFIERS.get(joinWords(run, n));
    if (delta !== undefined) return { delta, words: n };
  }
  return undefined;
}

function scale(weights: number[], from: number, to: number, factor: number): void {
  for (let t = from; t < to; t += 1) weights[t] *= factor;
}
