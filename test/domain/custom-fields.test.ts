import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFieldValue, isIranianNationalId, parseFieldValue, parseSetFlags, type FieldType } from '../../src/domain/custom-fields.js';
import { filterTokens } from '../../src/domain/field-filters.js';

const def = (type: FieldType, choices: string[] | null = null) => ({ name: 'f', type, choices });

/** A valid national ID from nine digits: the check digit as the rule computes it. */
function withCheckDigit(nine: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const r = sum % 11;
  return nine + String(r < 2 ? r : 11 - r);
}

describe('the Iranian national ID', () => {
  it('accepts a correct check digit and refuses a wrong one, placeholders and wrong lengths', () => {
    expect(isIranianNationalId('0012345679')).toBe(true);
    expect(isIranianNationalId('0012345678')).toBe(false);
    expect(isIranianNationalId('1111111111')).toBe(false);
    expect(isIranianNationalId('001234567')).toBe(false);
  });

  it('every nine digits with their computed check digit pass, and no other last digit does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (nine) => {
        const id = withCheckDigit(nine);
        fc.pre(!/^(\d)\1{9}$/.test(id));
        expect(isIranianNationalId(id)).toBe(true);
        for (let d = 0; d <= 9; d++) if (String(d) !== id[9]) expect(isIranianNationalId(nine + d)).toBe(false);
      }),
    );
  });

  it('reads Persian digits, dashes and the leading zeros a spreadsheet dropped', () => {
    expect(parseFieldValue(def('ir-national-id'), '۰۰۱۲۳۴۵۶۷۹')).toBe('0012345679');
    expect(parseFieldValue(def('ir-national-id'), '12345679')).toBe('0012345679');
    expect(parseFieldValue(def('ir-national-id'), '001-234567-9')).toBe('0012345679');
    expect(() => parseFieldValue(def('ir-national-id'), '0012345678')).toThrow('f: "0012345678" is not a valid Iranian national ID (the check digit does not match).');
  });
});

describe('parseFieldValue: one validator per type', () => {
  it('parses each type into the value kept in custom_fields', () => {
    expect(parseFieldValue(def('number'), '1,250.5')).toBe(1250.5);
    expect(parseFieldValue(def('money'), '1250.5 EUR')).toEqual({ amount: '1250.50', currency: 'EUR' });
    expect(parseFieldValue(def('date'), '1990-03-21')).toBe('1990-03-21');
    expect(parseFieldValue(def('bool'), 'Yes')).toBe(true);
    expect(parseFieldValue(def('choice', ['f', 'm']), 'F')).toBe('f');
    expect(parseFieldValue(def('multi', ['fa', 'en', 'de']), 'en, fa, en')).toEqual(['en', 'fa']);
    expect(parseFieldValue(def('url'), 'example.com/x')).toBe('https://example.com/x');
    expect(parseFieldValue(def('email'), ' Sara@Example.com ')).toBe('Sara@Example.com');
    expect(parseFieldValue(def('phone'), '+98 21 5555 0101')).toBe('+98 21 5555 0101');
    expect(parseFieldValue(def('text'), '  x  ')).toBe('x');
    expect(parseFieldValue(def('text'), '   ')).toBeNull();
  });

  it('refuses bad values with a one-line message naming the field', () => {
    for (const [type, raw, why] of [
      ['number', '12abc', 'is not a number'],
      ['money', '12', 'is not an amount with a currency'],
      ['date', '1990-02-30', 'is not a date'],
      ['bool', 'maybe', 'is not yes or no'],
      ['url', 'not a url', 'is not a web address'],
      ['email', 'nope', 'is not an email address'],
      ['phone', 'call me', 'is not a phone number'],
    ] as const) {
      expect(() => parseFieldValue(def(type), raw), type).toThrow(`f: "${raw}" ${why}.`);
    }
    expect(() => parseFieldValue(def('choice', ['f', 'm']), 'q')).toThrow('is not one of its choices');
  });

  it('a stored value written as a cell reads back as itself (export → import)', () => {
    const cases: [FieldType, string, string[] | null][] = [
      ['number', '-3.25', null],
      ['money', '99.90 USD', null],
      ['date', '2001-12-31', null],
      ['bool', 'no', null],
      ['multi', 'de,fa', ['fa', 'en', 'de']],
      ['ir-national-id', '0012345679', null],
      ['url', 'http://example.com', null],
    ];
    for (const [type, raw, choices] of cases) {
      const stored = parseFieldValue(def(type, choices), raw);
      expect(parseFieldValue(def(type, choices), formatFieldValue({ type }, stored)), type).toEqual(stored);
    }
  });
});

describe('command-line helpers', () => {
  it('--set name=value keeps commas and = in the value; a flag without a name is a usage error', () => {
    expect(parseSetFlags(['langs=fa,en', 'note=a=b', 'National-Id=1'])).toEqual({ langs: 'fa,en', note: 'a=b', national_id: '1' });
    expect(() => parseSetFlags(['=x'])).toThrow('--set "=x" needs a name and a value.');
    expect(parseSetFlags(undefined)).toBeUndefined();
  });

  it("a segment's filter splits on spaces and keeps quoted phrases whole", () => {
    expect(filterTokens(`company.city:Tehran +vip company:"acme ltd" 'x y'`)).toEqual(['company.city:Tehran', '+vip', 'company:acme ltd', 'x y']);
  });
});
