/**
 * Dates in imported files. ISO (2026-03-04, 2026-03-04T09:30:00Z, 2026-03-04 9:30) by default;
 * --date-format DMY|MDY|YMD for day-first, month-first or slashed year-first files. A date like
 * 03/04/2026 without a format is an error, never a guess; 25/04/2026 is not ambiguous.
 * Times without a zone are in the user's zone (TZ) and stored as UTC.
 * Two-digit years (03/04/26) need --date-format; --century-pivot P (default 70) reads YY < P as
 * 20YY and YY >= P as 19YY. With --calendar persian, a Jalali date (year 1200–1499) is converted
 * to its Gregorian day; without it such a year is refused ("looks like a Jalali year").
 */
import { DateTime } from 'luxon';
import { jalaliToIsoDate, looksJalaliYear, type CalendarKind } from '../domain/dates.js';

export type DateOrder = 'DMY' | 'MDY' | 'YMD';

export class DateError extends Error {}

/** How an import reads its dates beyond the order: the calendar and the two-digit-year pivot. */
export interface DateReading {
  calendar?: CalendarKind;
  /** Two-digit years below it are 20YY, the rest 19YY (default 70). */
  centuryPivot?: number;
}

export const DEFAULT_CENTURY_PIVOT = 70;

export function parseCenturyPivot(value: string): number {
  const v = value.trim();
  if (!/^\d{1,2}$/.test(v)) throw new DateError(`--century-pivot must be a number from 0 to 99, not "${value}"`);
  return Number(v);
}

const ISO_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const PARTS_RE = /^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

interface Parts {
  y: number;
  m: number;
  d: number;
  hh?: number;
  mm?: number;
  ss?: number;
  ms?: number;
  zone?: string;
}

function fullYear(y: string, raw: string, order: DateOrder | undefined, reading: DateReading): number {
  if (y.length === 4) return Number(y);
  if (y.length === 2 && order) {
    const yy = Number(y);
    return yy < (reading.centuryPivot ?? DEFAULT_CENTURY_PIVOT) ? 2000 + yy : 1900 + yy;
  }
  throw new DateError(`"${raw}" has a two-digit year; write the full year (2026), or pass --date-format (and --century-pivot) to read it`);
}

function parseParts(raw: string, order: DateOrder | undefined, reading: DateReading = {}): Parts {
  const v = raw.trim();
  const iso = ISO_RE.exec(v);
  if (iso) {
    return jalali(raw, reading, { y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]), hh: iso[4] !== undefined ? Number(iso[4]) : undefined, mm: iso[5] !== undefined ? Number(iso[5]) : undefined, ss: iso[6] !== undefined ? Number(iso[6]) : undefined, ms: iso[7] !== undefined ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : undefined, zone: iso[8] });
  }
  const p = PARTS_RE.exec(v);
  if (!p) throw new DateError(`"${raw}" is not a date`);
  const [a, b, c] = [p[1]!, p[2]!, p[3]!];
  let y: number, m: number, d: number;
  if (a.length === 4) {
    if (order && order !== 'YMD') throw new DateError(`"${raw}" is not in ${order} order`);
    [y, m, d] = [Number(a), Number(b), Number(c)];
    if (c.length > 2) throw new DateError(`"${raw}" is not a date`);
  } else {
    const first = Number(a);
    const second = Number(b);
    let eff = order;
    if (!eff || eff === 'YMD') {
      if (order === 'YMD') throw new DateError(`"${raw}" is not in YMD order`);
      if (first > 12 && second <= 12) eff = 'DMY';
      else if (second > 12 && first <= 12) eff = 'MDY';
      else throw new DateError(`"${raw}" is ambiguous (day-month or month-day?); pass --date-format DMY or --date-format MDY`);
    }
    if (c.length !== 4 && c.length !== 2) throw new DateError(`"${raw}" is not a date`);
    y = fullYear(c, raw, order, reading);
    [d, m] = eff === 'DMY' ? [first, second] : [second, first];
  }
  let hh = p[4] !== undefined ? Number(p[4]) : undefined;
  const ampm = p[8]?.toLowerCase();
  if (hh !== undefined && ampm) {
    if (hh < 1 || hh > 12) throw new DateError(`"${raw}" has a bad hour`);
    hh = (hh % 12) + (ampm === 'pm' ? 12 : 0);
  }
  return jalali(raw, reading, { y, m, d, hh, mm: p[5] !== undefined ? Number(p[5]) : undefined, ss: p[6] !== undefined ? Number(p[6]) : undefined, ms: p[7] !== undefined ? Number(p[7].slice(0, 3).padEnd(3, '0')) : undefined, zone: p[9] });
}

/** A Jalali date's parts as their Gregorian day (--calendar persian), or the refusal without it. */
function jalali(raw: string, reading: DateReading, parts: Parts): Parts {
  if (!looksJalaliYear(parts.y)) return parts;
  if (reading.calendar !== 'persian') throw new DateError(`"${raw}" looks like a Jalali year (${parts.y}) — use --calendar persian`);
  const iso = jalaliToIsoDate(parts.y, parts.m, parts.d);
  if (!iso) throw new DateError(`"${raw}" is not a day of the Persian calendar`);
  return { ...parts, y: Number(iso.slice(0, 4)), m: Number(iso.slice(5, 7)), d: Number(iso.slice(8, 10)) };
}

function checkDate(parts: Parts, raw: string): void {
  const dt = new Date(Date.UTC(parts.y, parts.m - 1, parts.d));
  if (parts.m < 1 || parts.m > 12 || dt.getUTCMonth() !== parts.m - 1 || dt.getUTCDate() !== parts.d) throw new DateError(`"${raw}" is not a real date`);
  if (parts.hh !== undefined && (parts.hh > 23 || (parts.mm ?? 0) > 59 || (parts.ss ?? 0) > 59)) throw new DateError(`"${raw}" has a bad time of day`);
}

/** A calendar date: YYYY-MM-DD. */
export function parseDate(raw: string, order?: DateOrder, reading?: DateReading): string {
  const parts = parseParts(raw, order, reading);
  checkDate(parts, raw);
  return `${String(parts.y).padStart(4, '0')}-${String(parts.m).padStart(2, '0')}-${String(parts.d).padStart(2, '0')}`;
}

/** A moment as an ISO-8601 UTC string; a date alone is midnight in the user's zone. */
export function parseDateTime(raw: string, order: DateOrder | undefined, timeZone: string, reading?: DateReading): string {
  const parts = parseParts(raw, order, reading);
  checkDate(parts, raw);
  const zone = parts.zone ? (parts.zone.toUpperCase() === 'Z' ? 'utc' : `UTC${parts.zone.length === 5 ? parts.zone.slice(0, 3) + ':' + parts.zone.slice(3) : parts.zone}`) : timeZone;
  const dt = DateTime.fromObject({ year: parts.y, month: parts.m, day: parts.d, hour: parts.hh ?? 0, minute: parts.mm ?? 0, second: parts.ss ?? 0, millisecond: parts.ms ?? 0 }, { zone });
  if (!dt.isValid) throw new DateError(`"${raw}" is not a valid time (${dt.invalidExplanation ?? dt.invalidReason})`);
  return dt.toUTC().toISO()!;
}

export function parseDateOrder(value: string): DateOrder {
  const v = value.toUpperCase().replace(/[^DMY]/g, '');
  if (v === 'DMY' || v === 'MDY' || v === 'YMD') return v;
  throw new DateError(`Unknown date format "${value}"`);
}
