import { UsageError } from '../../errors.js';
import { parseDay } from '../../domain/period.js';
import { zonedMidnightUtc } from '../../db/filter.js';

/** --as-of: an ISO instant, or a date meaning the end of that day in the zone. */
export function parseAsOf(text: string, timeZone: string): Date {
  const v = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = parseDay(v, '--as-of');
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    return new Date(Date.parse(zonedMidnightUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone)) - 1);
  }
  const t = /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--as-of "${text}" is not a time.`, 'Use an ISO time such as 2026-11-20T18:00:00Z, or a date (the end of that day).');
  return new Date(t);
}
