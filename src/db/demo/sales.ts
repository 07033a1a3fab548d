/**
 * Demo sales documents: a product catalogue priced in every demo currency, product lines on
 * some open and won deals (their amounts then follow the lines), quotes in every state (draft,
 * sent, expired, rejected, revised, accepted), the orders of accepted quotes, and invoices that
 * are paid, partly paid and overdue. Seeded last, so the data before it is unchanged.
 */
import { todayIn } from '../../domain/board.js';
import { appendLine, copyLines, resolveLine, storeTotals, totalsOf, lineRows } from '../../domain/document-lines.js';
import { createOrderFrom } from '../../domain/orders.js';
import { addDays } from '../../domain/period.js';
import type { Session } from '../../domain/session.js';
import { nextNumber } from '../../domain/sales-settings.js';
import type { DemoContext } from './index.js';
// Rough rates from USD, for the price list: the ones the deal amounts were made with.
import { RATE } from './deals.js';

const CATALOGUE = [
  { sku: 'PUMP-C200', name: 'Centrifugal pump C200', unit: 'piece', usd: 4800, tax: 190000, warranty: 24 },
  { sku: 'PUMP-D50', name: 'Dosing pump D50', unit: 'piece', usd: 1250, tax: 190000, warranty: 12 },
  { sku: 'VALVE-K3', name: 'Control valve K3', unit: 'piece', usd: 640, tax: 190000, warranty: 24 },
  { sku: 'SENSOR-P', name: 'Pressure sensor set', unit: 'set', usd: 310, tax: 70000, warranty: 12 },
  { sku: 'SVC-INSTALL', name: 'Installation and commissioning', unit: 'day', usd: 1100, tax: 0, warranty: null },
  { sku: 'SVC-MAINT', name: 'Maintenance contract', unit: 'year', usd: 2900, tax: 200000, warranty: null },
];

function priceMinor(usd: number, currency: string): number {
  const major = Math.round(usd * (RATE[currency] ?? 1));
  return currency === 'JPY' ? major : major * 100;
}

