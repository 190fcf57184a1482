/**
 * The synthetic movie catalog behind the bundled `movie-recommender`: 600 movies with titles made from
 * word lists (flavoured by each movie's main genre), a year, 1-3 genres, and two latent facts that only
 * the rating simulation sees: `quality` (how much raters like it beyond their taste) and `popularity`
 * (how often it gets watched and rated). Deterministic for a given `Random`.
 */
import type { Random } from '../lib/random.js';

export const GENRES = [
  'Action',
  'Adventure',
  'Animation',
  'Biography',
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Family',
  'Fantasy',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
] as const;
export type Genre = (typeof GENRES)[number];

/** One catalog entry plus the latent facts the rating simulation uses (never written to movies.json). */
export interface SyntheticMovie {
  id: string;
  title: string;
  year: number;
  genres: Genre[];
  /** Latent appeal to everyone, standard deviation about 0.5. */
  quality: number;
  /** Latent relative chance of being watched (positive, heavy-tailed). */
  popularity: number;
}

export const CATALOG_SIZE = 600;

// How often each genre is tagged, relative to the others (drama and comedy are everywhere, westerns rare).
const GENRE_WEIGHT: Record<Genre, number> = {
  Action: 9,
  Adventure: 7,
  Animation: 4,
  Biography: 3,
  Comedy: 12,
  Crime: 7,
  Documentary: 3,
  Drama: 14,
  Family: 4,
  Fantasy: 5,
  Horror: 6,
  Musical: 2,
  Mystery: 5,
  Romance: 8,
  'Sci-Fi': 6,
  Thriller: 8,
  War: 3,
  Western: 2,
};

// Genre pairs that go together more often than chance, so the catalog is not pure noise.
const COMPANIONS: Partial<Record<Genre, Genre[]>> = {
  Animation: ['Family', 'Comedy', 'Adventure', 'Fantasy'],
  Family: ['Animation', 'Comedy', 'Adventure'],
  Horror: ['Thriller', 'Mystery'],
  Thriller: ['Crime', 'Mystery', 'Horror'],
  Crime: ['Drama', 'Thriller'],
  'Sci-Fi': ['Action', 'Adventure', 'Thriller'],
  Action: ['Adventure', 'Sci-Fi', 'Thriller'],
  War: ['Drama', 'Action', 'Biography'],
  Biography: ['Drama', 'Documentary'],
  Musical: ['Romance', 'Comedy', 'Drama'],
  Romance: ['Comedy', 'Drama'],
  Western: ['Action', 'Drama', 'Adventure'],
};

const GENERIC_ADJECTIVES = [
  'Silent',
  'Golden',
  'Broken',
  'Hidden',
  'Last',
  'Lost',
  'Burning',
  'Quiet',
  'Endless',
  'Bright',
  'Distant',
  'Crimson',
  'Hollow',
  'Restless',
  'Secret',
  'Wild',
  'Fading',
  'Northern',
  'Second',
  'Paper',
  'Glass',
  'Iron',
];
const GENERIC_NOUNS = [
  'River',
  'Summer',
  'City',
  'Road',
  'Promise',
  'Window',
  'Harbor',
  'Garden',
  'Winter',
  'Letter',
  'Bridge',
  'Station',
  'Island',
  'Mirror',
  'Horizon',
  'Season',
  'Crossing',
  'Valley',
  'Lighthouse',
  'Echo',
  'Signal',
  'Orchard',
];
const GENRE_WORDS: Record<Genre, { adjectives: string[]; nouns: string[] }> = {
  Action: { adjectives: ['Rapid', 'Deadly', 'Steel', 'Rogue'], nouns: ['Strike', 'Pursuit', 'Impact', 'Fury', 'Target'] },
  Adventure: { adjectives: ['Uncharted', 'Forgotten', 'Far'], nouns: ['Expedition', 'Quest', 'Treasure', 'Jungle', 'Voyage'] },
  Animation: { adjectives: ['Tiny', 'Magic', 'Jolly'], nouns: ['Fox', 'Robot', 'Balloon', 'Dragonfly', 'Kingdom'] },
  Biography: { adjectives: ['True', 'Unlikely', 'Remarkable'], nouns: ['Life', 'Portrait', 'Legacy', 'Years', 'Story'] },
  Comedy: { adjectives: ['Crazy', 'Awkward', 'Lucky', 'Clumsy'], nouns: ['Wedding', 'Weekend', 'Roommates', 'Vacation', 'Mixup'] },
  Crime: { adjectives: ['Dirty', 'Cold', 'Crooked'], nouns: ['Heist', 'Syndicate', 'Alibi', 'Witness', 'Racket'] },
  Documentary: { adjectives: ['Inside', 'Hidden', 'Living'], nouns: ['Planet', 'Ocean', 'Machine', 'Frontier', 'Archive'] },
  Drama: { adjectives: ['Fragile', 'Tender', 'Bitter'], nouns: ['Family', 'Inheritance', 'Silence', 'Homecoming', 'Years'] },
  Family: { adjectives: ['Little', 'Brave', 'Happy'], nouns: ['Puppy', 'Treehouse', 'Holiday', 'Pony', 'Camp'] },
  Fantasy: { adjectives: ['Enchanted', 'Cursed', 'Ancient'], nouns: ['Sword', 'Crown', 'Sorcerer', 'Realm', 'Prophecy'] },
  Horror: { adjectives: ['Haunted', 'Bloody', 'Wicked', 'Dead'], nouns: ['Night', 'Cellar', 'Possession', 'Ritual', 'Asylum'] },
  Musical: { adjectives: ['Singing', 'Dancing', 'Sweet'], nouns: ['Melody', 'Chorus', 'Broadway', 'Serenade', 'Ballroom'] },
  Mystery: { adjectives: ['Missing', 'Curious', 'Vanishing'], nouns: ['Clue', 'Riddle', 'Manor', 'Cipher', 'Detective'] },
  Romance: { adjectives: ['Sweet', 'Lovesick', 'Tender'], nouns: ['Heart', 'Kiss', 'Affair', 'Sweetheart', 'Proposal'] },
  'Sci-Fi': { adjectives: ['Quantum', 'Stellar', 'Synthetic', 'Orbital'], nouns: ['Galaxy', 'Android', 'Nebula', 'Colony', 'Paradox'] },
  Thriller: { adjectives: ['Fatal', 'Dark', 'Twisted'], nouns: ['Conspiracy', 'Hostage', 'Deadline', 'Stranger', 'Trap'] },
  War: { adjectives: ['Fallen', 'Final', 'Frozen'], nouns: ['Battalion', 'Front', 'Trenches', 'Siege', 'Armistice'] },
  Western: { adjectives: ['Dusty', 'Lonesome', 'Outlaw'], nouns: ['Frontier', 'Saloon', 'Rider', 'Canyon', 'Sheriff'] },
};
const PLACES = ['Paris', 'Tokyo', 'Cairo', 'Memphis', 'Lisbon', 'Havana', 'Berlin', 'Montana', 'Bombay', 'Vienna', 'Alaska'];
const NAMES = ['Rosa', 'Harry', 'Ingrid', 'Duke', 'Mabel', 'Oscar', 'Nina', 'Jack', 'Lena', 'Walter', 'Iris', 'Theo'];

