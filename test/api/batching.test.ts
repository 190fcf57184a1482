import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

const flower = (petalLength: number) => ({ features: { sepalLength: 5.8, sepalWidth: 3, petalLength, petalWidth: petalLength / 3 } });

describe('batching: one ONNX run per model per query, and across concurrent requests', () => {
  let server: TestServer;
  let movieIds: string[];
  beforeAll(async () => {
    server = await startTestServer();
    const movies = await server.gql<{ movies: { id: string }[] }>(`{ movies(limit: 3) { id } }`);
    movieIds = movies.body.data!.movies.map((m) => m.id);
  });
  afterAll(() => server.close());

  const delta = (
    before: Record<string, { runs: number; items: number }>,
    after: Record<string, { runs: number; items: number }>,
    key: string,
  ) => ({
    runs: after[key].runs - (before[key]?.runs ?? 0),
    items: after[key].items - (before[key]?.items ?? 0),
  });

  it('runs iris once with 5 items, sentiment once with 2 texts and the recommender once for a five-alias query', async () => {
    const registry = server.gateway.registry;
    const before = registry.counters();
    const response = await server.gql(
      `query Batched($a: [InstanceInput!]!, $b: [InstanceInput!]!, $history: [MovieRatingInput!]!) {
        a: predict(model: "iris", instances: $a) { label }
        b: predict(model: "iris", instances: $b) { label }
        c: classifySentiment(text: "I loved this movie") { label }
        d: classifySentiment(text: "this was not good at all") { label }
        e: recommendMovies(history: $history, limit: 5) { movie { id } score }
      }`,
      {
        a: [flower(1.4), flower(4.5), flower(6)],
        b: [flower(1.5), flower(5.1)],
        history: movieIds.map((movieId) => ({ movieId, rating: 5 })),
      },
    );
    expect(response.body.errors).toBeUndefined();
    const data = response.body.data as Record<string, unknown[] | { label: string }>;
    expect((data.a as unknown[]).length).toBe(3);
    expect((data.b as unknown[]).length).toBe(2);
    expect((data.e as unknown[]).length).toBe(5);
    const after = registry.counters();
    expect(delta(before, after, 'iris@2')).toEqual({ runs: 1, items: 5 });
    expect(delta(before, after, 'sentiment@1')).toEqual({ runs: 1, items: 2 });
    expect(delta(before, after, 'movie-recommender@1')).toEqual({ runs: 1, items: 1 });
  });

  it('shows the same counts through the API (versionDetails)', async () => {
    const read = async () =>
      (
        await server.gql<{ model: { versionDetails: { version: number; runs: number; items: number }[] } }>(
          `{ model(name: "iris") { versionDetails { version runs items } } }`,
        )
      ).body.data!.model.versionDetails.find((v) => v.version === 2)!;
    const before = await read();
    await server.gql(
      `query ($i: [InstanceInput!]!) { x: predict(model: "iris", instances: $i) { label } y: predict(model: "iris", instances: $i) { label } }`,
      {
        i: Array.from({ length: 128 }, (_, k) => flower(1 + (k % 6))),
      },
    );
    const after = await read();
    expect({ runs: after.runs - before.runs, items: after.items - before.items }).toEqual({ runs: 1, items: 256 });
  });

  it('merges concurrent HTTP requests into fewer runs than requests', async () => {
    const registry = server.gateway.registry;
    const requests = 64;
    // Whether requests overlap depends on timing; on a loaded machine one burst may arrive spread out,
    // so allow three bursts to show it.
    let merged = false;
    for (let attempt = 0; attempt < 3 && !merged; attempt += 1) {
      const before = registry.counters()['iris@2'];
      const responses = await Promise.all(
        Array.from({ length: requests }, (_, k) =>
          server.gql<{ predict: { label: string }[] }>(
            `query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }`,
            { i: [flower(1 + (k % 6))] },
          ),
        ),
      );
      for (const response of responses) expect(response.body.data!.predict).toHaveLength(1);
      const after = registry.counters()['iris@2'];
      expect(after.items - before.items).toBe(requests);
      merged = after.runs - before.runs < requests;
    }
    expect(merged).toBe(true);
    expect(registry.counters()['iris@2'].largestBatch).toBeGreaterThan(1);
  });
});
