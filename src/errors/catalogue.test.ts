import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentedStatus, ERROR_CATALOGUE, MODEL_LOAD_FAILURES } from './catalogue.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Rows of the markdown table that follows `heading`: first cell (a `CODE`) → the other cells. */
function tableAfter(heading: string): Map<string, string[]> {
  const start = readme.indexOf(heading);
  expect(start, `README.md must have a "${heading}" section`).toBeGreaterThanOrEqual(0);
  const rows = new Map<string, string[]>();
  for (const line of readme.slice(start).split('\n').slice(1)) {
    if (line.startsWith('#')) break;
    const match = /^\| `([A-Z_]+)` \|(.*)\|\s*$/.exec(line);
    if (match)
      rows.set(
        match[1],
        match[2].split(' | ').map((cell) => cell.trim()),
      );
  }
  return rows;
}

describe('the error catalogue and the README agree', () => {
  it('documents every error code with how it arrives, its HTTP status and its meaning, and nothing else', () => {
    const documented = tableAfter('## Error codes');
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(documented.get(code), code).toEqual([documentedStatus(spec), spec.meaning]);
    }
  });

  it('words the status cell from the catalogue entry', () => {
    expect(documentedStatus(ERROR_CATALOGUE.MODEL_CONTROL_DISABLED)).toBe('200, field error');
    expect(documentedStatus(ERROR_CATALOGUE.RATE_LIMITED)).toBe('429, request error');
    expect(documentedStatus(ERROR_CATALOGUE.MODEL_NOT_FOUND)).toBe('200, field error; 404, request error');
  });

  it('documents every model load failure reason', () => {
    const documented = tableAfter('### Model load failures');
    expect([...documented.keys()].sort()).toEqual(Object.keys(MODEL_LOAD_FAILURES).sort());
    for (const [reason, meaning] of Object.entries(MODEL_LOAD_FAILURES)) expect(documented.get(reason), reason).toEqual([meaning]);
  });
});
