/**
 * Persisted documents: the operations the client code was built with, registered at build time.
 * GraphQL Code Generator's client preset writes them to `client/src/gql/persisted-documents.json`
 * (`"sha256:<hex>": "<document>"`); a client sends a document's hash as an automatic persisted query
 * (`extensions.persistedQuery.sha256Hash`) instead of its text.
 *
 * - `off`: the manifest is not read; Apollo's automatic persisted queries work as they always do (a
 *   client registers any document by sending its text with its hash once).
 * - `allow`: the manifest's documents answer to their hash from the first request; any other document
 *   is still accepted, as text or as an automatic persisted query.
 * - `only`: only the manifest's documents run (by hash, or as their exact text); anything else is
 *   refused with PERSISTED_DOCUMENT_REQUIRED before it runs. Callers with the `admin` scope are
 *   exempt, so operators can still introspect and debug.
 *
 * Whatever the mode, every policy (introspection, limits, authorization) applies to the parsed
 * document, never to the request's text, so a hash-only request is checked exactly as its text would be.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { hasScope, type Principal } from '../auth/principal.js';
import type { PersistedDocumentsMode } from '../config/config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toRequestError } from './errors.js';

/** Hex SHA-256 of a document → the document. */
export type PersistedDocuments = ReadonlyMap<string, string>;

const HASH_KEY = /^(?:sha256:)?([0-9a-f]{64})$/;

/**
 * Reads and checks a manifest: a JSON object of `"sha256:<hex>"` (or `"<hex>"`) → document, each hash
 * the SHA-256 of its document (so a manifest made with another algorithm fails here, not per request).
 */
export function loadPersistedDocuments(file: string): PersistedDocuments {
  const fail = (problem: string) => new Error(`persisted documents ${file}: ${problem}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw fail(`must be a readable JSON file (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail('must be a JSON object of hash to document');
  const documents = new Map<string, string>();
  for (const [key, document] of Object.entries(json)) {
    const hex = HASH_KEY.exec(key)?.[1];
    if (hex === undefined) throw fail(`keys must be "sha256:" and 64 hex digits, but got ${JSON.stringify(key.slice(0, 80))}`);
    if (typeof document !== 'string') throw fail(`${key} must map to a document string, but got ${typeof document}`);
    if (sha256(document) !== hex)
      throw fail(`${key} must be the SHA-256 of its document, but it is not (generated with another hashAlgorithm?)`);
    documents.set(hex, document);
  }
  return documents;
}

export interface PersistedDocumentsOptions {
  /** @default 'off' */
  readonly mode: PersistedDocumentsMode;
  /** The manifest's documents (empty when `mode` is `off`). */
  readonly documents: PersistedDocuments;
}

export function usePersistedDocuments({ mode, documents }: PersistedDocumentsOptions): ApolloServerPlugin<{ principal: Principal }> {
  return {
    async requestDidStart({ request }) {
      if (mode === 'off') return;
      // A hash-only request for a registered document gets the document's text before Apollo looks the
      // hash up in its APQ cache, which then checks the hash against the text as for any APQ request.
      const persisted = request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
      if (request.query === undefined && typeof persisted?.sha256Hash === 'string') {
        const document = documents.get(persisted.sha256Hash);
        if (document !== undefined) request.query = document;
      }
      if (mode !== 'only') return;
      return {
        // After validation, so the refusal is one operation's (a batch's others still answer); the
        // token limit has already bounded what parsing an unregistered document costs.
        async didResolveOperation({ queryHash, contextValue }) {
          if (documents.has(queryHash) || hasScope(contextValue.principal, 'admin')) return;
          throw toRequestError(
            new GatewayError(
              'PERSISTED_DOCUMENT_REQUIRED',
              'the operation must be one of the documents registered at build time (send its hash as extensions.persistedQuery), but it is not',
            ),
          );
        },
      };
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
