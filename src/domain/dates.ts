/**
 * Natural-language dates for due dates, snoozes and `--at`: "tomorrow 9am", "in 3 days",
 * "next friday", "2026-12-01 14:30". Parsed by chrono-node relative to the session clock and
 * read as wall-clock time in the user's zone (TZ), then stored as a UTC instant.
 *
 * chrono-node and luxon are imported lazily: only commands that parse dates pay for them.
 */
import { isValidJalaaliDate, toGregorian, toJalaali } from 'jalaali-js';
import { UsageError, UserError } from '../errors.js';

/**
 * The calendar dates are read and shown in: `--calendar persian` (or a user's own setting,
 * `crm user edit sara --calendar persian`) reads and shows Jalali (solar hijri) dates; the
 * database and --json always hold Gregorian ISO dates.
 */
export type CalendarKind = 'gregorian' | 'persian';
export const CALENDAR_KINDS: readonly CalendarKind[] = ['gregorian', 'persian'];

export function parseCalendarKind(text: string, what = '--calendar'): CalendarKind {
  const v = text.trim().toLowerCase();
  if (v === 'gregorian' || v === 'iso') return 'gregorian';
  if (v === 'persian' || v === 'jalali' || v === 'jalaali' || v === 'shamsi' || v === 'solar-hijri') return 'persian';
  throw new UsageError(`${what} "${text}" is not a calendar crm knows.`, 'Use --calendar persian (Jalali dates) or --calendar gregorian.', 'invalid_calendar');
}

/** Years a Gregorian date in a CRM never has and a Jalali one does (1405 is 2026/27). */
export function looksJalaliYear(year: number): boolean {
  return year >= 1200 && year <= 1499;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Jalali year, month, day → "YYYY-MM-DD" (Gregorian), or null when that Jalali day does not exist. */
export function jalaliToIsoDate(jy: number, jm: number, jd: number): string | null {
  if (!isValidJalaaliDate(jy, jm, jd)) return null;
  const g = toGregorian(jy, jm, jd);
  return `${String(g.gy).padStart(4, '0')}-${pad2(g.gm)}-${pad2(g.gd)}`;
}

/** "2027-01-05" → "1405/10/15"; anything that is not a Gregorian date is returned as it is. */
export function isoDateToJalali(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  const j = toJalaali(Number(m[1]), Number(m[2]), Number(m[3]));
  return `${j.jy}/${pad2(j.jm)}/${pad2(j.jd)}${date.slice(10)}`;
}

/** The one-line refusal of a date whose year is a Jalali one, read without --calendar persian. */
export function jalaliYearError(raw: string, year: number, month: number, day: number): UserError {
  const g = jalaliToIsoDate(year, month, day);
  return new UserError(
    `"${raw}" looks like a Jalali year (${year}) — use --calendar persian.`,
    g ? `With --calendar persian it is ${g}; or write the Gregorian date ${g}.` : 'Or write a Gregorian date, e.g. 2027-01-05.',
    'jalali_year',
  );
}

/**
 * A date written Y-M-D or Y/M/D inside a command-line value: the whole value, after a filter's
 * "field:" and comparison (close:<1405-10-15), or either end of a range (A..B), optionally
 * followed by a time ("1405-10-15 14:30").
 */
const INPUT_DATE_RE = /(^|[:<>=]|\.\.)(\d{4})([-/])(\d{1,2})\3(\d{1,2})(?=$|[T ]\d|\.\.)/g;

/**
 * A command-line value with its dates read in `calendar`: with persian, a Jalali date (years
 * 1200–1499) becomes its Gregorian ISO date and other years stay Gregorian; with gregorian, a
 * date with a Jalali-looking year is refused (never stored as the year 1405). Digits are ASCII
 * already (src/domain/digits.ts runs first).
 */
export function readInputDates(value: string, calendar: CalendarKind): string {
  if (!/\d{4}[-/]\d/.test(value)) return value;
  return value.replace(INPUT_DATE_RE, (whole, lead: string, ys: string, _sep: string, ms: string, ds: string) => {
    const [y, m, d] = [Number(ys), Number(ms), Number(ds)];
    if (!looksJalaliYear(y)) return whole;
    const raw = `${ys}${_sep}${ms}${_sep}${ds}`;
    if (calendar !== 'persian') throw jalaliYearError(raw, y, m, d);
    const iso = jalaliToIsoDate(y, m, d);
    if (!iso) throw new UserError(`"${raw}" is not a day of the Persian calendar.`, 'Months 1–6 have 31 days, 7–11 have 30, Esfand 29 (30 in a leap year).', 'invalid_date');
    return lead + iso;
  });
}

const knownZones = new Map<string, boolean>([['UTC', true]]);

/**
 * Whether Intl knows the zone (IANA names such as Europe/Berlin, UTC, and their aliases). The
 * first Intl.DateTimeFormat of a process sets up ICU's zone data, ~15–20 ms: "UTC" is known
 * without it, and each answer is kept for the process.
 */
export function isTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    knownZones.set(zone, known);
  }
  return known;
}

