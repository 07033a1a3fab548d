/** Money in narrow cells: board column headers, the dashboard. Exact figures are in the reports. */
import { currencyExponent, type Money } from '../domain/money.js';
import { stringWidth } from './text.js';

/** "125k EUR", "1.2M USD", "950 JPY": headers are narrow; exact totals are in `crm pipeline summary`. */
export function shortMoney(m: Money): string {
  const exp = currencyExponent(m.currency);
  const negative = m.minor < 0n;
  const whole = (negative ? -m.minor : m.minor) / 10n ** BigInt(exp);
  let text: string;
  if (whole >= 1_000_000_000n) text = `${whole / 1_000_000_000n}.${(whole / 100_000_000n) % 10n}B`;
  else if (whole >= 1_000_000n) text = `${whole / 1_000_000n}.${(whole / 100_000n) % 10n}M`;
  else if (whole >= 10_000n) text = `${whole / 1000n}k`;
  else text = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${text} ${m.currency}`;
}

/**
 * Several currencies in at most `width` columns: "504k EUR, 836k USD +6" — as many as fit, then
 * how many more there are (a report never adds EUR to USD, so neither does a cell).
 */
export function moneyList(bag: readonly Money[], width: number): string {
  if (bag.length === 0) return '0';
  let out = '';
  for (let i = 0; i < bag.length; i++) {
    const next = (out ? `${out}, ` : '') + shortMoney(bag[i]!);
    const rest = bag.length - i - 1;
    const more = rest ? ` +${rest}` : '';
    if (stringWidth(next + more) > width) return out ? `${out} +${bag.length - i}` : `${shortMoney(bag[0]!)}${bag.length > 1 ? ` +${bag.length - 1}` : ''}`;
    out = next;
  }
  return out;
}
