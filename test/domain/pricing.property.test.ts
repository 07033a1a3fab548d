/**
 * "Numbers people can trust": a document's totals (src/domain/pricing.ts) agree to the minor
 * unit with an independent computation written differently — exact decimal strings, the value
 * computed at full precision and rounded by looking at the dropped digits — over thousands of
 * generated documents in currencies with 0, 2 and 3 decimals (JPY, EUR, KWD).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../src/domain/money.js';
import { documents, oracle, type TextLine } from '../helpers/decimal-oracle.js';
import { documentTotals, lineAmounts, parseDiscount, parseQuantity, parseRate, type PricedLine, type TaxMode } from '../../src/domain/pricing.js';

function priced(l: TextLine, currency: string): PricedLine {
  const discount = l.discount === null ? { discountPpm: null, discountMinor: null } : parseDiscount(l.discount, currency, (t, c) => parseMoney(t, { defaultCurrency: c }));
  return { quantityMilli: parseQuantity(l.qty), unitPriceMinor: parseMoney(l.price, { defaultCurrency: currency }).minor, ...discount, taxRatePpm: parseRate(l.tax) };
}

describe('document totals', () => {
  it('agree with an independent decimal computation for thousands of documents (JPY, EUR, KWD, USD; tax per line and per document)', () => {
    fc.assert(
      fc.property(documents, ({ currency, mode, lines }) => {
        const mine = documentTotals(
          lines.map((l) => priced(l, currency)),
          mode,
        );
        const theirs = oracle(lines, currency, mode);
        expect({ subtotal: mine.subtotal, tax: mine.tax, total: mine.total }).toEqual(theirs);
      }),
      { numRuns: 3000 },
    );
  });

  it('rounds each line half-up to the currency unit, once', () => {
    expect(documentTotals([priced({ qty: '0.5', price: '3', discount: null, tax: '0' }, 'JPY')]).total).toBe(2n); // 1.5 yen → 2
    expect(documentTotals([priced({ qty: '1.5', price: '0.001', discount: null, tax: '0' }, 'KWD')]).total).toBe(2n); // 0.0015 → 0.002 KWD
    expect(documentTotals([priced({ qty: '3', price: '10.00', discount: '10%', tax: '0' }, 'EUR')]).total).toBe(2700n);
    expect(documentTotals([priced({ qty: '0.335', price: '3.00', discount: null, tax: '0' }, 'EUR')]).total).toBe(101n); // 1.005 → 1.01
  });

  it('tax per document can differ from tax per line by rounding, and both are what the README says', () => {
    const lines = [priced({ qty: '1', price: '0.05', discount: null, tax: '10' }, 'EUR'), priced({ qty: '1', price: '0.05', discount: null, tax: '10' }, 'EUR')];
    // per line: 0.005 → 0.01 twice = 0.02; per document: 0.10 × 10% = 0.01.
    expect(documentTotals(lines, 'line').tax).toBe(2n);
    expect(documentTotals(lines, 'document').tax).toBe(1n);
  });

  it('refuses a discount larger than the line', () => {
    expect(() => documentTotals([priced({ qty: '1', price: '10', discount: '11', tax: '0' }, 'EUR')])).toThrow(/larger than the line/);
  });
});
