import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { genreType } from './genre.enum.js';

// simpleResolvers: these types are plain data, so graphql-js's default resolver reads each field;
// type-graphql would otherwise wrap every field in a resolver of its own (a closure and a call per value).
@ObjectType({ description: "A movie of the recommender's catalog.", simpleResolvers: true })
export class Movie {
  @Field(() => ID, { description: 'Stable catalog id, e.g. "m0001".' })
  id!: string;

  @Field(() => String, { description: 'The title, as the catalog spells it.' })
  title!: string;

  @Field(() => Int, { nullable: true, description: 'Release year.' })
  year!: number | null;

  @Field(() => [genreType()], { description: 'Its genres, e.g. [HORROR, THRILLER].' })
  genres!: readonly string[];
}

@ObjectType({ description: 'One recommended movie.', simpleResolvers: true })
export class MovieRecommendation {
  @Field(() => Movie, { description: 'The recommended movie.' })
  movie!: Movie;

  @Field(() => Float, { description: "The model's score: higher is a stronger recommendation (comparable within one answer only)." })
  score!: number;
}
