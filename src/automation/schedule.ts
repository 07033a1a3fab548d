/** Cron schedules in a rule's time zone (cron-parser does the zone and daylight-saving math). */
import { CronExpressionParser } from 'cron-parser';
import { UsageError } from '../errors.js';

/** The first run of `expr` strictly after `after`, in `timeZone`. */
export function nextRunAfter(expr: string, timeZone: string, after: Date): Date {
  return runsBetween(expr, timeZone, after, null)[0]!;
}

/** Runs of `expr` in (from, to] (at most `max`); with to = null, the first run after `from`. */
export function runsBetween(expr: string, timeZone: string, from: Date, to: Date | null, max = 1000): Date[] {
  let it;
  try {
    it = CronExpressionParser.parse(expr, { currentDate: from, tz: timeZone });
  } catch (e) {
    throw new UsageError(`"${expr}" is not a cron schedule: ${(e as Error).message}.`, 'Five fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * mon-fri".', 'bad_rule');
  }
  const out: Date[] = [];
  while (out.length < max) {
    const next = it.next().toDate();
    if (to && next.getTime() > to.getTime()) break;
    out.push(next);
    if (!to) break;
  }
  return out;
}
