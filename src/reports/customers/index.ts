/** crm report customers: lifetime value, first and last purchase, purchase count; retention and churn per period. */
import { zonedDay } from '../../db/filter.js';
import { defineReport } from '../engine.js';
import { asOfDay as asOfDayOf } from '../scope.js';
import { convertDealRows } from '../fx.js';
import { buildCustomers } from './build.js';
import { customerOrders } from './query.js';
import { parseDimension } from '../dimensions/index.js';

export const definition = defineReport<{ by?: string }>({
  name: 'customers',
  description: 'per company: lifetime value, first and last purchase, purchases; retention and churn vs the previous period',
  examples: [
    'crm report customers --period 2026',
    'crm report customers --period 2026-Q4 --in EUR --json',
    'crm report customers --period last-quarter --explain',
    'crm report customers --by field:industry --period 2026   # retention and value per industry',
    'crm report customers --by segment:vip --period 2026      # in / not in a segment',
    'crm report customers --by age-band --period 2026',
  ],
  period: 'year',
  asOf: true,
  owners: true,
  money: true,
  options: [{ flags: '--by <dimension>', description: 'group the customers by field:NAME (industry, region, rank, gender… or any custom field), segment:NAME or age-band' }],
  async run({ session, scope, flags }) {
    const day = (iso: string) => zonedDay(iso, scope.timeZone);
    const asOfDay = asOfDayOf(scope);
    const previous = scope.period.previous();
    const windows = { asOfDay, period: [day(scope.period.start), day(scope.period.end)] as [string, string], previous: [day(previous.start), day(previous.end)] as [string, string] };
    const rows = convertDealRows(scope, await customerOrders(session.db, scope, windows), ['amountMinor']);
    if (!flags.by) return buildCustomers(rows, { scope, previous, windows });
    const dimension = await parseDimension(session, flags.by, asOfDay);
    const labelOf = await dimension.resolve(rows.map((r) => ({ companyId: Number(r.companyId), contactId: null })));
    return buildCustomers(rows, { scope, previous, windows, dimension: { dimension, groupOf: (companyId) => labelOf({ companyId, contactId: null }) } });
  },
});
