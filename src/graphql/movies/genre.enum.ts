/**
 * The Genre enum: the genres of the recommender's movie catalog, which only the catalog knows, so the
 * enum is built with each schema from the genres it is given (value `SCI_FI`, described as "Sci-Fi").
 * Resolvers see the catalog's spelling ("Sci-Fi"), in arguments and in `Movie.genres`.
 *
 * type-graphql reads a field's type from a decorator written once per class, so the genre fields ask
 * `genreType()` for the enum of the schema being built: `withGenreEnum` sets it around one synchronous
 * build. Without genres (no catalog could be read) the fields stay `String`, and the catalog checks
 * every genre a caller sends.
 */
import { registerValueEnum } from '../value-enum.js';

type GenreEnum = Record<string, string>;

/** One registered enum per distinct genre list (type-graphql keeps every registration for good). */
const registered = new Map<string, GenreEnum>();
let building: GenreEnum | undefined;

/** The type of one genre in the schema being built: the Genre enum, or String without genres. */
export function genreType(): GenreEnum | StringConstructor {
  return building ?? String;
}

/** Runs a synchronous schema build whose genre fields are a Genre enum of `genres` (String when there are none). */
export function withGenreEnum<T>(genres: readonly string[] | undefined, build: () => T): T {
  building = genres && genres.length > 0 ? genreEnum(genres) : undefined;
  try {
    return build();
  } finally {
    building = undefined;
  }
}

function genreEnum(genres: readonly string[]): GenreEnum {
  const key = JSON.stringify(genres);
  let found = registered.get(key);
  if (!found) {
    found = registerValueEnum(
      'Genre',
      "A genre of the recommender's movie catalog; each value's description is the genre as the catalog spells it.",
      Object.fromEntries(genres.map((genre) => [genre, genre])),
    );
    registered.set(key, found);
  }
  return found;
}