export function generateCatalog(random: Random, size = CATALOG_SIZE): SyntheticMovie[] {
  const titles = new Set<string>();
  const movies: SyntheticMovie[] = [];
  for (let i = 0; i < size; i += 1) {
    const genres = pickGenres(random);
    let title = makeTitle(random, genres[0]);
    // Collisions are rare; retry, then fall back to a sequel number, which keeps titles unique for sure.
    for (let attempt = 0; titles.has(title) && attempt < 20; attempt += 1) title = makeTitle(random, genres[0]);
    for (let sequel = 2; titles.has(title); sequel += 1) title = `${title.replace(/ \d+$/, '')} ${sequel}`;
    titles.add(title);
    // Years lean recent, like any catalog: 2025 minus a skewed offset of up to 75 years.
    const year = 2025 - Math.floor(75.999 * random.next() ** 1.7);
    const quality = random.normal(0, 0.5);
    const recency = (year - 1990) / 35;
    const popularity = Math.exp(0.9 * quality + 0.4 * recency + random.normal(0, 0.9));
    movies.push({ id: `m${String(i + 1).padStart(4, '0')}`, title, year, genres, quality, popularity });
  }
  return movies;
}

/** Catalog rows as written to movies.json (no latent facts). */
export function catalogJson(movies: readonly SyntheticMovie[]): string {
  const rows = movies.map(({ id, title, year, genres }) => `    ${JSON.stringify({ id, title, year, genres })}`);
  return `{\n  "movies": [\n${rows.join(',\n')}\n  ]\n}\n`;
}

function pickGenres(random: Random): Genre[] {
  const u = random.next();
  const count = u < 0.4 ? 1 : u < 0.8 ? 2 : 3;
  const first = weightedPick(random, GENRES, (g) => GENRE_WEIGHT[g]);
  const genres: Genre[] = [first];
  while (genres.length < count) {
    const companions = (COMPANIONS[genres[0]] ?? []).filter((g) => !genres.includes(g));
    const next =
      companions.length > 0 && random.next() < 0.6
        ? random.pick(companions)
        : weightedPick(random, GENRES, (g) => (genres.includes(g) ? 0 : GENRE_WEIGHT[g]));
    genres.push(next);
  }
  return genres;
}

function weightedPick<T>(random: Random, items: readonly T[], weight: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let target = random.next() * total;
  for (const item of items) {
    target -= weight(item);
    if (target < 0) return item;
  }
  return items[items.length - 1];
}

function makeTitle(random: Random, genre: Genre): string {
  const flavour = GENRE_WORDS[genre];
  const adjective = () => (random.next() < 0.6 ? random.pick(flavour.adjectives) : random.pick(GENERIC_ADJECTIVES));
  const noun = () => (random.next() < 0.6 ? random.pick(flavour.nouns) : random.pick(GENERIC_NOUNS));
  switch (random.int(7)) {
    case 0:
      return `The ${adjective()} ${noun()}`;
    case 1:
      return `${noun()} of the ${random.pick(GENERIC_NOUNS)}`;
    case 2:
      return `${adjective()} ${noun()}`;
    case 3:
      return `${random.pick(NAMES)}'s ${noun()}`;
    case 4: {
      const thing = noun();
      return `${/^[AEIOU]/.test(thing) ? 'An' : 'A'} ${thing} in ${random.pick(PLACES)}`;
    }
    case 5:
      return `${noun()} and ${random.pick(GENERIC_NOUNS)}`;
    default:
      return `The ${noun()}`;
  }
}
