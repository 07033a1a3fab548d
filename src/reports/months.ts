/** Calendar months of a period in the user's zone, as labels and UTC boundaries for bucketing. */
import { zonedDate, zonedMidnightUtc } from '../db/filter.js';
import type { Period } from '../domain/period.js';

export interface MonthBuckets {
  labels: string[];
  /** labels.length + 1 instants: [b0, b1) is labels[0]… clamped to the period. */
  boundaries: string[];
}

export function monthsOf(period: Period, timeZone: string): MonthBuckets {
  const first = zonedDate(new Date(period.start), timeZone);
  const last = zonedDate(new Date(new Date(period.end).getTime() - 1), timeZone);
  const labels: string[] = [];
  const boundaries: string[] = [period.start];
  let y = first.y;
  let m = first.m;
  for (;;) {
    labels.push(`${y}-${String(m).padStart(2, '0')}`);
    if (y === last.y && m === last.m) break;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
    boundaries.push(zonedMidnightUtc(y, m, 1, timeZone));
    if (labels.length > 1200) break;
  }
  boundaries.push(period.end);
  return { labels, boundaries };
}

/**
 * The `n` calendar months ending with the period's last month (for a trend such as the KPI
 * sparkline): labels and UTC boundaries, the last month cut at the period's end.
 */
export function trailingMonths(period: Period, timeZone: string, n: number): MonthBuckets {
  const last = zonedDate(new Date(new Date(period.end).getTime() - 1), timeZone);
  const idx = last.y * 12 + (last.m - 1) - (n - 1);
  const start = zonedMidnightUtc(Math.floor(idx / 12), (idx % 12) + 1, 1, timeZone);
  return monthsOf({ start, end: period.end, label: '', previous: () => period }, timeZone);
}
