/**
 * Time bases for SLA clocks: wall-clock time, and the business time of a calendar (IANA zone,
 * several intervals per weekday, holidays). Business time is a sorted list of UTC intervals
 * with prefix sums, built lazily with luxon (which does the zone and daylight-saving math), so
 * "business seconds between a and b" and "a plus n business seconds" are binary searches.
 */
import { DateTime, IANAZone } from 'luxon';
import { UserError } from '../../errors.js';
import { WEEKDAYS, type WeekHours } from './hours.js';

export interface TimeBasis {
  /** Seconds of this basis in [aMs, bMs) (0 when b <= a). */
  secondsBetween(aMs: number, bMs: number): number;
  /** The instant at which `seconds` of this basis have passed after fromMs; null if never (within 20 years). */
  advance(fromMs: number, seconds: number): number | null;
}

export const WALL_CLOCK: TimeBasis = {
  secondsBetween: (a, b) => (b > a ? (b - a) / 1000 : 0),
  // Whole milliseconds, like every stored instant: a deadline is the same whenever it is computed.
  advance: (from, seconds) => Math.round(from + seconds * 1000),
};

export function assertValidZone(zone: string): string {
  if (!zone || !IANAZone.isValidZone(zone)) {
    throw new UserError(`Unknown time zone "${zone}".`, 'Use an IANA zone name such as Europe/Berlin, America/New_York, Asia/Tokyo or UTC.', 'bad_zone');
  }
  return new IANAZone(zone).name;
}

const DAY_MS = 86400000;
const YEAR_DAYS = 366;
const MAX_YEARS_AHEAD = 20;

export class BusinessCalendar implements TimeBasis {
  private starts: number[] = [];
  private ends: number[] = [];
  /** Business seconds before starts[i]. */
  private cumBefore: number[] = [];
  /** Built range of UTC day numbers (floor(ms / DAY_MS)), padded by a day for zone offsets. */
  private fromDay = 0;
  private toDay = -1;

  constructor(
    readonly zone: string,
    readonly week: WeekHours,
    readonly holidays: ReadonlySet<string>,
  ) {}

  private build(fromDay: number, toDay: number): void {
    const starts: number[] = [];
    const ends: number[] = [];
    const cum: number[] = [];
    let total = 0;
    for (let day = fromDay; day <= toDay; day++) {
      const utc = new Date(day * DAY_MS);
      const y = utc.getUTCFullYear();
      const m = utc.getUTCMonth() + 1;
      const d = utc.getUTCDate();
      const iso = utc.toISOString().slice(0, 10);
      if (this.holidays.has(iso)) continue;
      const weekday = WEEKDAYS[(utc.getUTCDay() + 6) % 7]!;
      for (const [a, b] of this.week[weekday]) {
        const start = DateTime.fromObject({ year: y, month: m, day: d, hour: Math.floor(a / 60), minute: a % 60 }, { zone: this.zone }).toMillis();
        const end =
          b === 1440
            ? DateTime.fromObject({ year: y, month: m, day: d }, { zone: this.zone }).plus({ days: 1 }).startOf('day').toMillis()
            : DateTime.fromObject({ year: y, month: m, day: d, hour: Math.floor(b / 60), minute: b % 60 }, { zone: this.zone }).toMillis();
        if (end <= start) continue; // an interval swallowed by a daylight-saving gap
        starts.push(start);
        ends.push(end);
        cum.push(total);
        total += (end - start) / 1000;
      }
    }
    this.starts = starts;
    this.ends = ends;
    this.cumBefore = cum;
    this.fromDay = fromDay;
    this.toDay = toDay;
  }

  /** Make sure local days around the instants are built (local dates differ from UTC by < 1 day). */
  private ensure(aMs: number, bMs = aMs): void {
    const a = Math.floor(aMs / DAY_MS) - 1;
    const b = Math.floor(bMs / DAY_MS) + 1;
    if (a >= this.fromDay && b <= this.toDay) return;
    if (this.toDay < this.fromDay) {
      this.build(a - 31, b + YEAR_DAYS);
      return;
    }
    this.build(Math.min(this.fromDay, a - YEAR_DAYS), Math.max(this.toDay, b + YEAR_DAYS));
  }

  /** Index of the last interval starting at or before t, or -1. */
  private indexAt(t: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Business seconds from the start of the built range to t. */
  private cumAt(t: number): number {
    const i = this.indexAt(t);
    if (i < 0) return 0;
    return this.cumBefore[i]! + (Math.min(t, this.ends[i]!) - this.starts[i]!) / 1000;
  }

  private totalBuilt(): number {
    const n = this.starts.length;
    return n ? this.cumBefore[n - 1]! + (this.ends[n - 1]! - this.starts[n - 1]!) / 1000 : 0;
  }

  secondsBetween(aMs: number, bMs: number): number {
    if (bMs <= aMs) return 0;
    this.ensure(aMs, bMs);
    return this.cumAt(bMs) - this.cumAt(aMs);
  }

  advance(fromMs: number, seconds: number): number | null {
    this.ensure(fromMs);
    if (seconds <= 0) return fromMs;
    for (let years = 1; ; years++) {
      const target = this.cumAt(fromMs) + seconds;
      if (target <= this.totalBuilt()) {
        // First interval whose end reaches the target: a deadline on an interval's end stays there.
        let lo = 0;
        let hi = this.starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.cumBefore[mid]! + (this.ends[mid]! - this.starts[mid]!) / 1000 >= target) hi = mid;
          else lo = mid + 1;
        }
        return this.starts[lo]! + Math.round((target - this.cumBefore[lo]!) * 1000);
      }
      if (years > MAX_YEARS_AHEAD) return null;
      this.ensure(fromMs, (this.toDay + YEAR_DAYS) * DAY_MS);
    }
  }
}
