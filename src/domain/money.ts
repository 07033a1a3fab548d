/**
 * Money is an integer count of minor units plus an ISO 4217 currency. It never passes through
 * floating point: parsing works on digit strings, sums on integers (bigint past 2^53).
 */
import { UserError } from '../errors.js';

// Seeded with the commonest codes (what Intl answers for them) so most runs never build a NumberFormat.
const exponentCache = new Map<string, number>([
  ['USD', 2],
  ['EUR', 2],
  ['GBP', 2],
]);

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

let knownCurrencies: Set<string> | undefined;

/** An ISO 4217 code this runtime knows (Intl accepts any three letters, so check the list). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Za-z]{3}$/.test(code)) return false;
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return knownCurrencies.has(code.toUpperCase());
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

/**
 * The largest amount crm stores, in minor units: both engines hand amounts back as JS numbers,
 * which are exact up to Number.MAX_SAFE_INTEGER (90,071,992,547,409.91 EUR) — past it a stored
 * amount would come back rounded. Every amount written goes through storableMinor.
 */
export const MAX_MINOR = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The minor units as the number to store, or a one-line UserError naming `what` ("The unit
 * price", "Line 2's net", "The quote's total") when too large to store exactly.
 */
export function storableMinor(minor: bigint, currency: string, what: string): number {
  if (minor > MAX_MINOR || minor < -MAX_MINOR) {
    throw new UserError(`${what} is too large: ${new Money(minor, currency).format()} (crm stores amounts up to ${new Money(MAX_MINOR, currency).format()}).`, undefined, 'invalid_amount');
  }
  return Number(minor);
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

/** Currency symbols understood by parseMoney. "$" is USD and "¥" is JPY; write CNY, CAD… for the others. */
const SYMBOLS: [string, string][] = [
  ['US$', 'USD'],
  ['R$', 'BRL'],
  ['C$', 'CAD'],
  ['A$', 'AUD'],
  ['CN¥', 'CNY'],
  ['JP¥', 'JPY'],
  ['€', 'EUR'],
  ['$', 'USD'],
  ['£', 'GBP'],
  ['¥', 'JPY'],
  ['￥', 'JPY'],
  ['元', 'CNY'],
  ['₹', 'INR'],
  ['₽', 'RUB'],
  ['₩', 'KRW'],
  ['₺', 'TRY'],
  ['₪', 'ILS'],
  ['₴', 'UAH'],
  ['₦', 'NGN'],
  ['฿', 'THB'],
  ['₫', 'VND'],
  ['zł', 'PLN'],
];

/** Currencies whose home convention writes a decimal point: "$1,250" is 1250 USD without a locale. */
const DOT_DECIMAL_CURRENCIES = new Set(['USD', 'GBP', 'CNY', 'INR', 'AUD', 'NZD', 'HKD', 'SGD', 'MXN', 'CHF', 'AED', 'SAR', 'QAR', 'ILS', 'THB', 'PHP', 'MYR']);

/** Spaces of every kind used as thousands separators (NBSP, narrow NBSP, thin space). */
const SPACE_GROUP = /[ \u00a0\u202f\u2009]/g;

export interface ParseMoneyOptions {
  /** Currency when the text names none (e.g. --currency EUR). */
  defaultCurrency?: string;
  /** BCP 47 locale deciding the decimal and grouping separators: de, de-DE, en, fr, de-CH… */
  locale?: string;
}

const AMOUNT_HINT = 'Write amounts like "12500.50 EUR", "EUR 12,500.50", "$1,250" or "¥1200"';

/** The decimal and group separators of a locale (throws a UserError for an unknown locale). */
export function localeSeparators(locale: string): { decimal: string; group: string } {
  let supported: string[];
  try {
    supported = Intl.NumberFormat.supportedLocalesOf([locale]);
  } catch {
    supported = [];
  }
  if (supported.length === 0) throw new UserError(`Unknown locale "${locale}".`, 'Use a language tag such as en, de, de-DE, fr, de-CH or pt-BR.', 'invalid_locale');
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(1234567.5);
  return { decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.', group: parts.find((p) => p.type === 'group')?.value ?? ',' };
}

/**
 * Parse an amount with its currency into Money, exactly (digit strings, never floats):
 *
 *   "12500.50 EUR", "12,500.50 EUR", "EUR 12500", "$1,250", "¥1200", "R$ 1.500,00",
 *   "€12.500,50" with locale de, "12 500,50 €" (spaces always group thousands).
 *
 * Separators without a locale: digits-only is a whole amount; when both "." and "," appear,
 * the last one is the decimal point; a separator that appears more than once groups thousands;
 * a single "." or "," followed by exactly three digits ("12.500", "12,500") is ambiguous and
 * an error (unless the currency itself has three decimals, like KWD) — give a locale. Any other
 * single separator is the decimal point ("12.5", "12,50"). With a locale, its decimal
 * separator is the decimal point and its group separator (and spaces, and "'") group thousands.
 * More decimals than the currency has (0 for JPY, 2 for EUR, 3 for KWD) is an error, never rounded.
 */
export function parseMoney(text: string, opts: ParseMoneyOptions = {}): Money {
  const original = text;
  let rest = text.trim();
  if (rest === '') throw new UserError('The amount is empty.', AMOUNT_HINT, 'invalid_amount');
  let currency: string | undefined;
  const found = (code: string) => {
    if (currency && currency !== code) throw new UserError(`"${original}" names two currencies (${currency} and ${code}).`, AMOUNT_HINT, 'invalid_amount');
    currency = code;
  };
  // ISO code before or after the number.
  let m = /^([A-Za-z]{3})\s*(?=[-+\d.,\s$€£¥])/.exec(rest) ?? null;
  if (m) {
    const code = m[1]!.toUpperCase();
    if (!isCurrencyCode(code)) throw new UserError(`Unknown currency "${m[1]}" in "${original}".`, 'Use an ISO 4217 code such as EUR, USD, JPY, AED, BRL or CNY.', 'invalid_currency');
    found(code);
    rest = rest.slice(m[0].length).trim();
  }
  m = /(?<=[\d.,\s$€£¥])\s*([A-Za-z]{3})$/.exec(rest);
  if (m) {
    const code = m[1]!.toUpperCase();
    if (!isCurrencyCode(code)) throw new UserError(`Unknown currency "${m[1]}" in "${original}".`, 'Use an ISO 4217 code such as EUR, USD, JPY, AED, BRL or CNY.', 'invalid_currency');
    found(code);
    rest = rest.slice(0, rest.length - m[0].length).trim();
  }
  // A sign may come before a symbol: "-$5".
  let negative = false;
  if (/^[-−]/.test(rest)) {
    negative = true;
    rest = rest.slice(1).trim();
  }
  for (const [symbol, code] of SYMBOLS) {
    if (rest.startsWith(symbol)) {
      found(code);
      rest = rest.slice(symbol.length).trim();
      break;
    }
    if (rest.endsWith(symbol)) {
      found(code);
      rest = rest.slice(0, rest.length - symbol.length).trim();
      break;
    }
  }
  if (/^[-−]/.test(rest)) {
    if (negative) throw new UserError(`Not an amount: "${original}".`, AMOUNT_HINT, 'invalid_amount');
    negative = true;
    rest = rest.slice(1).trim();
  }
  const code = currency ?? opts.defaultCurrency?.toUpperCase();
  if (!code) throw new UserError(`"${original}" has no currency.`, 'Add one: "12500.50 EUR" — or give --currency EUR.', 'missing_currency');
  if (!currency && !isCurrencyCode(code)) throw new UserError(`Unknown currency "${code}".`, 'Use an ISO 4217 code such as EUR, USD, JPY, AED, BRL or CNY.', 'invalid_currency');
  const exp = currencyExponent(code);
  if (!/^\d[\d.,'\s\u00a0\u202f\u2009]*$/.test(rest) || /[.,'\s\u00a0\u202f\u2009]$/.test(rest)) {
    throw new UserError(`Not an amount: "${original}".`, AMOUNT_HINT, 'invalid_amount');
  }
  const { whole, frac } = splitDecimal(rest, original, code, exp, opts.locale);
  if (frac.length > exp) {
    throw new UserError(`Too many decimals for ${code} in "${original}" (${code} has ${exp}).`, exp === 0 ? `${code} has no minor unit: write a whole amount, e.g. "1200 ${code}"` : `Round it yourself to ${exp} decimals.`, 'invalid_amount');
  }
  const minor = BigInt(whole + frac.padEnd(exp, '0'));
  return new Money(negative ? -minor : minor, code);
}

function ambiguous(original: string): UserError {
  return new UserError(
    `"${original}" is ambiguous: is the separator a decimal point or a thousands separator?`,
    'Give --locale (de reads 12.500 as twelve thousand five hundred, en as twelve and a half), or write it unambiguously: "12500" or "12500.00".',
    'ambiguous_amount',
  );
}

/** Whole and fraction digit strings of a number made of digits and separators. */
function splitDecimal(text: string, original: string, currency: string, exp: number, locale?: string): { whole: string; frac: string } {
  const bad = () =>
    new UserError(
      `Not an amount: "${original}".`,
      locale ? `In locale ${locale} the decimal separator is "${localeSeparators(locale).decimal}"; write e.g. ${new Intl.NumberFormat(locale, { minimumFractionDigits: 2 }).format(12500.5)} ${currency}` : AMOUNT_HINT,
      'invalid_amount',
    );
  let s = text.replace(SPACE_GROUP, ' ');
  let decimal: string | undefined;
  let group: string[];
  if (locale) {
    const sep = localeSeparators(locale);
    decimal = sep.decimal;
    group = [sep.group.replace(SPACE_GROUP, ' '), ' ', "'"];
    if (decimal === '.' || decimal === ',') {
      const other = decimal === '.' ? ',' : '.';
      if (!group.includes(other) && s.includes(other)) throw new UserError(`"${original}" does not read as a number in locale ${locale}.`, `In ${locale} the decimal separator is "${decimal}".`, 'invalid_amount');
    }
  } else {
    const dots = (s.match(/\./g) ?? []).length;
    const commas = (s.match(/,/g) ?? []).length;
    group = [' ', "'"];
    if (dots && commas) {
      decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
      group.push(decimal === '.' ? ',' : '.');
      if ((decimal === '.' ? dots : commas) > 1) throw bad();
    } else if (dots + commas > 1) {
      group.push(dots ? '.' : ',');
    } else if (dots + commas === 1) {
      const sep = dots ? '.' : ',';
      const after = s.length - s.indexOf(sep) - 1;
      const hasSpaceGroups = /[ ']/.test(s);
      if (after === 3 && !hasSpaceGroups && exp !== 3) {
        // "1,250": grouping for a currency without decimals or whose home convention is a
        // decimal point ("$1,250"); otherwise ("12,500 EUR", "12.500 EUR") ambiguous.
        // "0.001": a leading 0 groups nothing, so it can only be a decimal point.
        if (/^0+$/.test(s.slice(0, s.indexOf(sep)))) decimal = sep;
        else if (exp === 0 || (sep === ',' && DOT_DECIMAL_CURRENCIES.has(currency))) group.push(sep);
        else if (sep === '.' && DOT_DECIMAL_CURRENCIES.has(currency)) decimal = sep;
        else throw ambiguous(original);
      } else {
        decimal = sep;
      }
    }
  }
  const at = decimal ? s.lastIndexOf(decimal) : -1;
  let wholePart = at >= 0 ? s.slice(0, at) : s;
  const frac = at >= 0 ? s.slice(at + 1) : '';
  if (!/^\d*$/.test(frac) || (at >= 0 && frac === '')) throw bad();
  // Groups: every group after the first has exactly three digits (Indian lakh grouping with a locale).
  const groupRe = new RegExp(`[${group.map((g) => g.replace(/[\]\\^-]/g, '\\$&')).join('')}]`);
  const chunks = wholePart.split(groupRe);
  if (chunks.length > 1) {
    const lakh = locale ? /-IN$/i.test(locale) : false;
    const ok = chunks.every((c, i) => /^\d+$/.test(c) && (i === 0 ? c.length <= 3 : c.length === 3 || (lakh && i < chunks.length - 1 && c.length === 2)));
    if (!ok) throw bad();
  }
  wholePart = chunks.join('');
  s = wholePart;
  if (!/^\d+$/.test(s)) throw bad();
  return { whole: s.replace(/^0+(?=\d)/, ''), frac };
}

/**
 * An exchange rate, exactly: "1 base = num / 10^scale quote". Parsed from decimal text
 * ("1.0832", "157.2", "0.0092") — never a float, so converting is exact until its one rounding.
 */
export interface ExactRate {
  num: bigint;
  scale: number;
}

/** "1.0832" → the rate; a positive plain decimal of at most 12 decimals, else a UserError. */
export function parseRate(text: string): ExactRate {
  const m = /^\+?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m || (m[2]?.length ?? 0) > 12) throw new UserError(`"${text}" is not an exchange rate.`, 'Write a positive decimal with a point, at most 12 decimals: 1.0832', 'invalid_rate');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const num = BigInt(m[1]! + frac);
  if (num === 0n) throw new UserError(`An exchange rate must be more than zero (got "${text}").`, 'Write it like 1.0832', 'invalid_rate');
  return { num, scale: frac.length };
}

/** The rate as canonical decimal text: "1.0832", "157.2", "2" (what is stored and shown). */
export function formatRate(r: ExactRate): string {
  const digits = r.num.toString().padStart(r.scale + 1, '0');
  return r.scale === 0 ? digits : `${digits.slice(0, -r.scale)}.${digits.slice(-r.scale)}`;
}

/** a / b rounded half-up (half away from zero for negative amounts) — the one rounding of money. */
export function divideHalfUp(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('division by zero');
  const negative = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  const q = (2n * x + y) / (2n * y);
  return negative ? -q : q;
}

/**
 * Convert minor units of `from` into minor units of `to` at `rate` (1 from = rate to; with
 * `inverse`, the rate is of the reverse pair: 1 to = rate from), exactly, then rounded half-up
 * once to the target currency's minor unit (JPY 0 decimals, EUR 2, KWD 3).
 */
export function convertMinor(minor: bigint, from: string, to: string, rate: ExactRate, inverse = false): bigint {
  const shift = currencyExponent(to) - currencyExponent(from);
  let num = inverse ? 10n ** BigInt(rate.scale) : rate.num;
  let den = inverse ? rate.num : 10n ** BigInt(rate.scale);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  return divideHalfUp(minor * num, den);
}
