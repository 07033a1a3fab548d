/**
 * An independent computation of sales-document totals for the tests ("Numbers people can
 * trust"): exact decimal strings, the value computed at full precision and rounded half-up by
 * reading the dropped digits — written apart from src/domain/pricing.ts on purpose — and
 * generators of documents as people type them (quantity, price, discount, tax as text).
 */
import fc from 'fast-check';
import { currencyExponent } from '../../src/domain/money.js';
import type { TaxMode } from '../../src/domain/pricing.js';

export interface TextLine {
  qty: string;
  price: string;
  discount: string | null;
  tax: string;
}

/** "12.5" → digits and the number of decimals, without touching floats. */
export function decimal(text: string): { digits: bigint; scale: number } {
  const [whole, frac = ''] = text.replace('%', '').split('.');
  return { digits: BigInt(whole! + frac), scale: frac.length };
}

/** Round value / 10^drop half-up by reading the dropped digits as text. */
export function roundDroppingDigits(value: bigint, drop: number): bigint {
  if (drop === 0) return value;
  const s = value.toString().padStart(drop + 1, '0');
  const kept = BigInt(s.slice(0, s.length - drop));
  return s[s.length - drop]! >= '5' ? kept + 1n : kept;
}

/** Exact product of decimals a·b·…, as digits at scale Σscales. */
export function times(...xs: { digits: bigint; scale: number }[]): { digits: bigint; scale: number } {
  return xs.reduce((a, b) => ({ digits: a.digits * b.digits, scale: a.scale + b.scale }), { digits: 1n, scale: 0 });
}

/** A decimal amount expressed in minor units of a currency with `exp` decimals, rounded half-up. */
export function toMinor(x: { digits: bigint; scale: number }, exp: number): bigint {
  if (x.scale >= exp) return roundDroppingDigits(x.digits, x.scale - exp);
  return x.digits * 10n ** BigInt(exp - x.scale);
}

export function oracle(lines: TextLine[], currency: string, mode: TaxMode): { subtotal: bigint; tax: bigint; total: bigint } {
  const exp = currencyExponent(currency);
  const hundred = { digits: 100n, scale: 0 };
  const nets: { net: bigint; tax: string }[] = lines.map((l) => {
    const qty = decimal(l.qty);
    const price = decimal(l.price);
    if (l.discount?.endsWith('%')) {
      const pct = decimal(l.discount);
      // qty × price × (100 − pct) / 100, all exact, then one rounding.
      const remaining = { digits: hundred.digits * 10n ** BigInt(pct.scale) - pct.digits, scale: pct.scale };
      const exact = times(qty, price, remaining);
      return { net: toMinor({ digits: exact.digits, scale: exact.scale + 2 }, exp), tax: l.tax };
    }
    const gross = toMinor(times(qty, price), exp);
    const off = l.discount ? toMinor(decimal(l.discount), exp) : 0n;
    return { net: gross - off, tax: l.tax };
  });
  const subtotal = nets.reduce((s, n) => s + n.net, 0n);
  let tax = 0n;
  if (mode === 'line') {
    for (const n of nets) {
      const rate = decimal(n.tax);
      tax += roundDroppingDigits(n.net * rate.digits, rate.scale + 2);
    }
  } else {
    const rates = [...new Set(nets.map((n) => n.tax))];
    for (const r of rates) {
      const base = nets.filter((n) => n.tax === r).reduce((s, n) => s + n.net, 0n);
      const rate = decimal(r);
      tax += roundDroppingDigits(base * rate.digits, rate.scale + 2);
    }
  }
  return { subtotal, tax, total: subtotal + tax };
}

export const currencies = fc.constantFrom('JPY', 'EUR', 'KWD', 'USD');

export function decimalText(maxWhole: number, decimals: number): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 0, max: maxWhole }), fc.integer({ min: 0, max: decimals }), fc.integer({ min: 0, max: 999 })).map(([w, d, f]) => (d === 0 ? String(w) : `${w}.${String(f).padStart(3, '0').slice(0, d)}`));
}

export const lineFor = (exp: number): fc.Arbitrary<TextLine> =>
  fc
    .record({
      qty: decimalText(500, 3).filter((q) => /[1-9]/.test(q)),
      price: decimalText(100000, exp),
      discountKind: fc.constantFrom('none', 'percent', 'amount'),
      pct: decimalText(100, 2).filter((p) => Number(p) <= 100),
      amountShare: fc.integer({ min: 0, max: 100 }),
      tax: fc.constantFrom('0', '5', '7.25', '10', '16', '19', '20', '21', '8.875'),
    })
    .map((r) => {
      let discount: string | null = null;
      if (r.discountKind === 'percent') discount = `${r.pct}%`;
      return { qty: r.qty, price: r.price, discount, tax: r.tax, amountShare: r.amountShare, discountKind: r.discountKind };
    })
    .map((l) => {
      // An amount discount no larger than the line: a share of its rounded gross, in whole minor units.
      if (l.discountKind === 'amount') {
        const gross = toMinor(times(decimal(l.qty), decimal(l.price)), exp);
        const off = (gross * BigInt(l.amountShare)) / 100n;
        const s = off.toString().padStart(exp + 1, '0');
        l.discount = exp === 0 ? s : `${s.slice(0, -exp)}.${s.slice(-exp)}`;
      }
      return { qty: l.qty, price: l.price, discount: l.discount, tax: l.tax };
    });

export const documents = currencies.chain((currency) => fc.record({ currency: fc.constant(currency), mode: fc.constantFrom<TaxMode>('line', 'document'), lines: fc.array(lineFor(currencyExponent(currency)), { minLength: 1, maxLength: 12 }) }));

