/** crm report sales: orders and won deals without an order in the period, per product, owner, team, company, source or month. */
import { zonedDay } from '../../db/filter.js';
import { defineReport } from '../engine.js';
import { asOfDay as asOfDayOf } from '../scope.js';
import { convertDealRows } from '../fx.js';
import { monthsOf } from '../months.js';
import { buildSales } from './build.js';
import { salesByGroup, SALES_BY, type SalesBy } from './query.js';

export const definition = defineReport<{ by: SalesBy }>({
  name: 'sales',
  description: 'orders (not cancelled) and won deals without an order in the period, per product, owner, team, company, source or month: count, quantity, net amount',
  examples: [
    'crm report sales --period 2026-Q4',
    'crm report sales --by owner --period 2026 --in USD',
    'crm report sales --by month --period 2026 --json',
    'crm report sales --by company --period last-quarter --explain',
    'crm report sales --by team --period 2026 --in USD',
    'crm report sales --by source --period this-quarter',
  ],
  period: 'month',
  asOf: true,
  owners: true,
  money: true,
  options: [{ flags: '--by <group>', description: 'group by', choices: SALES_BY, default: 'product' }],
  async run({ session, scope, flags }) {
    const day = (iso: string) => zonedDay(iso, scope.timeZone);
    const asOfDay = asOfDayOf(scope);
    const months = flags.by === 'month' ? monthsOf(scope.period, scope.timeZone) : undefined;
    const w = { startDay: day(scope.period.start), endDay: day(scope.period.end), asOfDay, monthDays: months?.boundaries.map(day), monthStarts: months?.boundaries };
    const rows = await salesByGroup(session.db, { ...scope, fx: null }, flags.by, w);
    const amounts = scope.fx ? convertDealRows(scope, await salesByGroup(session.db, scope, flags.by, w), ['amountMinor']) : rows;
    return buildSales(rows, amounts, { scope, by: flags.by, months: months?.labels, ...w });
  },
});
