/**
 * Sales orders: made when a quote is accepted (or a deal with lines is won without one), with the
 * same lines and totals; numbered per year (SO-2026-0001). Open → fulfilled, or cancelled.
 * `crm export orders` hands them to the ERP, one row per line (src/csv/sales-export.ts, reading
 * orderExportLines).
 */
import type { Selectable } from 'kysely';
import { recordAudit } from '../db/audit.js';
import type { DealsTable, OrdersTable, QuotesTable } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { NotFoundError, UserError } from '../errors.js';
import { todayIn } from './period.js';
import { copyLines, lineRows, lineRowsByDocument, linesAndTotals, quoteLabel, storeTotals, type LineRecord, type TotalsRecord } from './document-lines.js';
import { authorize } from './permissions.js';
import type { TaxMode } from './pricing.js';
import { nextNumber, readSalesSettings } from './sales-settings.js';
import { nowIso, type Session } from './session.js';
import { cleanText, requireDate } from './validate.js';

type OrderRow = Selectable<OrdersTable>;

export const ORDER_STATUSES = ['open', 'fulfilled', 'cancelled'] as const;

export interface OrderRecord {
  id: number;
  number: string;
  status: string;
  quote: string | null;
  deal: { id: number; title: string } | null;
  company: { id: number; name: string } | null;
  owner: string | null;
  currency: string;
  orderedOn: string;
  fulfilledOn: string | null;
  cancelledAt: string | null;
  customerReference: string | null;
  notes: string | null;
  lines: LineRecord[];
  totals: TotalsRecord;
  invoices: string[];
  createdAt: string;
  updatedAt: string;
}

/** Which orders a read covers: one by id, or those of a status, or all. */
interface OrderScope {
  id?: number;
  status?: string;
}

function scopedOrders(db: Trx, scope: OrderScope) {
  let q = db.selectFrom('orders as o');
  if (scope.id !== undefined) q = q.where('o.id', '=', scope.id);
  if (scope.status !== undefined) q = q.where('o.status', '=', scope.status);
  return q;
}

/** The orders of a scope as records, in number order: three queries whatever their count. */
async function orderRecords(db: Trx, scope: OrderScope): Promise<OrderRecord[]> {
  const [rows, lines, invoices] = await Promise.all([
    scopedOrders(db, scope)
      .leftJoin('quotes as q', 'q.id', 'o.quote_id')
      .leftJoin('deals as d', 'd.id', 'o.deal_id')
      .leftJoin('companies as co', 'co.id', 'o.company_id')
      .leftJoin('users as u', 'u.id', 'o.owner_id')
      .selectAll('o')
      .select(['q.number as quote_number', 'q.revision as quote_revision', 'd.id as d_id', 'd.title as deal_title', 'co.id as co_id', 'co.name as co_name', 'u.handle as owner_handle'])
      .orderBy('o.number')
      .execute(),
    lineRowsByDocument(db, 'order', scopedOrders(db, scope).select('o.id')),
    db.selectFrom('invoices').select(['order_id', 'number']).where('order_id', 'in', scopedOrders(db, scope).select('o.id')).orderBy('id').execute(),
  ]);
  const invoicesOf = new Map<number, string[]>();
  for (const i of invoices) invoicesOf.get(i.order_id!)?.push(i.number) ?? invoicesOf.set(i.order_id!, [i.number]);
  return rows.map((o) => {
    return {
      id: o.id,
      number: o.number,
      status: o.status,
      quote: o.quote_number !== null ? quoteLabel(o.quote_number, o.quote_revision!) : null,
      deal: o.d_id !== null ? { id: o.d_id, title: o.deal_title! } : null,
      company: o.co_id !== null ? { id: o.co_id, name: o.co_name! } : null,
      owner: o.owner_handle ?? null,
      currency: o.currency,
      orderedOn: o.ordered_on,
      fulfilledOn: o.fulfilled_on,
      cancelledAt: o.cancelled_at,
      customerReference: o.customer_reference,
      notes: o.notes,
      ...linesAndTotals(lines.get(o.id) ?? [], o.currency, o.tax_mode),
      invoices: invoicesOf.get(o.id) ?? [],
      createdAt: o.created_at,
      updatedAt: o.updated_at,
    };
  });
}

