import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareText, rootCollation } from '../../src/reports/collate.js';

// Names as reports sort them: handles, reasons, currency codes, and text that must go to ICU.
const chars = fc.constantFrom(...'abcxyz019 ABCXYZ-_.éÅß'.split(''));
const text = fc.array(chars, { maxLength: 8 }).map((cs) => cs.join(''));

describe('compareText', () => {
  it('orders as localeCompare does, whatever the locale', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareText(a, b))).toBe(Math.sign(a.localeCompare(b)));
        expect(Math.sign(compareText(a + 'a', a + 'b'))).toBe(-1);
      }),
      { numRuns: 5000 },
    );
  });

  it('sorts a report column as localeCompare does', () => {
    const names = ['rep10', 'rep2', 'Rep 1', 'rep 1', 'EUR', 'eur', 'USD', 'price', 'product fit', 'no decision', '', 'Åsa', 'zoe'];
    expect([...names].sort(compareText)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('leaves the order to ICU when the locale may collate differently', () => {
    expect(rootCollation({ LANG: 'C.UTF-8' })).toBe(true);
    expect(rootCollation({ LANG: 'en_US.UTF-8', LC_ALL: '' })).toBe(true);
    expect(rootCollation({})).toBe(true);
    expect(rootCollation({ LANG: 'da_DK.UTF-8' })).toBe(false); // "aa" sorts after "z"
    expect(rootCollation({ LANG: 'en_US.UTF-8', LC_COLLATE: 'lt_LT.UTF-8' })).toBe(false);
  });
});
