import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPersistedDocuments } from './persisted-documents.js';

const dir = mkdtempSync(join(tmpdir(), 'persisted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manifest(content: unknown): string {
  const file = join(dir, `m${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const document = 'query Q { __typename }';
const hex = createHash('sha256').update(document).digest('hex');

describe('loadPersistedDocuments', () => {
  it('reads the manifest codegen writes (sha256:<hex> keys) and bare hex keys, by hex hash', () => {
    expect(loadPersistedDocuments(manifest({ [`sha256:${hex}`]: document })).get(hex)).toBe(document);
    expect(loadPersistedDocuments(manifest({ [hex]: document })).get(hex)).toBe(document);
    expect(loadPersistedDocuments('client/src/gql/persisted-documents.json').size).toBeGreaterThan(0);
  });

  it('refuses, naming the file, a manifest that would fail every request at run time', () => {
    const sha1 = createHash('sha1').update(document).digest('hex');
    expect(() => loadPersistedDocuments(manifest({ [sha1]: document }))).toThrow(
      /keys must be "sha256:" and 64 hex digits, but got "[0-9a-f]{40}"/,
    );
    expect(() => loadPersistedDocuments(manifest({ [`sha256:${hex}`]: 'query Other { __typename }' }))).toThrow(
      /must be the SHA-256 of its document, but it is not/,
    );
    expect(() => loadPersistedDocuments(manifest({ [hex]: 42 }))).toThrow(/must map to a document string, but got number/);
    expect(() => loadPersistedDocuments(manifest([document]))).toThrow(/must be a JSON object of hash to document/);
    expect(() => loadPersistedDocuments(manifest('{ nope'))).toThrow(/persisted documents .*: must be a readable JSON file/);
    expect(() => loadPersistedDocuments(join(dir, 'missing.json'))).toThrow(/missing\.json: must be a readable JSON file/);
  });
});
