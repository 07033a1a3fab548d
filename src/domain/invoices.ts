/**
 * Invoices from orders: numbered per year (INV-2026-0001), the order's lines and totals, an issue
 * date and a due date (issue date + the payment term in `crm quote settings`). Stored status is
 * draft, issued or void; paid, partly-paid and overdue are computed from the payments and the due
 * date against the clock — so `crm invoice list --overdue` in a cron job is always current.
 */
import type { Selectable } from 'kysely';
import { recordAudit } from '../db/audit.js';
import type { InvoicesTable } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { NotFoundError, UserError } from '../errors.js';
import { addDays, daysBetween, todayIn } from './period.js';
import { copyLines, lineRowsByDocument, linesAndTotals, storeTotals, type LineRecord, type TotalsRecord } from './document-lines.js';
import { Money, parseMoney, storableMinor } from './money.js';
import { getOrderRow } from './orders.js';
import { authorize } from './permissions.js';
import type { TaxMode } from './pricing.js';
import { nextNumber, readSalesSettings } from './sales-settings.js';
import { nowIso, type Session } from './session.js';
import { cleanText, requireDate } from './validate.js';

type InvoiceRow = Selectable<InvoicesTable>;

export const INVOICE_STATUSES = ['draft', 'issued', 'partly-paid', 'paid', 'overdue', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface PaymentRecord {
  id: number;
  amount: Money;
  paidOn: string;
  reference: string | null;
}

export interface InvoiceRecord {
  id: number;
  number: string;
  status: InvoiceStatus;
  order: string | null;
  company: { id: number; name: string } | null;
  currency: string;
  issueDate: string;
  dueDate: string;
  /** Days past the due date while unpaid (0 when not overdue). */
  daysOverdue: number;
  total: Money;
  paid: Money;
  outstanding: Money;
  lines: LineRecord[];
  totals: TotalsRecord;
  payments: PaymentRecord[];
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What an invoice is now: void and draft as stored; otherwise from payments and the due date. */
export function effectiveInvoiceStatus(stored: string, totalMinor: bigint, paidMinor: bigint, dueDate: string, today: string): InvoiceStatus {
  if (stored === 'void' || stored === 'draft') return stored;
  if (paidMinor >= totalMinor) return 'paid';
  if (dueDate < today) return 'overdue';
  return paidMinor > 0n ? 'partly-paid' : 'issued';
}

/** Which invoices a read covers: one by id, or all. */
interface InvoiceScope {
  id?: number;
}

function scopedInvoices(db: Trx, scope: InvoiceScope) {
  let q = db.selectFrom('invoices as i');
  if (scope.id !== undefined) q = q.where('i.id', '=', scope.id);
  return q;
}

/** The invoices of a scope as records, in number order: three queries whatever their count. */
async function invoiceRecords(db: Trx, s: Session, scope: InvoiceScope): Promise<InvoiceRecord[]> {
  const [rows, lines, payments] = await Promise.all([
    scopedInvoices(db, scope)
      .leftJoin('orders as o', 'o.id', 'i.order_id')
      .leftJoin('companies as co', 'co.id', 'i.company_id')
      .selectAll('i')
      .select(['o.number as order_number', 'co.id as co_id', 'co.name as co_name'])
      .orderBy('i.number')
      .execute(),
    lineRowsByDocument(db, 'invoice', scopedInvoices(db, scope).select('i.id')),
    db.selectFrom('payments').selectAll().where('invoice_id', 'in', scopedInvoices(db, scope).select('i.id')).orderBy('invoice_id').orderBy('paid_on').orderBy('id').execute(),
  ]);
  const paymentsOf = new Map<number, typeof payments>();
  for (const p of payments) paymentsOf.get(p.invoice_id)?.push(p) ?? paymentsOf.set(p.invoice_id, [p]);
  const today = todayIn(s.now(), s.timeZone);
  return rows.map((i) => {
    const paidRows = paymentsOf.get(i.id) ?? [];
    const paid = paidRows.reduce((sum, p) => sum + BigInt(p.amount_minor), 0n);
    const total = BigInt(i.total_minor);
    const status = effectiveInvoiceStatus(i.status, total, paid, i.due_date, today);
    const m = (v: bigint) => new Money(v, i.currency);
    return {
      id: i.id,
      number: i.number,
      status,
      order: i.order_number ?? null,
      company: i.co_id !== null ? { id: i.co_id, name: i.co_name! } : null,
      currency: i.currency,
      issueDate: i.issue_date,
      dueDate: i.due_date,
      daysOverdue: status === 'overdue' ? daysBetween(i.due_date, today) : 0,
      total: m(total),
      paid: m(paid),
      outstanding: m(status === 'void' || total < paid ? 0n : total - paid),
      ...linesAndTotals(lines.get(i.id) ?? [], i.currency, i.tax_mode),
      payments: paidRows.map((p) => ({ id: p.id, amount: m(BigInt(p.amount_minor)), paidOn: p.paid_on, reference: p.reference })),
      notes: i.notes,
      createdAt: i.created_at,
      updatedAt: i.updated_at,
    };
  });
}

async function toInvoiceRecord(db: Trx, s: Session, i: Pick<InvoiceRow, 'id'>): Promise<InvoiceRecord> {
  const [record] = await invoiceRecords(db, s, { id: i.id });
  return record!;
}

export async function getInvoiceRow(db: Trx, ref: string): Promise<InvoiceRow> {
  const r = ref.trim();
  if (/^#?\d+$/.test(r)) {
    const row = await db.selectFrom('invoices').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst();
    if (row) return row;
  }
  const row = (await db.selectFrom('invoices').selectAll().where('number', '=', r).executeTakeFirst()) ?? (await db.selectFrom('invoices').selectAll().where('number', '=', r.toUpperCase()).executeTakeFirst());
  if (!row) throw new NotFoundError(`No invoice ${r}.`, 'List invoices with: crm invoice list');
  return row;
}

export async function showInvoice(s: Session, ref: string): Promise<InvoiceRecord> {
  return toInvoiceRecord(s.db.kysely, s, await getInvoiceRow(s.db.kysely, ref));
}

export async function listInvoices(s: Session, opts: { overdue?: boolean; status?: string } = {}): Promise<InvoiceRecord[]> {
  const st = opts.status?.trim().toLowerCase();
  if (st !== undefined && !(INVOICE_STATUSES as readonly string[]).includes(st)) throw new UserError(`Unknown invoice status "${opts.status}".`, `Use one of: ${INVOICE_STATUSES.join(', ')}.`, 'invalid_status');
  // Paid, partly-paid and overdue are computed from payments and the clock: filtered here.
  let records = await invoiceRecords(s.db.kysely, s, {});
  if (st !== undefined) records = records.filter((r) => r.status === st);
  if (opts.overdue) records = records.filter((r) => r.status === 'overdue').sort((a, b) => b.daysOverdue - a.daysOverdue || a.number.localeCompare(b.number));
  return records;
}

export interface InvoiceInput {
  issueDate?: string;
  dueDate?: string;
  draft?: boolean;
  notes?: string;
}

export async function createInvoice(s: Session, orderRef: string, input: InvoiceInput = {}): Promise<InvoiceRecord> {
  const first = await getOrderRow(s.db.kysely, orderRef);
  await authorize(s, 'invoice.write', { label: `order ${first.number}`, ownerId: first.owner_id });
  const issueDate = input.issueDate !== undefined ? requireDate(input.issueDate, 'Issue date') : todayIn(s.now(), s.timeZone);
  const dueInput = input.dueDate !== undefined ? requireDate(input.dueDate, 'Due date') : undefined;
  if (dueInput !== undefined && dueInput < issueDate) throw new UserError('The due date is before the issue date.', undefined, 'invalid_date');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const order = await getOrderRow(trx, String(first.id));
    if (order.status === 'cancelled') throw new UserError(`Order ${order.number} is cancelled.`, undefined, 'invalid_status');
    const existing = await trx.selectFrom('invoices').select('number').where('order_id', '=', order.id).where('status', '<>', 'void').executeTakeFirst();
    if (existing) throw new UserError(`Order ${order.number} is already invoiced (${existing.number}).`, `See it: crm invoice show ${existing.number}`, 'invoiced');
    const settings = await readSalesSettings(trx);
    const number = await nextNumber(trx, 'invoice', issueDate.slice(0, 4));
    const row = await trx
      .insertInto('invoices')
      .values({
        number,
        order_id: order.id,
        company_id: order.company_id,
        owner_id: order.owner_id,
        currency: order.currency,
        tax_mode: order.tax_mode,
        status: input.draft ? 'draft' : 'issued',
        issue_date: issueDate,
        due_date: dueInput ?? addDays(issueDate, settings.paymentTermDays),
        voided_at: null,
        notes: cleanText(input.notes),
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await copyLines(trx, { kind: 'order', id: order.id }, { kind: 'invoice', id: row.id });
    await storeTotals(trx, 'invoices', 'invoice', row.id, row.currency, row.tax_mode as TaxMode, at);
    await recordAudit(trx, { entity: 'invoice', entityId: row.id, action: 'create', changes: { number: [null, number], order: [null, order.number] }, actor: s.actor, at });
    return toInvoiceRecord(trx, s, await getInvoiceRow(trx, String(row.id)));
  });
}

/** Like orders: authorised on the invoice's owner (the order's), so a scope narrower than "all" covers only one's own. */
async function changeInvoice(s: Session, ref: string, fn: (trx: Trx, i: InvoiceRow, at: string) => Promise<void>): Promise<InvoiceRecord> {
  const first = await getInvoiceRow(s.db.kysely, ref);
  await authorize(s, 'invoice.write', { label: `invoice ${first.number}`, ownerId: first.owner_id });
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const i = await getInvoiceRow(trx, String(first.id));
    await fn(trx, i, at);
    return toInvoiceRecord(trx, s, await getInvoiceRow(trx, String(i.id)));
  });
}

