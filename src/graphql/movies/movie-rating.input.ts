import { Field, Float, ID, InputType } from 'type-graphql';

@InputType({ description: 'A movie the user rated.' })
export class MovieRatingInput {
  @Field(() => ID, { description: 'Catalog id of the movie (see the movies query).' })
  movieId!: string;

  @Field(() => Float, { description: 'The rating, 0.5 to 5 (stars).' })
  rating!: number;
}
