import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../src/domain/money.js';

const parsed = (text: string, opts?: Parameters<typeof parseMoney>[1]) => {
  const m = parseMoney(text, opts);
  return `${m.amount} ${m.currency}`;
};

describe('parseMoney', () => {
  it('reads the forms the issue names, exactly', () => {
    expect(parsed('12500.50 EUR')).toBe('12500.50 EUR');
    expect(parsed('12,500.50 EUR')).toBe('12500.50 EUR');
    expect(parsed('EUR 12500')).toBe('12500.00 EUR');
    expect(parsed('€12.500,50', { locale: 'de' })).toBe('12500.50 EUR');
    expect(parsed('€12.500,50', { locale: 'de-DE' })).toBe('12500.50 EUR');
    expect(parsed('$1,250')).toBe('1250.00 USD');
    expect(parsed('¥1200')).toBe('1200 JPY');
    expect(parseMoney('12500.50 EUR').minor).toBe(1250050n);
  });

  it('reads other common spellings', () => {
    expect(parsed('12 500,50 €')).toBe('12500.50 EUR');
    expect(parsed('R$ 1.500,00')).toBe('1500.00 BRL');
    expect(parsed("CHF 1'250.50")).toBe('1250.50 CHF');
    expect(parsed('¥1,200,000')).toBe('1200000 JPY');
    expect(parsed('1.500 KWD')).toBe('1.500 KWD');
    expect(parsed('12,5 EUR')).toBe('12.50 EUR');
    expect(parsed('12500.50 eur')).toBe('12500.50 EUR');
    expect(parsed('1,00,000 INR', { locale: 'en-IN' })).toBe('100000.00 INR');
    expect(parsed('2500', { defaultCurrency: 'aed' })).toBe('2500.00 AED');
    expect(parsed('12,500', { defaultCurrency: 'EUR', locale: 'en' })).toBe('12500.00 EUR');
    expect(parsed('12.500', { defaultCurrency: 'EUR', locale: 'de' })).toBe('12500.00 EUR');
  });

  it('reads "0.001" and "0,125" as decimals (a leading 0 groups nothing): too many for EUR, fine for KWD', () => {
    expect(() => parseMoney('0.001 EUR')).toThrow(/Too many decimals for EUR in "0.001 EUR" \(EUR has 2\)/);
    expect(() => parseMoney('0,125 EUR')).toThrow(/Too many decimals for EUR/);
    expect(parsed('0.125 KWD')).toBe('0.125 KWD');
    expect(() => parseMoney('10.005 EUR')).toThrow(/ambiguous/);
  });

  it('refuses to guess an ambiguous separator and says to give a locale', () => {
    for (const text of ['12,500 EUR', '12.500 EUR']) {
      expect(() => parseMoney(text)).toThrow(/ambiguous/);
      try {
        parseMoney(text);
      } catch (e) {
        expect((e as { hint: string }).hint).toContain('--locale');
      }
    }
  });

  it('rejects garbage, unknown currencies and too many decimals instead of rounding', () => {
    expect(() => parseMoney('lots EUR')).toThrow('Not an amount');
    expect(() => parseMoney('abc 5')).toThrow('Unknown currency "abc"');
    expect(() => parseMoney('12500')).toThrow('has no currency');
    expect(() => parseMoney('12500 XYZ')).toThrow('Unknown currency "XYZ"');
    expect(() => parseMoney('¥1200.5')).toThrow('Too many decimals for JPY');
    expect(() => parseMoney('10.0051 EUR')).toThrow('Too many decimals for EUR');
    expect(() => parseMoney('1,2,3 EUR')).toThrow('Not an amount');
    expect(() => parseMoney('12.500,50 EUR', { locale: 'en' })).toThrow('Not an amount');
    expect(() => parseMoney('5 EUR', { locale: 'xx-nope-nope' })).toThrow('Unknown locale');
  });

  it('keeps amounts beyond 2^53 exact', () => {
    expect(parseMoney('123456789012345678.91 USD').minor).toBe(12345678901234567891n);
  });
});