export async function issueInvoice(s: Session, ref: string): Promise<InvoiceRecord> {
  return changeInvoice(s, ref, async (trx, i, at) => {
    if (i.status !== 'draft') throw new UserError(`Invoice ${i.number} is not a draft.`, undefined, 'invalid_status');
    await trx.updateTable('invoices').set({ status: 'issued', updated_at: at }).where('id', '=', i.id).execute();
    await recordAudit(trx, { entity: 'invoice', entityId: i.id, action: 'issue', changes: { status: ['draft', 'issued'] }, actor: s.actor, at });
  });
}

export async function payInvoice(s: Session, ref: string, input: { amount?: string; date?: string; reference?: string }): Promise<InvoiceRecord> {
  const paidOn = input.date !== undefined ? requireDate(input.date, 'Payment date') : todayIn(s.now(), s.timeZone);
  return changeInvoice(s, ref, async (trx, i, at) => {
    if (i.status === 'draft') throw new UserError(`Invoice ${i.number} is a draft.`, `Issue it first: crm invoice issue ${i.number}`, 'invalid_status');
    if (i.status === 'void') throw new UserError(`Invoice ${i.number} is void.`, undefined, 'invalid_status');
    const paid = (await trx.selectFrom('payments').select('amount_minor').where('invoice_id', '=', i.id).execute()).reduce((sum, p) => sum + BigInt(p.amount_minor), 0n);
    const outstanding = BigInt(i.total_minor) - paid;
    if (outstanding <= 0n) throw new UserError(`Invoice ${i.number} is already paid.`, undefined, 'paid');
    let amount = outstanding;
    if (input.amount !== undefined) {
      const m = parseMoney(input.amount, { defaultCurrency: i.currency });
      if (m.currency !== i.currency) throw new UserError(`The payment is in ${m.currency} but invoice ${i.number} is in ${i.currency}.`, `Give it in ${i.currency}.`, 'currency_mismatch');
      if (m.minor <= 0n) throw new UserError('A payment must be more than zero.', undefined, 'invalid_amount');
      if (m.minor > outstanding) throw new UserError(`The payment (${m.format()}) is more than what is outstanding (${new Money(outstanding, i.currency).format()}).`, `Record at most the outstanding amount: crm invoice pay ${i.number} --amount "${new Money(outstanding, i.currency).amount} ${i.currency}"`, 'overpayment');
      amount = m.minor;
    }
    await trx.insertInto('payments').values({ invoice_id: i.id, amount_minor: storableMinor(amount, i.currency, 'The payment'), paid_on: paidOn, reference: cleanText(input.reference), created_by: s.actor, created_at: at }).execute();
    await trx.updateTable('invoices').set({ updated_at: at }).where('id', '=', i.id).execute();
    await recordAudit(trx, { entity: 'invoice', entityId: i.id, action: 'payment', changes: { paid: [new Money(paid, i.currency).amount, new Money(paid + amount, i.currency).amount] }, actor: s.actor, at });
  });
}

export async function voidInvoice(s: Session, ref: string): Promise<InvoiceRecord> {
  return changeInvoice(s, ref, async (trx, i, at) => {
    if (i.status === 'void') throw new UserError(`Invoice ${i.number} is already void.`, undefined, 'invalid_status');
    const payment = await trx.selectFrom('payments').select('id').where('invoice_id', '=', i.id).executeTakeFirst();
    if (payment) throw new UserError(`Invoice ${i.number} has payments recorded: it cannot be voided.`, undefined, 'has_payments');
    await trx.updateTable('invoices').set({ status: 'void', voided_at: at, updated_at: at }).where('id', '=', i.id).execute();
    await recordAudit(trx, { entity: 'invoice', entityId: i.id, action: 'void', changes: { status: [i.status, 'void'] }, actor: s.actor, at });
  });
}