async function toOrderRecord(db: Trx, o: Pick<OrderRow, 'id'>): Promise<OrderRecord> {
  const [record] = await orderRecords(db, { id: o.id });
  return record!;
}

type Source = { kind: 'quote'; quote: Selectable<QuotesTable> } | { kind: 'deal'; deal: Selectable<DealsTable> };

/** Make the order of an accepted quote or a won deal (inside the caller's write transaction). */
export async function createOrderFrom(trx: Trx, s: Session, source: Source, at: string): Promise<OrderRecord> {
  const today = todayIn(s.now(), s.timeZone);
  const number = await nextNumber(trx, 'order', today.slice(0, 4));
  const base = source.kind === 'quote' ? source.quote : source.deal;
  const taxMode = source.kind === 'quote' ? source.quote.tax_mode : (await readSalesSettings(trx)).taxMode;
  const row = await trx
    .insertInto('orders')
    .values({
      number,
      quote_id: source.kind === 'quote' ? source.quote.id : null,
      deal_id: source.kind === 'quote' ? source.quote.deal_id : source.deal.id,
      company_id: base.company_id,
      contact_id: base.contact_id,
      owner_id: base.owner_id,
      currency: base.currency,
      tax_mode: taxMode,
      status: 'open',
      ordered_on: today,
      fulfilled_on: null,
      cancelled_at: null,
      customer_reference: null,
      notes: null,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await copyLines(trx, source.kind === 'quote' ? { kind: 'quote', id: source.quote.id } : { kind: 'deal', id: source.deal.id }, { kind: 'order', id: row.id });
  await storeTotals(trx, 'orders', 'order', row.id, row.currency, taxMode as TaxMode, at);
  await recordAudit(trx, { entity: 'order', entityId: row.id, action: 'create', changes: { number: [null, number], from: [null, source.kind === 'quote' ? `quote ${source.quote.number}` : `deal #${source.deal.id}`] }, actor: s.actor, at });
  return toOrderRecord(trx, await getOrderRow(trx, String(row.id)));
}

/**
 * Winning a deal that has lines and no order yet (no accepted quote made one) makes its order.
 * Returns undefined when nothing was made.
 */
export async function orderForWonDeal(trx: Trx, s: Session, dealId: number, at: string): Promise<OrderRecord | undefined> {
  const existing = await trx.selectFrom('orders').select('id').where('deal_id', '=', dealId).where('status', '<>', 'cancelled').executeTakeFirst();
  if (existing) return undefined;
  if (!(await lineRows(trx, 'deal', dealId)).length) return undefined;
  const deal = await trx.selectFrom('deals').selectAll().where('id', '=', dealId).executeTakeFirstOrThrow();
  return createOrderFrom(trx, s, { kind: 'deal', deal }, at);
}

export async function getOrderRow(db: Trx, ref: string): Promise<OrderRow> {
  const r = ref.trim();
  if (/^#?\d+$/.test(r)) {
    const row = await db.selectFrom('orders').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst();
    if (row) return row;
  }
  const row = (await db.selectFrom('orders').selectAll().where('number', '=', r).executeTakeFirst()) ?? (await db.selectFrom('orders').selectAll().where('number', '=', r.toUpperCase()).executeTakeFirst());
  if (!row) throw new NotFoundError(`No order ${r}.`, 'List orders with: crm order list');
  return row;
}

export async function showOrder(s: Session, ref: string): Promise<OrderRecord> {
  return toOrderRecord(s.db.kysely, await getOrderRow(s.db.kysely, ref));
}

/**
 * Every order line with its order, company and quote, for `crm export orders`: one set-based
 * query, its WHERE clause last (the export streams it in order number and line order, in keyset
 * pages on PostgreSQL: src/csv/export.ts streamOrdered).
 */
export function orderExportLines(db: Trx) {
  return db
    .selectFrom('orders as o')
    .innerJoin('document_lines as l', 'l.document_id', 'o.id')
    .leftJoin('companies as co', 'co.id', 'o.company_id')
    .leftJoin('quotes as q', 'q.id', 'o.quote_id')
    .select([
      'o.id as order_id', 'o.number as order_number', 'o.ordered_on', 'o.status', 'o.customer_reference', 'co.id as company_id', 'co.external_id as company_external_id', 'co.name as company',
      'o.deal_id', 'q.number as quote_number', 'q.revision as quote_revision', 'o.currency', 'o.tax_mode',
      'l.position', 'l.product_id', 'l.sku', 'l.description', 'l.quantity_milli', 'l.unit', 'l.unit_price_minor', 'l.discount_ppm', 'l.discount_minor', 'l.tax_rate_ppm', 'l.net_minor', 'l.tax_minor',
    ])
    .where('l.document_kind', '=', 'order');
}

/** The keys orderExportLines is streamed by (unique together): order number, then line position. */
export const ORDER_EXPORT_KEYS = ['o.number', 'l.position'];

export async function listOrders(s: Session, opts: { status?: string } = {}): Promise<OrderRecord[]> {
  let status: string | undefined;
  if (opts.status !== undefined) {
    status = opts.status.trim().toLowerCase();
    if (!(ORDER_STATUSES as readonly string[]).includes(status)) throw new UserError(`Unknown order status "${opts.status}".`, `Use one of: ${ORDER_STATUSES.join(', ')}.`, 'invalid_status');
  }
  return orderRecords(s.db.kysely, { status });
}

async function changeOrder(s: Session, ref: string, fn: (trx: Trx, o: OrderRow, at: string) => Promise<void>): Promise<OrderRecord> {
  const first = await getOrderRow(s.db.kysely, ref);
  await authorize(s, 'order.write', { label: `order ${first.number}`, ownerId: first.owner_id });
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const o = await getOrderRow(trx, String(first.id));
    await fn(trx, o, at);
    return toOrderRecord(trx, await getOrderRow(trx, String(o.id)));
  });
}

