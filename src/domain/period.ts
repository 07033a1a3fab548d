/**
 * Reporting periods as half-open UTC ranges [start, end), cut in the user's time zone:
 *   --period 2026-Q4 | 2026-11 | 2026 | 2026-W47 | 2026-11-20   --week 2026-W47
 *   --period this-week | last-week | this-month | last-month | this-quarter | last-quarter |
 *            this-year | last-year | today | yesterday | last-30d (any last-Nd: N days to today)
 *   --from 2026-10-01 --to 2026-12-31 (both days included)
 * Named weeks (2026-W47) are ISO weeks (Monday first; week 1 holds the year's first Thursday).
 * this-week / last-week (and a report's default week) start on the user's week start (1 = Monday …
 * 7 = Sunday, `crm user edit --week-start`, else the database's default): a Sunday-first week is
 * the 7 days from Sunday, labelled by its days (2026-11-29..2026-12-05), since it is no ISO week.
 */
import { UsageError } from '../errors.js';
import { jalaliYearError, looksJalaliYear } from './dates.js';
import { zonedDate, zonedMidnightUtc } from '../db/filter.js';

export interface Period {
  /** Inclusive start instant (ISO UTC). */
  start: string;
  /** Exclusive end instant (ISO UTC). */
  end: string;
  /** Human label: "2026-Q4", "2026-W47", "2026-10-01..2026-12-31". */
  label: string;
  /** The same-length period just before (for "vs previous"). */
  previous(): Period;
}

type Ymd = [number, number, number];

