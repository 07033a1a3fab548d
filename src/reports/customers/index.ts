/** crm report customers: lifetime value, first and last purchase, purchase count; retention and churn per period. */
import { zonedDay } from '../../db/filter.js';
import { defineReport } from '../engine.js';
import { asOfDay as asOfDayOf } from '../scope.js';
import { convertDealRows } from '../fx.js';
import { buildCustomers } from './build.js';
import { customerOrders } from './query.js';

export const definition = defineReport({
  name: 'customers',
  description: 'per company: lifetime value, first and last purchase, purchases; retention and churn vs the previous period',
  examples: ['crm report customers --period 2026', 'crm report customers --period 2026-Q4 --in EUR --json', 'crm report customers --period last-quarter --explain'],
  period: 'year',
  asOf: true,
  owners: true,
  money: true,
  async run({ session, scope }) {
    const day = (iso: string) => zonedDay(iso, scope.timeZone);
    const asOfDay = asOfDayOf(scope);
    const previous = scope.period.previous();
    const windows = { asOfDay, period: [day(scope.period.start), day(scope.period.end)] as [string, string], previous: [day(previous.start), day(previous.end)] as [string, string] };
    const rows = convertDealRows(scope, await customerOrders(session.db, scope, windows), ['amountMinor']);
    return buildCustomers(rows, { scope, previous, windows });
  },
});
