/**
 * Natural-language dates for due dates, snoozes and `--at`: "tomorrow 9am", "in 3 days",
 * "next friday", "2026-12-01 14:30". Parsed by chrono-node relative to the session clock and
 * read as wall-clock time in the user's zone (TZ), then stored as a UTC instant.
 *
 * chrono-node and luxon are imported lazily: only commands that parse dates pay for them.
 */
import { UserError } from '../errors.js';

/** Whether Intl knows the zone (IANA names such as Europe/Berlin, UTC, and their aliases). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
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