function plusDays([y, m, d]: Ymd, n: number): Ymd {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

function addMonths([y, m]: Ymd, n: number): Ymd {
  const idx = y * 12 + (m - 1) + n;
  return [Math.floor(idx / 12), (idx % 12) + 1, 1];
}

function fmt([y, m, d]: Ymd): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function ymdOf(day: string): Ymd {
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
}

/** The YYYY-MM-DD day `n` days after `day` (before it when n is negative). */
export function addDays(day: string, n: number): string {
  return fmt(plusDays(ymdOf(day), n));
}

/** Whole days from one YYYY-MM-DD day to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [a, b] = [ymdOf(from), ymdOf(to)];
  return Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86_400_000);
}

/** A typed day ("2026-11-30") checked and written as YYYY-MM-DD; a UsageError naming `what` otherwise. */
export function canonicalDay(text: string, what = 'date'): string {
  return fmt(parseDay(text, what));
}

/** Monday of ISO week 1 of an ISO year. */
function isoWeekOneMonday(year: number): Ymd {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const dow = (jan4.getUTCDay() + 6) % 7;
  return plusDays([year, 1, 4], -dow);
}

export function isoWeekOf(ymd: Ymd): { year: number; week: number } {
  const t = new Date(Date.UTC(ymd[0], ymd[1] - 1, ymd[2]));
  const dow = (t.getUTCDay() + 6) % 7;
  const thursday = plusDays(ymd, 3 - dow);
  const week1 = isoWeekOneMonday(thursday[0]);
  const days = Math.round((Date.UTC(thursday[0], thursday[1] - 1, thursday[2]) - Date.UTC(week1[0], week1[1] - 1, week1[2])) / 86400000);
  return { year: thursday[0], week: Math.floor(days / 7) + 1 };
}

function validYmd([y, m, d]: Ymd): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function make(startDay: Ymd, endDay: Ymd, label: string, tz: string, prev: () => Period): Period {
  return { start: zonedMidnightUtc(...startDay, tz), end: zonedMidnightUtc(...endDay, tz), label, previous: prev };
}

export function parseDay(text: string, what = 'date'): Ymd {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const ymd: Ymd | null = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  if (ymd && looksJalaliYear(ymd[0])) throw jalaliYearError(text.trim(), ...ymd);
  if (!ymd || !validYmd(ymd)) throw new UsageError(`${what} "${text}" is not a date.`, 'Use YYYY-MM-DD, e.g. 2026-11-20.');
  return ymd;
}

/** Parse a named period in a zone. */
export function parsePeriod(text: string, tz: string): Period {
  const v = text.trim().toUpperCase();
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-Q([1-4])$/.exec(v))) {
    const y = Number(m[1]), q = Number(m[2]);
    const s: Ymd = [y, (q - 1) * 3 + 1, 1];
    return make(s, addMonths(s, 3), `${y}-Q${q}`, tz, () => parsePeriod(q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`, tz));
  }
  if ((m = /^(\d{4})-W(\d{2})$/.exec(v))) {
    const y = Number(m[1]), w = Number(m[2]);
    const monday = plusDays(isoWeekOneMonday(y), (w - 1) * 7);
    if (w < 1 || isoWeekOf(monday).year !== y) throw new UsageError(`${text} is not an ISO week.`, 'Use YYYY-Www, e.g. 2026-W47.');
    return make(monday, plusDays(monday, 7), `${y}-W${String(w).padStart(2, '0')}`, tz, () => {
      const prev = isoWeekOf(plusDays(monday, -7));
      return parsePeriod(`${prev.year}-W${String(prev.week).padStart(2, '0')}`, tz);
    });
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(v))) {
    const s: Ymd = [Number(m[1]), Number(m[2]), 1];
    if (s[1] < 1 || s[1] > 12) throw new UsageError(`${text} is not a month.`, 'Use YYYY-MM, e.g. 2026-11.');
    return make(s, addMonths(s, 1), v, tz, () => parsePeriod(fmt(addMonths(s, -1)).slice(0, 7), tz));
  }
  if ((m = /^(\d{4})$/.exec(v))) {
    const y = Number(m[1]);
    return make([y, 1, 1], [y + 1, 1, 1], v, tz, () => parsePeriod(String(y - 1), tz));
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = parseDay(v);
    return make(d, plusDays(d, 1), v, tz, () => parsePeriod(fmt(plusDays(d, -1)), tz));
  }
  throw new UsageError(`Unknown period "${text}".`, PERIOD_HINT, 'bad_period');
}

const PERIOD_HINT = 'Use 2026-Q4, 2026-11, 2026-W47, 2026, 2026-11-20, or this-week, last-week, this-month, last-month, this-quarter, last-quarter, this-year, last-year, today, yesterday, last-30d.';

function weekLabel(t: Ymd): string {
  const w = isoWeekOf(t);
  return `${w.year}-W${String(w.week).padStart(2, '0')}`;
}

/** The week holding day `t`, starting on `weekStart` (1 = Monday … 7 = Sunday): an ISO week when Monday. */
function weekOf(t: Ymd, tz: string, weekStart: number): Period {
  if (weekStart === 1) return parsePeriod(weekLabel(t), tz);
  const dow = new Date(Date.UTC(t[0], t[1] - 1, t[2])).getUTCDay() || 7; // 1 = Monday … 7 = Sunday
  const first = plusDays(t, -((dow - weekStart + 7) % 7));
  return rangePeriod(fmt(first), fmt(plusDays(first, 6)), tz);
}

function quarterLabel([y, m]: Ymd): string {
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/**
 * A period as people say it, relative to `ref` (now, or --as-of) in the zone: this-week,
 * last-month, last-30d (the 30 days ending with today)… or any named period parsePeriod knows.
 */
export function resolvePeriod(text: string, ref: Date, tz: string, weekStart = 1): Period {
  const v = text.trim().toLowerCase();
  const z = zonedDate(ref, tz);
  const today: Ymd = [z.y, z.m, z.d];
  let m: RegExpExecArray | null;
  switch (v) {
    case 'today':
      return parsePeriod(fmt(today), tz);
    case 'yesterday':
      return parsePeriod(fmt(plusDays(today, -1)), tz);
    case 'this-week':
      return weekOf(today, tz, weekStart);
    case 'last-week':
      return weekOf(plusDays(today, -7), tz, weekStart);
    case 'this-month':
      return parsePeriod(fmt(today).slice(0, 7), tz);
    case 'last-month':
      return parsePeriod(fmt(addMonths(today, -1)).slice(0, 7), tz);
    case 'this-quarter':
      return parsePeriod(quarterLabel(today), tz);
    case 'last-quarter':
      return parsePeriod(quarterLabel(addMonths(today, -3)), tz);
    case 'this-year':
      return parsePeriod(String(today[0]), tz);
    case 'last-year':
      return parsePeriod(String(today[0] - 1), tz);
  }
  if ((m = /^last-(\d{1,4})d$/.exec(v))) {
    const n = Number(m[1]);
    if (n < 1) throw new UsageError(`${text} is an empty period.`, 'Use last-1d or more, e.g. last-30d.', 'bad_period');
    return rangePeriod(fmt(plusDays(today, 1 - n)), fmt(today), tz);
  }
  return parsePeriod(text, tz);
}

/** --from/--to as days (both included) in a zone. */
export function rangePeriod(from: string, to: string, tz: string): Period {
  const a = parseDay(from, '--from');
  const b = parseDay(to, '--to');
  if (fmt(b) < fmt(a)) throw new UsageError(`--to ${to} is before --from ${from}.`);
  const days = Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86400000) + 1;
  return make(a, plusDays(b, 1), `${fmt(a)}..${fmt(b)}`, tz, () => rangePeriod(fmt(plusDays(a, -days)), fmt(plusDays(a, -1)), tz));
}

export interface PeriodFlags {
  period?: string;
  week?: string;
  from?: string;
  to?: string;
}

/**
 * The period of a report from its flags; `fallback` names the default ("month", "quarter",
 * "week", "year") relative to `now` in the zone.
 */
export function periodFromFlags(flags: PeriodFlags, now: Date, tz: string, fallback: 'week' | 'month' | 'quarter' | 'year' = 'month', weekStart = 1): Period {
  const given = [flags.period, flags.week, flags.from ?? flags.to].filter((v) => v !== undefined).length;
  if (given > 1) throw new UsageError('Give one of --period, --week, or --from/--to.');
  if (flags.week) return resolvePeriod(flags.week, now, tz, weekStart);
  if (flags.period) return resolvePeriod(flags.period, now, tz, weekStart);
  const today = zonedDate(now, tz);
  const t: Ymd = [today.y, today.m, today.d];
  if (flags.from || flags.to) return rangePeriod(flags.from ?? '1970-01-01', flags.to ?? fmt(t), tz);
  switch (fallback) {
    case 'week':
      return weekOf(t, tz, weekStart);
    case 'quarter':
      return parsePeriod(`${t[0]}-Q${Math.floor((t[1] - 1) / 3) + 1}`, tz);
    case 'year':
      return parsePeriod(String(t[0]), tz);
    default:
      return parsePeriod(fmt(t).slice(0, 7), tz);
  }
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function todayIn(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
