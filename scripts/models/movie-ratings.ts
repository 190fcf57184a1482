/**
 * Synthetic users and their ratings of the synthetic catalog, from latent tastes: each user has a taste
 * per genre (a few loved, a few disliked, the rest mild) and a rating propensity. Users watch what is
 * popular and what suits their taste; a rating is a noisy function of taste, the movie's latent quality
 * and the user's propensity, rounded to half stars in 0.5..5. Deterministic for a given `Random`.
 */
import type { Random } from '../lib/random.js';
import { GENRES, type SyntheticMovie } from './movie-catalog.js';

export interface Rating {
  user: number;
  /** Row of the catalog (0-based). */
  item: number;
  rating: number;
}

export interface SimulationOptions {
  users: number;
  minRatingsPerUser: number;
  maxRatingsPerUser: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = { users: 3_000, minRatingsPerUser: 20, maxRatingsPerUser: 80 };

// Weights of the rating's latent terms, and the noise around them.
const BASE_RATING = 3.3;
const TASTE_WEIGHT = 0.9;
const QUALITY_WEIGHT = 0.8;
const RATING_NOISE = 0.55;
// How strongly taste steers which movies a user watches (popularity steers the rest).
const TASTE_SELECTION = 1.2;

export function simulateRatings(random: Random, movies: readonly SyntheticMovie[], options = DEFAULT_SIMULATION): Rating[] {
  const genreIndex = new Map<string, number>(GENRES.map((g, i) => [g, i]));
  const movieGenres = movies.map((m) => m.genres.map((g) => genreIndex.get(g) as number));
  const ratings: Rating[] = [];
  for (let user = 0; user < options.users; user += 1) {
    const taste = userTaste(random);
    const propensity = random.normal(0, 0.4);
    const affinity = movieGenres.map((genres) => genres.reduce((sum, g) => sum + taste[g], 0) / genres.length);
    const count = options.minRatingsPerUser + random.int(options.maxRatingsPerUser - options.minRatingsPerUser + 1);
    // Weighted sampling without replacement (Efraimidis-Spirakis): the `count` largest log(u)/weight keys.
    const keys = movies.map((movie, item) => ({
      item,
      key: Math.log(1 - random.next()) / (movie.popularity * Math.exp(TASTE_SELECTION * affinity[item])),
    }));
    keys.sort((a, b) => b.key - a.key || a.item - b.item);
    const watched = keys
      .slice(0, count)
      .map((k) => k.item)
      .sort((a, b) => a - b);
    for (const item of watched) {
      const raw =
        BASE_RATING + propensity + TASTE_WEIGHT * affinity[item] + QUALITY_WEIGHT * movies[item].quality + random.normal(0, RATING_NOISE);
      ratings.push({ user, item, rating: Math.min(5, Math.max(0.5, Math.round(raw * 2) / 2)) });
    }
  }
  return ratings;
}

function userTaste(random: Random): Float64Array {
  const taste = Float64Array.from(GENRES, () => random.normal(0, 0.35));
  const order = random.shuffle(GENRES.map((_, i) => i));
  const loved = 2 + random.int(2);
  const disliked = 1 + random.int(2);
  for (const g of order.slice(0, loved)) taste[g] += random.uniform(0.8, 1.4);
  for (const g of order.slice(loved, loved + disliked)) taste[g] -= random.uniform(0.8, 1.4);
  return taste;
}

/** Per user, holds out a random `fraction` of their ratings (at least one) as the test split. */
export function splitPerUser(random: Random, ratings: readonly Rating[], fraction: number): { train: Rating[]; test: Rating[] } {
  const byUser = groupByUser(ratings);
  const train: Rating[] = [];
  const test: Rating[] = [];
  for (const userRatings of byUser.values()) {
    const shuffled = random.shuffle(userRatings.slice());
    const held = Math.max(1, Math.round(shuffled.length * fraction));
    test.push(...shuffled.slice(0, held));
    train.push(...shuffled.slice(held));
  }
  return { train, test };
}

export function groupByUser(ratings: readonly Rating[]): Map<number, Rating[]> {
  const byUser = new Map<number, Rating[]>();
  for (const r of ratings) {
    const list = byUser.get(r.user);
    if (list) list.push(r);
    else byUser.set(r.user, [r]);
  }
  return byUser;
}
