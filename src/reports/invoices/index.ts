/** crm report invoices: open invoices aged by days overdue as of the report's as-of day. */
import { addDays } from '../../domain/period.js';
import { defineReport } from '../engine.js';
import { asOfDay as asOfDayOf } from '../scope.js';
import { convertDealRows } from '../fx.js';
import { buildInvoiceAgeing } from './build.js';
import { openInvoicesByBucket } from './query.js';

export const definition = defineReport<{ by?: 'company' }>({
  name: 'invoices',
  description: 'open invoices aged by days overdue (current, 1–30, 31–60, 61–90, 90+), per currency',
  examples: [
    'crm report invoices',
    'crm report invoices --by company',
    'crm report invoices --as-of 2026-12-31 --explain',
    'crm report invoices --in EUR --json',
  ],
  period: 'none',
  asOf: true,
  owners: true,
  money: true,
  options: [{ flags: '--by <group>', description: 'also break the buckets down by company', choices: ['company'] }],
  async run({ session, scope, flags }) {
    const asOfDay = asOfDayOf(scope);
    const edges = [asOfDay, addDays(asOfDay, -30), addDays(asOfDay, -60), addDays(asOfDay, -90)];
    const byCompany = flags.by === 'company';
    const rows = await openInvoicesByBucket(session.db, scope, asOfDay, edges, byCompany);
    return buildInvoiceAgeing(convertDealRows(scope, rows, ['outstandingMinor']), { scope, asOfDay, edges, byCompany });
  },
});