export async function editOrder(s: Session, ref: string, input: { customerReference?: string; notes?: string }): Promise<OrderRecord> {
  return changeOrder(s, ref, async (trx, o, at) => {
    if (o.status === 'cancelled') throw new UserError(`Order ${o.number} is cancelled.`, undefined, 'invalid_status');
    const cols: Record<string, unknown> = {};
    if (input.customerReference !== undefined) cols.customer_reference = cleanText(input.customerReference);
    if (input.notes !== undefined) cols.notes = cleanText(input.notes);
    const changes = Object.fromEntries(Object.entries(cols).filter(([k, v]) => (o as unknown as Record<string, unknown>)[k] !== v).map(([k, v]) => [k, [(o as unknown as Record<string, unknown>)[k], v] as [unknown, unknown]]));
    if (!Object.keys(changes).length) return;
    await trx.updateTable('orders').set({ ...(cols as object), updated_at: at }).where('id', '=', o.id).execute();
    await recordAudit(trx, { entity: 'order', entityId: o.id, action: 'update', changes, actor: s.actor, at });
  });
}

export async function fulfilOrder(s: Session, ref: string, date?: string): Promise<OrderRecord> {
  const on = date !== undefined ? requireDate(date, 'Fulfilment date') : todayIn(s.now(), s.timeZone);
  return changeOrder(s, ref, async (trx, o, at) => {
    if (o.status !== 'open') throw new UserError(`Order ${o.number} is ${o.status}: only an open order can be fulfilled.`, undefined, 'invalid_status');
    await trx.updateTable('orders').set({ status: 'fulfilled', fulfilled_on: on, updated_at: at }).where('id', '=', o.id).execute();
    await recordAudit(trx, { entity: 'order', entityId: o.id, action: 'fulfil', changes: { status: [o.status, 'fulfilled'], fulfilled_on: [null, on] }, actor: s.actor, at });
  });
}

export async function cancelOrder(s: Session, ref: string): Promise<OrderRecord> {
  return changeOrder(s, ref, async (trx, o, at) => {
    if (o.status === 'cancelled') throw new UserError(`Order ${o.number} is already cancelled.`, undefined, 'invalid_status');
    const invoiced = await trx.selectFrom('invoices').select('number').where('order_id', '=', o.id).where('status', '<>', 'void').executeTakeFirst();
    if (invoiced) throw new UserError(`Order ${o.number} is invoiced (${invoiced.number}).`, `Void the invoice first: crm invoice void ${invoiced.number}`, 'invoiced');
    await trx.updateTable('orders').set({ status: 'cancelled', cancelled_at: at, updated_at: at }).where('id', '=', o.id).execute();
    await recordAudit(trx, { entity: 'order', entityId: o.id, action: 'cancel', changes: { status: [o.status, 'cancelled'] }, actor: s.actor, at });
  });
}
