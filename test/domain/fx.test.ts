/** The one conversion (src/domain/money.ts convertMinor) and the rate lookup (src/domain/fx.ts FxConverter). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FxConverter } from '../../src/domain/fx.js';
import { convertMinor, formatRate, parseRate } from '../../src/domain/money.js';

describe('convertMinor', () => {
  it('rounds half-up once, to the target minor unit (JPY 0, USD 2, KWD 3)', () => {
    expect(convertMinor(100001n, 'EUR', 'USD', parseRate('1.05'))).toBe(105001n); // 1050.0105 → 1050.01
    expect(convertMinor(1n, 'EUR', 'USD', parseRate('1.5'))).toBe(2n); // 0.015 → 0.02
    expect(convertMinor(-1n, 'EUR', 'USD', parseRate('1.5'))).toBe(-2n); // half away from zero
    expect(convertMinor(12345n, 'JPY', 'USD', parseRate('150'), true)).toBe(8230n); // 82.30
    expect(convertMinor(10000n, 'USD', 'JPY', parseRate('151.75'))).toBe(15175n);
    expect(convertMinor(10000n, 'USD', 'KWD', parseRate('0.30745'))).toBe(30745n);
  });

  it('equals the exact product rounded half-up, for any amount and rate (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), fc.bigInt({ min: 1n, max: 10n ** 10n }), fc.integer({ min: 0, max: 8 }), (minor, num, scale) => {
        const rate = parseRate(formatRate({ num, scale }));
        const got = convertMinor(minor, 'EUR', 'JPY', rate); // EUR 2 decimals → JPY 0
        const exactNum = minor * num; // in JPY units × 100 × 10^scale
        const den = 100n * 10n ** BigInt(scale);
        const abs = exactNum < 0n ? -exactNum : exactNum;
        const floor = abs / den;
        const rounded = (abs - floor * den) * 2n >= den ? floor + 1n : floor;
        expect(got).toBe(exactNum < 0n ? -rounded : rounded);
      }),
    );
  });

  it('rates are decimal text, never floats', () => {
    expect(formatRate(parseRate('1.08320'))).toBe('1.0832');
    expect(formatRate(parseRate('0.000001'))).toBe('0.000001');
    for (const bad of ['0', '-1.2', '1,08', 'abc', '1e3', '1.0000000000001']) expect(() => parseRate(bad)).toThrow(/exchange rate/);
  });
});

describe('FxConverter', () => {
  const rows = [
    { base: 'EUR', quote: 'USD', day: '2026-11-01', rate: '1.05' },
    { base: 'EUR', quote: 'USD', day: '2026-11-10', rate: '1.08' },
    { base: 'USD', quote: 'EUR', day: '2026-11-15', rate: '0.9' },
    { base: 'USD', quote: 'EUR', day: '2026-12-01', rate: '0.5' },
  ];
  it('uses the most recent rate on or before the date, the reverse pair when it is newer, nothing after the as-of day', () => {
    const fx = new FxConverter('USD', rows, '2026-11-20');
    expect(fx.convert(10000n, 'EUR', '2026-11-09')).toBe(10500n);
    expect(fx.convert(10000n, 'EUR', '2026-11-10')).toBe(10800n);
    expect(fx.convert(9000n, 'EUR', '2026-11-16')).toBe(10000n); // 90 / 0.9
    expect(fx.convert(9000n, 'EUR', '2026-12-24')).toBe(10000n); // capped at the as-of day: not 0.5
    expect(fx.convert(123n, 'USD', '2020-01-01')).toBe(123n);
    expect(() => fx.convert(1n, 'EUR', '2026-10-31')).toThrow('No exchange rate from EUR to USD on or before 2026-10-31.');
    expect(() => fx.convert(1n, 'GBP', '2026-11-20')).toThrow(/GBP to USD on or before 2026-11-20/);
    expect(fx.uses().map((u) => `${u.from} ${u.rateDate} ${u.inverse} ${u.amounts}`)).toEqual(['EUR 2026-11-01 false 1', 'EUR 2026-11-10 false 1', 'EUR 2026-11-15 true 2']);
  });
});