export interface ParsedWhen {
  /** The instant, ISO-8601 UTC. */
  iso: string;
  /** Whether the text named a time of day (else the default time was used). */
  hasTime: boolean;
  /** "Fri 2026-11-27 09:00 (Europe/Berlin)" — echoed on stderr so the user sees what was understood. */
  display: string;
}

export interface WhenOptions {
  now: Date;
  timeZone: string;
  /** Time of day used when the text names only a date; default 09:00. */
  defaultTime?: { hour: number; minute: number };
  /** Prefer the future for ambiguous dates ("friday" = the coming one). Due dates: yes; --at: no. */
  forward?: boolean;
  /** What the date is for, used in error messages: "--due". */
  what?: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Parse a natural-language or ISO date; an unparseable or partly-understood text is an error. */
export async function parseWhen(text: string, opts: WhenOptions): Promise<ParsedWhen> {
  const what = opts.what ?? 'date';
  const input = text.trim();
  if (!input) throw badDate(text, what);
  const { DateTime } = await import('luxon');
  // An explicit ISO instant with a zone needs no interpretation.
  if (ISO_INSTANT.test(input)) {
    const d = new Date(input);
    if (Number.isNaN(d.getTime())) throw badDate(text, what);
    return { iso: d.toISOString(), hasTime: true, display: formatWhen(d.toISOString(), opts.timeZone) };
  }
  const chrono = await import('chrono-node');
  // chrono computes "tomorrow" / "next friday" from the reference instant in a fixed offset: give
  // it the zone's offset now, take the wall-clock components, and let luxon place them in the
  // zone (so a date across a daylight-saving change still gets that day's offset).
  const offset = DateTime.fromJSDate(opts.now, { zone: opts.timeZone }).offset;
  const results = chrono.parse(input, { instant: opts.now, timezone: offset }, { forwardDate: opts.forward ?? false });
  const r = results[0];
  // Refuse partial matches ("next friday blah" → only "next friday" understood): say so rather than guess.
  if (!r || results.length > 1 || r.index !== 0 || r.text.trim().length !== input.length) throw badDate(text, what);
  const start = r.start;
  const hasTime = start.isCertain('hour');
  const def = opts.defaultTime ?? { hour: 9, minute: 0 };
  const dt = DateTime.fromObject(
    {
      year: start.get('year')!,
      month: start.get('month')!,
      day: start.get('day')!,
      hour: hasTime ? start.get('hour')! : def.hour,
      minute: hasTime ? (start.get('minute') ?? 0) : def.minute,
      second: hasTime ? (start.get('second') ?? 0) : 0,
    },
    { zone: opts.timeZone },
  );
  if (!dt.isValid) throw badDate(text, what);
  // A zone written in the text ("15:00 UTC") wins over the user's zone.
  const explicitOffset = start.isCertain('timezoneOffset') ? start.get('timezoneOffset') : null;
  const instant = explicitOffset !== null && explicitOffset !== undefined ? start.date() : dt.toJSDate();
  const iso = instant.toISOString();
  return { iso, hasTime, display: formatWhen(iso, opts.timeZone) };
}

function badDate(text: string, what: string): UserError {
  return new UserError(
    `Cannot read "${text}" as a ${what === 'date' ? 'date' : `date for ${what}`}.`,
    'Try "tomorrow 9am", "in 3 days", "next friday", "2026-12-01" or "2026-12-01 14:30".',
    'invalid_date',
  );
}

/** Building an Intl.DateTimeFormat costs far more than using one: keep one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** "Fri 2026-11-27 09:00 (Europe/Berlin)". */
export function formatWhen(iso: string, timeZone: string): string {
  const d = new Date(iso);
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('weekday')} ${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} (${timeZone})`;
}

/** "20m", "1h", "1h30m", "1.5h", "90" (minutes) → minutes. */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  let m: RegExpExecArray | null;
  let minutes: number | undefined;
  if ((m = /^(\d+)(?:m|min|mins|minutes?)?$/.exec(t))) minutes = Number(m[1]);
  else if ((m = /^(\d+(?:\.\d+)?)(?:h|hr|hrs|hours?)$/.exec(t))) minutes = Math.round(Number(m[1]) * 60);
  else if ((m = /^(\d+)h(\d+)(?:m|min)?$/.exec(t))) minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes === undefined || minutes <= 0 || minutes > 24 * 60 * 7) {
    throw new UserError(`Cannot read "${text}" as a duration.`, 'Use minutes or hours: --duration 20m, 1h, 1h30m, 90.', 'invalid_duration');
  }
  return minutes;
}
