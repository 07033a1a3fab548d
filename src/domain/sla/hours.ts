/**
 * Business hours of a calendar: per weekday, a sorted list of [start, end) intervals in minutes
 * after local midnight (end may be 1440, i.e. "24:00"). Parsed from the compact form
 *
 *   "mon-fri 09:00-12:30,13:30-18:00; sat 10:00-14:00"     or     "24/7"
 *
 * and stored as JSON {"mon":[["09:00","12:30"],["13:30","18:00"]],…} in calendars.hours.
 */
import { UserError } from '../../errors.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes after local midnight: [start, end). */
export type Interval = [number, number];
export type WeekHours = Record<Weekday, Interval[]>;

const HOURS_HINT = 'Write hours like --hours "mon-fri 09:00-12:30,13:30-18:00; sat 10:00-14:00" (or "24/7").';

export function emptyWeek(): WeekHours {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
}

function parseClock(text: string, spec: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new UserError(`"${text}" in "${spec}" is not a time of day.`, HOURS_HINT, 'bad_hours');
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) throw new UserError(`"${text}" in "${spec}" is not a time of day.`, 'Times run from 00:00 to 24:00.', 'bad_hours');
  return h * 60 + min;
}

function parseDays(text: string, spec: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const part of text.toLowerCase().split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = part.split('-').map((d) => d.trim().slice(0, 3) as Weekday);
    const bad = range.find((d) => !WEEKDAYS.includes(d));
    if (bad !== undefined || range.length > 2) throw new UserError(`"${part}" in "${spec}" is not a weekday or a range of weekdays.`, 'Use mon tue wed thu fri sat sun, ranges like mon-fri, lists like mon,wed.', 'bad_hours');
    const a = WEEKDAYS.indexOf(range[0]!);
    const b = WEEKDAYS.indexOf(range[range.length - 1]!);
    if (b < a) throw new UserError(`"${part}" in "${spec}" runs backwards.`, 'Write the range from the earlier day: mon-fri, sat-sun.', 'bad_hours');
    for (let i = a; i <= b; i++) days.add(WEEKDAYS[i]!);
  }
  if (days.size === 0) throw new UserError(`No weekday in "${spec}".`, HOURS_HINT, 'bad_hours');
  return [...days];
}

/** Parse the compact form; throws a UserError naming the bad part (inverted, overlapping…). */
export function parseHours(spec: string): WeekHours {
  const text = spec.trim();
  if (/^24\s*\/\s*7$/.test(text)) {
    const week = emptyWeek();
    for (const d of WEEKDAYS) week[d] = [[0, 1440]];
    return week;
  }
  if (!text) throw new UserError('Business hours are empty.', HOURS_HINT, 'bad_hours');
  const week = emptyWeek();
  for (const group of text.split(';').map((g) => g.trim()).filter(Boolean)) {
    const m = /^([A-Za-z,\s-]+?)\s+(\d.*)$/.exec(group);
    if (!m) throw new UserError(`Cannot read "${group}".`, HOURS_HINT, 'bad_hours');
    const days = parseDays(m[1]!, group);
    for (const iv of m[2]!.split(',').map((p) => p.trim()).filter(Boolean)) {
      const parts = iv.split('-');
      if (parts.length !== 2) throw new UserError(`"${iv}" in "${group}" is not an interval like 09:00-12:30.`, HOURS_HINT, 'bad_hours');
      const start = parseClock(parts[0]!, group);
      const end = parseClock(parts[1]!, group);
      if (end <= start) throw new UserError(`Interval ${iv} in "${group}" ends before it starts.`, 'Each interval must end after it starts (overnight shifts: split at midnight, e.g. "mon 22:00-24:00; tue 00:00-06:00").', 'bad_hours');
      for (const d of days) week[d].push([start, end]);
    }
  }
  for (const d of WEEKDAYS) {
    const list = week[d].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++) {
      if (list[i]![0] < list[i - 1]![1]) {
        throw new UserError(`Intervals ${fmtInterval(list[i - 1]!)} and ${fmtInterval(list[i]!)} overlap on ${d}.`, 'Give each weekday intervals that do not overlap, e.g. 09:00-12:30,13:30-18:00.', 'bad_hours');
      }
    }
  }
  if (WEEKDAYS.every((d) => week[d].length === 0)) throw new UserError('Business hours have no interval at all.', HOURS_HINT, 'bad_hours');
  return week;
}

export function fmtClock(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

function fmtInterval([a, b]: Interval): string {
  return `${fmtClock(a)}-${fmtClock(b)}`;
}

/** Back to the compact form, grouping consecutive weekdays with equal hours: "mon-fri 09:00-18:00". */
export function formatHours(week: WeekHours): string {
  const allDay = WEEKDAYS.every((d) => week[d].length === 1 && week[d][0]![0] === 0 && week[d][0]![1] === 1440);
  if (allDay) return '24/7';
  const groups: string[] = [];
  let i = 0;
  while (i < WEEKDAYS.length) {
    const key = week[WEEKDAYS[i]!].map(fmtInterval).join(',');
    let j = i;
    while (j + 1 < WEEKDAYS.length && week[WEEKDAYS[j + 1]!].map(fmtInterval).join(',') === key) j++;
    if (key) groups.push(`${WEEKDAYS[i]}${j > i ? '-' + WEEKDAYS[j] : ''} ${key}`);
    i = j + 1;
  }
  return groups.join('; ');
}

/** JSON stored in calendars.hours. */
export function hoursToJson(week: WeekHours): string {
  const out: Record<string, [string, string][]> = {};
  for (const d of WEEKDAYS) if (week[d].length) out[d] = week[d].map(([a, b]) => [fmtClock(a), fmtClock(b)]);
  return JSON.stringify(out);
}

export function hoursFromJson(json: string): WeekHours {
  const raw = JSON.parse(json) as Record<string, [string, string][]>;
  const week = emptyWeek();
  for (const d of WEEKDAYS) week[d] = (raw[d] ?? []).map(([a, b]) => [parseClock(a, json), parseClock(b, json)] as Interval);
  return week;
}

/**
 * Seconds in "a business day" for targets given in days: the most common daily total among
 * working weekdays (ties: the longer). Mon–Fri 8h + Sat 4h → 8h, so "2d" = 16 business hours.
 */
export function businessDaySeconds(week: WeekHours): number {
  const counts = new Map<number, number>();
  for (const d of WEEKDAYS) {
    const total = week[d].reduce((s, [a, b]) => s + (b - a), 0);
    if (total > 0) counts.set(total, (counts.get(total) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [total, n] of counts) {
    if (n > bestCount || (n === bestCount && total > best)) {
      best = total;
      bestCount = n;
    }
  }
  return best * 60;
}
