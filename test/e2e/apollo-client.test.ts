/**
 * The typed client (client/src) with Apollo Client 4 in Node against a real gateway over HTTP:
 * typed documents for every root field, batching of several operations into one HTTP request, and
 * the gateway's error codes surfacing as typed GatewayRequestErrors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApolloClient, gql } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, GATEWAY_ERROR_CODES, type GatewayClientOptions, runQuery } from '../../client/src/gateway-client.js';
import {
  DemoStartDocument,
  IrisComparisonDocument,
  ModelDetailsDocument,
  ModelsDocument,
  PredictDocument,
  RecommendationsDocument,
  ReviewSentimentDocument,
  SearchMoviesDocument,
  TypedPredictionsDocument,
} from '../../client/src/operations.js';
import { createKeyRecord, writeKeysFile } from '../../src/auth/api-key-store.js';
import { ERROR_CODES } from '../../src/errors/catalogue.js';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

const SETOSA = { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 };
const VIRGINICA = { sepalLength: 6.9, sepalWidth: 3.1, petalLength: 5.4, petalWidth: 2.1 };

/** What one HTTP request carried: the operation names of its JSON body, in order. */
type HttpRequest = { operations: string[]; status: number };

describe('Apollo Client 4 (typed, batched) against the real gateway', () => {
  let server: TestServer;
  let uri: string;
  const dir = mkdtempSync(join(tmpdir(), 'client-e2e-'));
  let keysServer: TestServer;
  let sentimentOnlyKey: string;

  /** A client whose HTTP requests are recorded. */
  const recordingClient = (options: Partial<GatewayClientOptions> = {}, target = () => uri) => {
    const requests: HttpRequest[] = [];
    const client = createGatewayClient({
      uri: target(),
      apiKey: 'dev-key',
      fetch: async (input, init) => {
        const body = JSON.parse(String(init?.body)) as { operationName: string } | { operationName: string }[];
        const response = await fetch(input, init);
        requests.push({
          operations: (Array.isArray(body) ? body : [body]).map((operation) => operation.operationName),
          status: response.status,
        });
        return response;
      },
      ...options,
    });
    return { client, requests };
  };

  beforeAll(async () => {
    server = await startTestServer();
    uri = `${server.origin}/graphql`;
    const { key, record } = createKeyRecord({ id: 'reviews-app', scopes: ['sentiment'] });
    sentimentOnlyKey = key;
    await writeKeysFile(join(dir, 'keys.json'), { keys: [record] });
    keysServer = await startTestServer({ API_KEYS_FILE: join(dir, 'keys.json') }, { loadModels: false });
  });
  afterAll(async () => {
    await Promise.all([server.close(), keysServer.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('typed queries for every root field', () => {
    let client: ApolloClient;
    beforeAll(() => {
      client = recordingClient().client;
    });

    it('models and model', async () => {
      const models = await runQuery(client, ModelsDocument, {});
      expect(models.errors).toEqual([]);
      const names = models.data?.models?.map((model) => model.name) ?? [];
      expect(names).toEqual(expect.arrayContaining(['iris', 'sentiment', 'movie-recommender']));

      const iris = await runQuery(client, ModelDetailsDocument, { name: 'iris' });
      expect(iris.errors).toEqual([]);
      const model = iris.data?.model;
      expect(model?.features).toEqual(['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth']);
      expect(model?.labels).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(model?.versions).toEqual([1, 2]);
      expect(model?.inputs?.[0]?.shape).toEqual(['batch', '4']);
      expect(model?.batching?.maxBatchSize).toBeGreaterThan(0);
      expect(model?.training).toBeTypeOf('object');
    });

    it('predict, generic and with aliases over two versions', async () => {
      const generic = await runQuery(client, PredictDocument, {
        model: 'iris',
        instances: [{ features: SETOSA }, { features: VIRGINICA }],
      });
      expect(generic.errors).toEqual([]);
      expect(generic.data?.predict?.map((p) => p.label)).toEqual(['setosa', 'virginica']);
      const sum = generic.data?.predict?.[0]?.probabilities?.reduce((total, p) => total + p.probability, 0);
      expect(sum).toBeCloseTo(1, 5);

      const compared = await runQuery(client, IrisComparisonDocument, { flower: [{ features: VIRGINICA }] });
      expect(compared.errors).toEqual([]);
      expect(compared.data?.latest?.[0]).toMatchObject({ version: 2, label: 'virginica' });
      expect(compared.data?.v1?.[0]).toMatchObject({ version: 1, label: 'virginica' });
    });

    it('predictIris and predictDemandForecast, typed: features by name, the label as an enum', async () => {
      const { data, errors } = await runQuery(client, TypedPredictionsDocument, {
        flowers: [SETOSA, VIRGINICA],
        days: [{ dayOfWeek: 4, dayOfYear: 329, daysSinceLaunch: 1060, price: 24.99, discountPct: 30, isHoliday: 1 }],
      });
      expect(errors).toEqual([]);
      // Typed as the schema's enum: 'SETOSA' | 'VERSICOLOR' | 'VIRGINICA'.
      const labels: ('SETOSA' | 'VERSICOLOR' | 'VIRGINICA')[] | undefined = data?.predictIris?.map((p) => p.label);
      expect(labels).toEqual(['SETOSA', 'VIRGINICA']);
      expect(data?.predictIris?.[0]?.probabilities.map((p) => p.label)).toEqual(['SETOSA', 'VERSICOLOR', 'VIRGINICA']);
      expect(data?.predictDemandForecast?.[0]?.value).toBeGreaterThan(0);
    });

    it('classifySentiment and classifySentiments', async () => {
      const { data, errors } = await runQuery(client, ReviewSentimentDocument, {
        review: 'I loved this movie. The acting was wonderful!',
        sentences: ['I loved this movie.', 'this was not good at all'],
      });
      expect(errors).toEqual([]);
      // Typed as the schema's enum: 'NEGATIVE' | 'NEUTRAL' | 'POSITIVE'.
      const label: 'NEGATIVE' | 'NEUTRAL' | 'POSITIVE' | undefined = data?.review?.label;
      expect(label).toBe('POSITIVE');
      expect(data?.review?.scores.map((s) => s.label)).toEqual(['NEGATIVE', 'NEUTRAL', 'POSITIVE']);
      expect(data?.sentences?.map((s) => s.label)).toEqual(['POSITIVE', 'NEGATIVE']);
    });

    it('movies and recommendMovies (with the genre field included or skipped)', async () => {
      const search = await runQuery(client, SearchMoviesDocument, { search: 'the', limit: 5 });
      expect(search.errors).toEqual([]);
      const movies = search.data?.movies ?? [];
      expect(movies).toHaveLength(5);
      for (const movie of movies) expect(movie.title.toLowerCase()).toContain('the');

      const history = movies.slice(0, 3).map((movie) => ({ movieId: movie.id, rating: 5 }));
      const genre = movies[0]!.genres[0]!;
      const both = await runQuery(client, RecommendationsDocument, { history, limit: 6, genres: [genre], withGenre: true });
      expect(both.errors).toEqual([]);
      expect(both.data?.forYou).toHaveLength(6);
      const rated = new Set(history.map((h) => h.movieId));
      for (const item of both.data?.forYou ?? []) expect(rated.has(item.movie.id)).toBe(false);
      for (const item of both.data?.inGenre ?? []) expect(item.movie.genres).toContain(genre);

      const skipped = await runQuery(client, RecommendationsDocument, { history, withGenre: false });
      expect(skipped.data?.forYou).toHaveLength(10); // the document's default limit
      expect(skipped.data?.inGenre).toBeUndefined();
    });

    it('the demo page start query', async () => {
      const { data, errors } = await runQuery(client, DemoStartDocument, {});
      expect(errors).toEqual([]);
      expect(data?.movies).toHaveLength(12);
      expect(data?.models?.find((model) => model.name === 'iris')?.description).toMatch(/iris/i);
    });
  });

  describe('batching several operations into one HTTP request', () => {
    it('sends operations started together as one JSON array and answers each in order', async () => {
      const { client, requests } = recordingClient();
      const [iris, sentiment, movies, models] = await Promise.all([
        runQuery(client, PredictDocument, { model: 'iris', instances: [{ features: SETOSA }] }),
        runQuery(client, ReviewSentimentDocument, { review: 'great fun', sentences: ['great fun'] }),
        runQuery(client, SearchMoviesDocument, { limit: 2 }),
        runQuery(client, ModelsDocument, {}),
      ]);
      expect(requests).toEqual([{ operations: ['Predict', 'ReviewSentiment', 'SearchMovies', 'Models'], status: 200 }]);
      expect(iris.data?.predict?.[0]?.label).toBe('setosa');
      expect(sentiment.data?.review?.label).toBe('POSITIVE');
      expect(movies.data?.movies).toHaveLength(2);
      expect(models.data?.models?.length).toBeGreaterThan(0);
    });

    it('splits more operations than batchMax over several requests', async () => {
      const { client, requests } = recordingClient({ batchMax: 4 });
      const results = await Promise.all(Array.from({ length: 10 }, (_, k) => runQuery(client, SearchMoviesDocument, { limit: k + 1 })));
      // Recorded as the answers arrive, so in any order.
      expect(requests.map((request) => request.operations.length).sort()).toEqual([2, 4, 4]);
      expect(results.map((result) => result.data?.movies?.length)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('keeps one failing operation from failing the others of its batch', async () => {
      const { client, requests } = recordingClient();
      const [bad, good] = await Promise.all([
        runQuery(client, PredictDocument, { model: 'no-such-model', instances: [{ features: SETOSA }] }),
        runQuery(client, PredictDocument, { model: 'iris', instances: [{ features: SETOSA }] }),
      ]);
      expect(requests).toHaveLength(1);
      expect(bad.errors.map((e) => e.code)).toEqual(['MODEL_NOT_FOUND']);
      expect(good.errors).toEqual([]);
      expect(good.data?.predict?.[0]?.label).toBe('setosa');
    });

    it('answers the valid operations of a batch in which another is invalid (HTTP 400)', async () => {
      const { client, requests } = recordingClient();
      const invalid = gql`
        query Invalid {
          nope
        }
      `;
      const [bad, good] = await Promise.all([runQuery(client, invalid, {}), runQuery(client, SearchMoviesDocument, { limit: 1 })]);
      expect(requests).toEqual([{ operations: ['Invalid', 'SearchMovies'], status: 400 }]);
      expect(bad.errors.map((e) => e.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(good.errors).toEqual([]);
      expect(good.data?.movies).toHaveLength(1);
    });

    it('gets BAD_REQUEST for every operation when a batch exceeds the server limit', async () => {
      const { client, requests } = recordingClient({ batchMax: 50 });
      // Different variables: Apollo Client would merge identical operations in flight into one.
      const results = await Promise.all(Array.from({ length: 11 }, (_, k) => runQuery(client, SearchMoviesDocument, { limit: k + 1 })));
      expect(requests).toEqual([{ operations: Array(11).fill('SearchMovies'), status: 400 }]);
      for (const result of results) {
        expect(result.data).toBeUndefined();
        expect(result.errors.map((e) => [e.code, e.message])).toEqual([['BAD_REQUEST', 'must batch at most 10 operations, but got 11']]);
      }
    });
  });

  describe('error codes as typed errors', () => {
    it('BAD_USER_INPUT and MODEL_VERSION_NOT_FOUND on fields, with their path, beside the fields that answered', async () => {
      const { client } = recordingClient();
      const badInput = await runQuery(client, PredictDocument, {
        model: 'iris',
        instances: [{ features: { ...SETOSA, petalWidth: 'wide' } }],
      });
      expect(badInput.data?.predict).toBeNull();
      expect(badInput.errors).toHaveLength(1);
      const [error] = badInput.errors;
      expect(error?.code).toBe('BAD_USER_INPUT');
      expect(error?.path).toEqual(['predict']);
      expect(error?.message).toMatch(/instances\[0\]\.features\.petalWidth: must be a finite number, but got "wide"/);

      const version = await runQuery(client, PredictDocument, { model: 'iris', version: 9, instances: [{ features: SETOSA }] });
      expect(version.errors.map((e) => e.code)).toEqual(['MODEL_VERSION_NOT_FOUND']);
    });

    it('GRAPHQL_VALIDATION_FAILED for a document the schema does not have', async () => {
      const { client } = recordingClient();
      const document = gql`
        query Wrong {
          predict(model: "iris", instances: []) {
            confidence
          }
        }
      `;
      const { errors } = await runQuery(client, document, {});
      expect(errors.map((e) => e.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    });

    it('UNAUTHENTICATED: on each field without a key, for the whole request (HTTP 401) with a wrong one', async () => {
      const anonymous = recordingClient({ apiKey: null });
      const fields = await runQuery(anonymous.client, IrisComparisonDocument, { flower: [{ features: SETOSA }] });
      expect(fields.errors.map((e) => [e.code, e.path?.[0]])).toEqual([
        ['UNAUTHENTICATED', 'latest'],
        ['UNAUTHENTICATED', 'v1'],
      ]);

      const wrong = recordingClient({ apiKey: 'not-a-key' });
      const refused = await runQuery(wrong.client, ModelsDocument, {});
      expect(wrong.requests.map((r) => r.status)).toEqual([401]);
      expect(refused.errors.map((e) => [e.code, e.extensions.reason])).toEqual([['UNAUTHENTICATED', 'unknown-api-key']]);
    });

    it('FORBIDDEN for a field the key has no scope for, while its other fields answer', async () => {
      const { client } = recordingClient({ apiKey: () => sentimentOnlyKey }, () => `${keysServer.origin}/graphql`);
      await keysServer.gateway.loadModels();
      const { data, errors } = await runQuery(
        client,
        gql`
          query Mixed {
            classifySentiment(text: "great") {
              label
            }
            predict(model: "iris", instances: [{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }]) {
              label
            }
          }
        `,
        {},
      );
      expect(data).toMatchObject({ classifySentiment: { label: 'POSITIVE' }, predict: null });
      expect(errors.map((e) => [e.code, e.path])).toEqual([['FORBIDDEN', ['predict']]]);
    });

    it('NETWORK_ERROR when nothing answers', async () => {
      const { client } = recordingClient({}, () => 'http://127.0.0.1:9/graphql');
      const { data, errors } = await runQuery(client, ModelsDocument, {});
      expect(data).toBeUndefined();
      expect(errors.map((e) => e.code)).toEqual(['NETWORK_ERROR']);
    });

    it('tells the onErrors hook about every failed operation', async () => {
      const seen: string[] = [];
      const { client } = recordingClient({
        apiKey: 'not-a-key',
        onErrors: (errors, operation) => seen.push(`${operation}: ${errors.map((e) => e.code).join()}`),
      });
      await runQuery(client, ModelsDocument, {});
      expect(seen).toEqual(['Models: UNAUTHENTICATED']);
    });

    it('knows every code of the server catalogue', () => {
      expect([...GATEWAY_ERROR_CODES].sort()).toEqual([...ERROR_CODES].sort());
    });
  });
});
