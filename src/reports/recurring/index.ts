/** crm report recurring: the most repeated issues (by category, product or company) with their problems' status. */
import { UsageError } from '../../errors.js';
import { defineReport } from '../engine.js';
import { effectiveEnd } from '../scope.js';
import { buildRecurring, RECURRING_BY, type RecurringBy } from './build.js';
import { recurringLinks, recurringTickets } from './query.js';

export const definition = defineReport<{ by?: RecurringBy; limit?: number }>({
  name: 'recurring',
  description: 'the most repeated issues by category, product or company, with their problems (root causes) and status',
  examples: ['crm report recurring', 'crm report recurring --by product --period 2026-Q4', 'crm report recurring --by company --period last-30d --json | jq .problems'],
  period: 'quarter',
  asOf: 'problem links and statuses are kept as they are now, not as history; use --period to look back.',
  owners: true,
  options: [
    { flags: '--by <group>', description: 'group tickets by category | product | company', choices: RECURRING_BY, default: 'category' },
    {
      flags: '--limit <n>',
      description: 'show the N most repeated groups',
      parse: (v) => {
        if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`--limit must be a positive whole number, not "${v}".`);
        return Number(v);
      },
    },
  ],
  async run({ session, scope, flags }) {
    const end = effectiveEnd(scope);
    const [tickets, links] = [await recurringTickets(session.db, scope, scope.period.start, end), await recurringLinks(session.db, scope, scope.period.start, end)];
    return buildRecurring(tickets, links, { scope, by: flags.by ?? 'category', limit: flags.limit });
  },
});