export async function seedSales(d: DemoContext): Promise<void> {
  const { trx, rng, now } = d;
  const at = now.toISOString();
  const today = todayIn(now, 'UTC');
  const s = { now: () => now, actor: 'demo', timeZone: 'UTC' } as Session;
  for (const p of CATALOGUE) {
    const row = await trx
      .insertInto('products')
      .values({ sku: p.sku, name: p.name, description: null, unit: p.unit, tax_rate_ppm: p.tax, warranty_months: p.warranty, created_at: at, updated_at: at, archived_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const currency of Object.keys(RATE)) await trx.insertInto('product_prices').values({ product_id: row.id, currency, unit_price_minor: priceMinor(p.usd, currency) }).execute();
  }
  const deals = await trx
    .selectFrom('deals as d')
    .innerJoin('stages as st', 'st.id', 'd.stage_id')
    .select(['d.id', 'd.currency', 'd.won_at', 'st.kind'])
    .where('st.kind', 'in', ['open', 'won'])
    .where('d.archived_at', 'is', null)
    .orderBy('d.id')
    .execute();
  // Spread over the list (and so over countries and currencies), not the first few companies.
  const open = deals.filter((x) => x.kind === 'open').filter((_x, i) => i % 7 === 0).slice(0, 10);
  const won = deals
    .filter((x) => x.kind === 'won')
    .filter((_x, i) => i % 5 === 0)
    .slice(0, 9)
    .sort((a, b) => (a.won_at ?? '').localeCompare(b.won_at ?? ''));

  // Lines on each chosen deal; the deal's amount becomes their total, as `deal line add` does.
  for (const deal of [...open, ...won]) {
    const count = rng.int(1, 3);
    const skus = [...CATALOGUE].sort(() => rng.next() - 0.5).slice(0, count);
    for (const p of skus) {
      const discount = rng.chance(0.3) ? rng.pick(['5%', '10%', '12.5%']) : undefined;
      const line = await resolveLine(trx, { product: p.sku, qty: String(p.unit === 'day' ? rng.int(2, 10) : rng.int(1, 6)), discount }, deal.currency);
      await appendLine(trx, 'deal', deal.id, line);
    }
    const totals = totalsOf(await lineRows(trx, 'deal', deal.id), deal.currency, 'line');
    await trx.updateTable('deals').set({ amount_minor: Number(totals.subtotal.minor) }).where('id', '=', deal.id).execute();
  }

  const makeQuote = async (dealId: number, issued: string, validUntil: string, status: string, revision = 1, number?: string) => {
    const deal = await trx.selectFrom('deals').selectAll().where('id', '=', dealId).executeTakeFirstOrThrow();
    const row = await trx
      .insertInto('quotes')
      .values({
        number: number ?? (await nextNumber(trx, 'quote', issued.slice(0, 4))),
        revision,
        deal_id: deal.id,
        company_id: deal.company_id,
        contact_id: deal.contact_id,
        owner_id: deal.owner_id,
        currency: deal.currency,
        tax_mode: 'line',
        status,
        issued_on: issued,
        valid_until: validUntil,
        sent_at: status === 'draft' ? null : `${issued}T10:00:00.000Z`,
        decided_at: status === 'accepted' || status === 'rejected' ? `${addDays(issued, 5)}T15:00:00.000Z` : null,
        notes: null,
        created_at: `${issued}T09:00:00.000Z`,
        updated_at: `${issued}T09:00:00.000Z`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await copyLines(trx, { kind: 'deal', id: deal.id }, { kind: 'quote', id: row.id });
    await storeTotals(trx, 'quotes', 'quote', row.id, row.currency, 'line', row.updated_at);
    return row;
  };

  // Open deals: one quote each, in every state a quote can be in — numbered in date order.
  const plans: { dealId: number; issued: string; validUntil: string; status: string; revise?: { issued: string; validUntil: string } }[] = [];
  for (const [i, deal] of open.entries()) {
    const issued = addDays(today, -rng.int(3, 40));
    const kind = i % 5;
    if (kind === 0) plans.push({ dealId: deal.id, issued, validUntil: addDays(issued, 30), status: 'draft' });
    else if (kind === 1) plans.push({ dealId: deal.id, issued: addDays(today, -5), validUntil: addDays(today, 25), status: 'sent' });
    else if (kind === 2) plans.push({ dealId: deal.id, issued: addDays(today, -45), validUntil: addDays(today, -15), status: 'sent' }); // expired by the date
    else if (kind === 3) plans.push({ dealId: deal.id, issued, validUntil: addDays(issued, 30), status: 'rejected' });
    else plans.push({ dealId: deal.id, issued: addDays(today, -30), validUntil: addDays(today, -1), status: 'superseded', revise: { issued: addDays(today, -2), validUntil: addDays(today, 28) } });
  }
  const wonOn = (deal: { won_at: string | null }) => (deal.won_at ?? at).slice(0, 10);
  const accepted = new Map<number, Awaited<ReturnType<typeof makeQuote>>>();
  const all = [...plans.map((p) => ({ ...p, won: false })), ...won.map((w) => ({ dealId: w.id, issued: addDays(wonOn(w), -7), validUntil: addDays(wonOn(w), 23), status: 'accepted', revise: undefined, won: true }))].sort((a, b) => a.issued.localeCompare(b.issued) || a.dealId - b.dealId);
  for (const p of all) {
    const q = await makeQuote(p.dealId, p.issued, p.validUntil, p.status);
    if (p.revise) await makeQuote(p.dealId, p.revise.issued, p.revise.validUntil, 'sent', 2, q.number);
    if (p.won) accepted.set(p.dealId, q);
  }

  // Won deals: an accepted quote, its order, and an invoice — paid, partly paid or overdue.
  for (const [i, deal] of won.entries()) {
    const on = wonOn(deal);
    const quote = accepted.get(deal.id)!;
    const number = await nextNumber(trx, 'order', on.slice(0, 4));
    const order = await createOrderFrom(trx, s, { kind: 'quote', quote }, at);
    const fulfilled = i % 3 !== 2;
    await trx.updateTable('orders').set({ number, ordered_on: on, status: fulfilled ? 'fulfilled' : 'open', fulfilled_on: fulfilled ? addDays(on, 14) : null, created_at: `${on}T16:00:00.000Z`, updated_at: `${on}T16:00:00.000Z` }).where('id', '=', order.id).execute();
    if (i % 4 === 3 || on >= today) continue; // not invoiced yet
    const issueDate = addDays(on, 15) < today ? addDays(on, 15) : today;
    const invoice = await trx
      .insertInto('invoices')
      .values({
        number: await nextNumber(trx, 'invoice', issueDate.slice(0, 4)),
        order_id: order.id,
        company_id: order.company?.id ?? null,
        owner_id: quote.owner_id,
        currency: order.currency,
        tax_mode: 'line',
        status: 'issued',
        issue_date: issueDate,
        due_date: addDays(issueDate, 30),
        voided_at: null,
        notes: null,
        created_at: `${issueDate}T09:00:00.000Z`,
        updated_at: `${issueDate}T09:00:00.000Z`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await copyLines(trx, { kind: 'order', id: order.id }, { kind: 'invoice', id: invoice.id });
    const totals = await storeTotals(trx, 'invoices', 'invoice', invoice.id, invoice.currency, 'line', invoice.updated_at);
    const total = Number(totals.total.minor);
    const paidOn = addDays(issueDate, rng.int(5, 25));
    if (paidOn > today) continue; // not due or paid yet (overdue once its due date passes)
    if (i % 3 === 0) await trx.insertInto('payments').values({ invoice_id: invoice.id, amount_minor: total, paid_on: paidOn, reference: null, created_by: 'demo', created_at: `${paidOn}T12:00:00.000Z` }).execute();
    else if (i % 3 === 1) await trx.insertInto('payments').values({ invoice_id: invoice.id, amount_minor: Math.floor(total / 2), paid_on: paidOn, reference: null, created_by: 'demo', created_at: `${paidOn}T12:00:00.000Z` }).execute();
  }
}
