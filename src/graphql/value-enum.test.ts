import { assertEnumValueName, assertName } from 'graphql';
import { describe, expect, it } from 'vitest';
import { enumValueName, enumValueNames } from './value-enum.js';

describe('enumValueName', () => {
  it.each([
    ['tabular-classification', 'TABULAR_CLASSIFICATION'],
    ['Sci-Fi', 'SCI_FI'],
    ['float32', 'FLOAT32'],
    ['3D', '_3D'],
    ['Film Noir & Crime', 'FILM_NOIR___CRIME'],
    ['Ciné', 'CIN_'],
    ['__hidden', '_HIDDEN'],
    ['true', 'TRUE'],
  ])('%s → %s, a valid GraphQL enum value name', (value, name) => {
    expect(enumValueName(value)).toBe(name);
    expect(() => assertName(name)).not.toThrow();
    expect(() => assertEnumValueName(name)).not.toThrow();
  });
});

describe('enumValueNames', () => {
  it('keeps values that would share a name apart, in the order given', () => {
    expect([...enumValueNames(['Sci-Fi', 'Sci Fi', 'sci_fi', 'Drama'])]).toEqual([
      ['Sci-Fi', 'SCI_FI'],
      ['Sci Fi', 'SCI_FI_2'],
      ['sci_fi', 'SCI_FI_3'],
      ['Drama', 'DRAMA'],
    ]);
  });
});
