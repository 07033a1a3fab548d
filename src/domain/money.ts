/**
 * Money is an integer count of minor units plus an ISO 4217 currency. It never passes through
 * floating point: parsing works on digit strings, sums on integers (bigint past 2^53).
 */
import { UserError } from '../errors.js';

const exponentCache = new Map<string, number>();

/** Digits after the decimal point for a currency: EUR 2, JPY 0, KWD 3. */
export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  let e = exponentCache.get(code);
  if (e === undefined) {
    try {
      e = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      e = 2;
    }
    exponentCache.set(code, e);
  }
  return e;
}

export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Za-z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code.toUpperCase() });
    return true;
  } catch {
    return false;
  }
}

export class Money {
  readonly minor: bigint;
  readonly currency: string;

  constructor(minor: bigint | number, currency: string) {
    this.minor = typeof minor === 'bigint' ? minor : BigInt(minor);
    this.currency = currency.toUpperCase();
  }

  /** "1250.00": the JSON amount, a decimal string with the currency's own number of digits. */
  get amount(): string {
    const exp = currencyExponent(this.currency);
    const negative = this.minor < 0n;
    const digits = (negative ? -this.minor : this.minor).toString().padStart(exp + 1, '0');
    const whole = exp === 0 ? digits : digits.slice(0, -exp);
    const frac = exp === 0 ? '' : '.' + digits.slice(-exp);
    return (negative ? '-' : '') + whole + frac;
  }

  /** "12,500.50 EUR" for people. */
  format(): string {
    const [whole, frac] = this.amount.split('.');
    const sign = whole!.startsWith('-') ? '-' : '';
    const grouped = whole!.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${sign}${grouped}${frac !== undefined ? '.' + frac : ''} ${this.currency}`;
  }

  toJSON(): { amount: string; currency: string } {
    return { amount: this.amount, currency: this.currency };
  }

  toString(): string {
    return this.format();
  }
}

export function money(minor: bigint | number | null | undefined, currency: string | null | undefined): Money | null {
  if (minor === null || minor === undefined || !currency) return null;
  return new Money(minor, currency);
}

/** Parse "12500.50" (a plain decimal) into minor units of the currency, exactly. */
export function decimalToMinor(text: string, currency: string): bigint {
  const exp = currencyExponent(currency);
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new UserError(`Not an amount: "${text}"`, 'Write amounts like 12500.50 EUR');
  const frac = m[3] ?? '';
  if (frac.length > exp) {
    throw new UserError(`Too many decimals for ${currency.toUpperCase()}: "${text}" (at most ${exp})`);
  }
  const minor = BigInt(m[2]! + frac.padEnd(exp, '0'));
  return m[1] ? -minor : minor;
}
