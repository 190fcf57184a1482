import { Field, Int, ObjectType } from 'type-graphql';
import { Movie } from './movie.type.js';

// Relay's cursor connection shape (edges { cursor node }, pageInfo), which Apollo Client's
// relayStylePagination() and most GraphQL clients page through without custom code.

@ObjectType({ description: 'Where a page of a connection ends (Relay connection spec).', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page: ask again with after: endCursor.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "The last edge's cursor; null on an empty page." })
  endCursor!: string | null;
}

@ObjectType({ description: 'One movie of a page, with the cursor that points just after it.', simpleResolvers: true })
export class MovieEdge {
  @Field(() => String, { description: 'Opaque: pass it as `after` to continue after this movie.' })
  cursor!: string;

  @Field(() => Movie, { description: 'The movie.' })
  node!: Movie;
}

@ObjectType({ description: 'A page of catalog movies, in title order.', simpleResolvers: true })
export class MovieConnection {
  @Field(() => [MovieEdge], { description: 'The movies of this page.' })
  edges!: MovieEdge[];

  @Field(() => PageInfo, { description: 'Where this page ends and whether another follows.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many movies match the search, on all pages.' })
  totalCount!: number;
}
