/** crm report sales: orders and won deals without an order in the period, per product, owner, team, company, source or month. */
import { zonedDay } from '../../db/filter.js';
import { defineReport } from '../engine.js';
import { asOfDay as asOfDayOf } from '../scope.js';
import { convertDealRows } from '../fx.js';
import { monthsOf } from '../months.js';
import { buildSales } from './build.js';
import { salesByGroup, salesBySubject, SALES_BY, type SalesBy, type SalesRow, type SalesSubjectRow } from './query.js';
import { parseDimension } from '../dimensions/index.js';

export const definition = defineReport<{ by: string }>({
  name: 'sales',
  description: 'orders (not cancelled) and won deals without an order in the period, per product, owner, team, company, source or month: count, quantity, net amount',
  examples: [
    'crm report sales --period 2026-Q4',
    'crm report sales --by owner --period 2026 --in USD',
    'crm report sales --by month --period 2026 --json',
    'crm report sales --by company --period last-quarter --explain',
    'crm report sales --by team --period 2026 --in USD',
    'crm report sales --by source --period this-quarter',
    'crm report sales --by field:industry --period 2026      # any company or contact field',
    'crm report sales --by segment:vip --period 2026         # in / not in a segment',
    'crm report sales --by age-band --period 2026            # the contact\'s age from birth_date',
  ],
  period: 'month',
  asOf: true,
  owners: true,
  money: true,
  options: [{ flags: '--by <group>', description: `group by: ${SALES_BY.join(', ')}, field:NAME, segment:NAME or age-band`, default: 'product' }],
  async run({ session, scope, flags }) {
    const day = (iso: string) => zonedDay(iso, scope.timeZone);
    const asOfDay = asOfDayOf(scope);
    if (!(SALES_BY as readonly string[]).includes(flags.by)) {
      // Any field or segment (src/reports/dimensions): orders per company and contact, labelled.
      const dimension = await parseDimension(session, flags.by, asOfDay);
      const w = { startDay: day(scope.period.start), endDay: day(scope.period.end), asOfDay };
      const subjects = await salesBySubject(session.db, { ...scope, fx: null }, w);
      const converted = scope.fx ? convertDealRows(scope, await salesBySubject(session.db, scope, w), ['amountMinor']) : subjects;
      const labelOf = await dimension.resolve(subjects); // converted rows are the same companies and contacts
      const labelled = (rows: SalesSubjectRow[]): SalesRow[] => rows.map((r) => ({ ...r, key: labelOf(r), label: labelOf(r) }));
      return buildSales(labelled(subjects), labelled(converted), { scope, by: 'company', dimension, ...w });
    }
    const by = flags.by as SalesBy;
    const months = by === 'month' ? monthsOf(scope.period, scope.timeZone) : undefined;
    const w = { startDay: day(scope.period.start), endDay: day(scope.period.end), asOfDay, monthDays: months?.boundaries.map(day), monthStarts: months?.boundaries };
    const rows = await salesByGroup(session.db, { ...scope, fx: null }, by, w);
    const amounts = scope.fx ? convertDealRows(scope, await salesByGroup(session.db, scope, by, w), ['amountMinor']) : rows;
    return buildSales(rows, amounts, { scope, by, months: months?.labels, ...w });
  },
});
