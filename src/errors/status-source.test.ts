/**
 * The catalogue is the only source of the HTTP statuses of error answers: every renderer takes a
 * GatewayError (a code) and answers with the catalogue's status, and no source file sets an error
 * status, builds a request-ending GraphQLError or an Apollo status extension by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toRequestError } from '../graphql/errors.js';
import { renderGraphQLRefusal } from '../server/http-errors.js';
import { renderProtocolError } from '../server/inference-protocol/errors.js';
import { ERROR_CATALOGUE, ERROR_CODES } from './catalogue.js';
import { GatewayError } from './gateway-error.js';

const SRC = new URL('..', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Ways to set an error status or build an error answer by hand, and the only files where each may appear. */
const HAND_MADE: readonly { readonly pattern: RegExp; readonly what: string; readonly allowedIn: readonly string[] }[] = [
  { pattern: /\.(?:code|status)\(\s*[45]\d\d/, what: 'a literal error status on a reply', allowedIn: [] },
  { pattern: /writeHead\(\s*[45]\d\d/, what: 'a literal error status on a raw response', allowedIn: [] },
  { pattern: /status(?:Code)?\s*[:=]\s*[45]\d\d\b/, what: 'a literal error status', allowedIn: ['errors/catalogue.ts'] },
  // Apollo takes a response's status from its errors' `extensions.http`.
  { pattern: /\bhttp:\s*(?:\{\s*status|headers\b)/, what: 'an Apollo status extension', allowedIn: ['graphql/errors.ts'] },
  // The formatter's toRequestError, and the jit executor's copy of an execution error (it keeps the original).
  { pattern: /new GraphQLError\(/, what: 'a hand-made GraphQLError', allowedIn: ['graphql/errors.ts', 'graphql/jit-executor.ts'] },
  { pattern: /RequestRefusal/, what: 'the retired RequestRefusal', allowedIn: [] },
];

describe('the catalogue is the only source of error statuses', () => {
  it('no source file sets an error status or builds a request-ending error by hand', () => {
    const found: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const name = relative(SRC, file);
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          for (const { pattern, what, allowedIn } of HAND_MADE) {
            if (pattern.test(line) && !allowedIn.includes(name)) found.push(`${name}:${index + 1}: ${what}: ${line.trim()}`);
          }
        });
    }
    expect(found).toEqual([]);
  });

  it('sees a hand-set status when there is one', () => {
    const [reply, , literal, apollo, graphqlError] = HAND_MADE.map((rule) => rule.pattern);
    expect(reply.test('return reply.code(400).send({ errors: [] });')).toBe(true);
    expect(reply.test('return reply.code(304).send();')).toBe(false);
    expect(literal.test('extensions: { code, status: 403 }')).toBe(true);
    expect(apollo.test('extensions: { code, http: { status: 400 } }')).toBe(true);
    expect(graphqlError.test("throw new GraphQLError('no', { extensions })")).toBe(true);
  });

  it.each(ERROR_CODES)('%s: every renderer answers with the catalogue status', (code) => {
    const error = new GatewayError(code, 'a message', { retryAfter: 3 });
    const { status } = ERROR_CATALOGUE[code];
    expect(renderGraphQLRefusal(error)).toMatchObject({ status, headers: { 'retry-after': '3' } });
    expect(renderGraphQLRefusal(error, { operations: 2 }).body).toEqual([
      { errors: [{ message: 'a message', extensions: { retryAfter: 3, code } }] },
      { errors: [{ message: 'a message', extensions: { retryAfter: 3, code } }] },
    ]);
    expect(renderProtocolError(error)).toEqual({ status, headers: { 'retry-after': '3' }, body: { error: 'a message', code } });
    expect(toRequestError(error).extensions).toEqual({ retryAfter: 3, code, http: { status, headers: new Map([['retry-after', '3']]) } });
  });
});
