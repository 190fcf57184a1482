/**
 * Persisted queries against production-mode servers over real HTTP: the introspection policy holds
 * for hash-only requests (APQ) by POST and GET, and PERSISTED_DOCUMENTS=allow|only serves the
 * documents codegen registered at build time (client/src/gql/persisted-documents.json).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, runQuery } from '../../client/src/gateway-client.js';
import { ModelsDocument, PredictDocument } from '../../client/src/operations.js';
import { type ProductionGateway, startProductionGateway } from '../support/production-gateway.js';

const MANIFEST = 'client/src/gql/persisted-documents.json';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persistedQuery = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const INTROSPECTION = '{ __schema { queryType { name } types { name } } }';

interface Answer {
  status: number;
  body:
    | { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] }
    | { data?: unknown; errors?: { extensions?: { code?: string } }[] }[];
}

/** POSTs a JSON body (one operation or a batch) to /graphql. */
async function post(origin: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** A hash-only persisted query by GET, as Apollo Client's `useGETForHashedQueries` sends it. */
async function getByHash(origin: string, hash: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = `${origin}/graphql?extensions=${encodeURIComponent(JSON.stringify(persistedQuery(hash)))}`;
  const response = await fetch(url, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true', ...headers } });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const single = (answer: Answer) => answer.body as Exclude<Answer['body'], unknown[]>;
const codes = (answer: Answer) => (single(answer).errors ?? []).map((error) => error.extensions?.code);

describe('the introspection policy decides on the parsed document, however it arrives (production)', () => {
  let gateway: ProductionGateway;
  const hash = sha256(INTROSPECTION);
  beforeAll(async () => {
    gateway = await startProductionGateway({ ops: ['admin'], reader: ['models:read', 'predict'] });
    // An admin runs introspection once as an automatic persisted query: the server caches it by hash.
    const registered = await post(gateway.server.origin, { query: INTROSPECTION, extensions: persistedQuery(hash) }, gateway.as('ops'));
    expect(registered.status).toBe(200);
    expect(single(registered).data).toMatchObject({ __schema: { queryType: { name: 'Query' } } });
  });
  afterAll(() => gateway.close());

  it('refuses the anonymous hash-only request by POST and by GET (401), with no schema in the answer', async () => {
    for (const answer of [
      await post(gateway.server.origin, { extensions: persistedQuery(hash) }),
      await getByHash(gateway.server.origin, hash),
    ]) {
      expect(answer.status).toBe(401);
      expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(answer.body)).not.toContain('__Schema');
      expect(single(answer).data ?? null).toBeNull();
    }
  });

  it('refuses it to a key without admin (403), and serves it by hash to admin (so the hash was cached)', async () => {
    const reader = await getByHash(gateway.server.origin, hash, gateway.as('reader'));
    expect(reader.status).toBe(403);
    expect(codes(reader)).toEqual(['FORBIDDEN']);
    const admin = await getByHash(gateway.server.origin, hash, gateway.as('ops'));
    expect(admin.status).toBe(200);
    expect(single(admin).data).toMatchObject({ __schema: { queryType: { name: 'Query' } } });
  });

  it('refuses introspection hidden in a fragment of a persisted query, and inside a batch', async () => {
    const query = 'query Innocent { ...F } fragment F on Query { __type(name: "Prediction") { fields { name } } }';
    await post(gateway.server.origin, { query, extensions: persistedQuery(sha256(query)) }, gateway.as('ops'));
    // A batch answers with one HTTP status (here the refusal's); each operation has its own result.
    const batch = await post(gateway.server.origin, [{ extensions: persistedQuery(sha256(query)) }, { query: '{ __typename }' }]);
    const [first, second] = batch.body as { data?: unknown; errors?: { extensions?: { code?: string } }[] }[];
    expect(first.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(first.data ?? null).toBeNull();
    expect(second.data).toEqual({ __typename: 'Query' });
  });
});

describe('PERSISTED_DOCUMENTS=only: only the documents registered at build time run (production)', () => {
  let gateway: ProductionGateway;
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
  const [modelsKey, modelsDocument] = Object.entries(manifest).find(([, document]) => document.startsWith('query Models '))!;
  const modelsHash = modelsKey.replace('sha256:', '');
  beforeAll(async () => {
    gateway = await startProductionGateway(
      { ops: ['admin'], app: ['models:read', 'predict'] },
      { PERSISTED_DOCUMENTS: 'only', PERSISTED_DOCUMENTS_FILE: MANIFEST },
    );
  });
  afterAll(() => gateway.close());

  it('answers a registered document by hash from the first request, by POST and GET, and as its exact text', async () => {
    for (const answer of [
      await post(gateway.server.origin, { extensions: persistedQuery(modelsHash) }, gateway.as('app')),
      await getByHash(gateway.server.origin, modelsHash, gateway.as('app')),
      await post(gateway.server.origin, { query: modelsDocument }, gateway.as('app')),
    ]) {
      expect(answer.status).toBe(200);
      expect(single(answer).errors).toBeUndefined();
      expect((single(answer).data as { models: { name: string }[] }).models.map((model) => model.name)).toContain('iris');
    }
  });

  it('refuses any other document with PERSISTED_DOCUMENT_REQUIRED, and does not let an APQ registration add one', async () => {
    const other = '{ models { name } }';
    const asText = await post(gateway.server.origin, { query: other }, gateway.as('app'));
    expect(asText.status).toBe(400);
    expect(single(asText).errors).toEqual([
      {
        message:
          'the operation must be one of the documents registered at build time (send its hash as extensions.persistedQuery), but it is not',
        extensions: { code: 'PERSISTED_DOCUMENT_REQUIRED' },
      },
    ]);
    const registering = await post(gateway.server.origin, { query: other, extensions: persistedQuery(sha256(other)) }, gateway.as('app'));
    expect(codes(registering)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    const byHash = await post(gateway.server.origin, { extensions: persistedQuery(sha256(other)) }, gateway.as('app'));
    expect(codes(byHash)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(single(byHash).data ?? null).toBeNull();
  });

  it('refuses per operation in a batch: the registered one still answers', async () => {
    const batch = await post(
      gateway.server.origin,
      [{ extensions: persistedQuery(modelsHash) }, { query: '{ __typename }' }],
      gateway.as('app'),
    );
    const [registered, other] = batch.body as { data?: unknown; errors?: { extensions?: { code?: string } }[] }[];
    expect(registered.errors).toBeUndefined();
    expect(other.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
  });

  it('lets admin send any document (operators debug and introspect), under the introspection policy as ever', async () => {
    const admin = await post(gateway.server.origin, { query: INTROSPECTION }, gateway.as('ops'));
    expect(admin.status).toBe(200);
    expect(single(admin).data).toMatchObject({ __schema: { queryType: { name: 'Query' } } });
  });

  it('serves the typed client sending hashes (codegen writes the hashes and the manifest from one build)', async () => {
    const client = createGatewayClient({ uri: `${gateway.server.origin}/graphql`, apiKey: gateway.keys.app, persistedDocuments: true });
    const sent: unknown[] = [];
    const recording = createGatewayClient({
      uri: `${gateway.server.origin}/graphql`,
      apiKey: gateway.keys.app,
      persistedDocuments: true,
      fetch: async (input, init) => {
        sent.push(JSON.parse(String(init?.body)));
        return fetch(input, init);
      },
    });
    const models = await runQuery(recording, ModelsDocument, {});
    expect(models.errors).toEqual([]);
    expect(models.data?.models?.map((model) => model.name)).toContain('iris');
    expect(JSON.stringify(sent)).not.toContain('defaultVersion'); // the hash went, not the text
    const flower = { features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } };
    const predicted = await runQuery(client, PredictDocument, { model: 'iris', instances: [flower] });
    expect(predicted.errors).toEqual([]);
    expect(predicted.data?.predict?.[0]?.label).toBe('setosa');
  });
});

describe('PERSISTED_DOCUMENTS=allow: registered documents by hash from the first request, any other too', () => {
  let gateway: ProductionGateway;
  beforeAll(async () => {
    gateway = await startProductionGateway({ app: ['models:read'] }, { PERSISTED_DOCUMENTS: 'allow', PERSISTED_DOCUMENTS_FILE: MANIFEST });
  });
  afterAll(() => gateway.close());

  it('answers both', async () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
    const modelsKey = Object.keys(manifest).find((key) => manifest[key].startsWith('query Models '))!;
    const byHash = await post(gateway.server.origin, { extensions: persistedQuery(modelsKey.replace('sha256:', '')) }, gateway.as('app'));
    expect(single(byHash).errors).toBeUndefined();
    const other = await post(gateway.server.origin, { query: '{ models { name } }' }, gateway.as('app'));
    expect(single(other).errors).toBeUndefined();
  });
});
