/**
 * Quotes: numbered per year (Q-2026-0001, prefix in `crm quote settings`), made from a deal
 * (its lines copied), edited while draft, sent, then accepted (→ a sales order with the same
 * lines) or rejected. A quote past its valid-until date that was not decided is expired — that
 * status is computed from the date (and the clock), never stored. `revise` makes revision 2 of
 * the same number from the latest one, which is kept as "superseded".
 */
import type { Selectable } from 'kysely';
import { recordAudit } from '../db/audit.js';
import type { QuotesTable } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { NotFoundError, UserError } from '../errors.js';
import { addDays, todayIn } from './period.js';
import { getDealRow } from './deals.js';
import { appendLine, copyLines, lineRows, lineRowsByDocument, linesAndTotals, quoteLabel, removeLine, resolveLine, storeTotals, type LineInput, type LineRecord, type TotalsRecord } from './document-lines.js';
import { authorize } from './permissions.js';
import type { TaxMode } from './pricing.js';
import { createOrderFrom, type OrderRecord } from './orders.js';
import { nextNumber, readSalesSettings } from './sales-settings.js';
import { nowIso, type Session } from './session.js';
import { cleanText, fullName, requireDate } from './validate.js';

type QuoteRow = Selectable<QuotesTable>;

export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'rejected', 'expired', 'superseded'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export interface QuoteRecord {
  id: number;
  number: string;
  revision: number;
  /** What the quote is called: "Q-2026-0001", or "Q-2026-0001 rev 2". */
  label: string;
  status: QuoteStatus;
  deal: { id: number; title: string };
  company: { id: number; name: string } | null;
  contact: { id: number; name: string; email: string | null } | null;
  owner: string | null;
  currency: string;
  issuedOn: string;
  validUntil: string | null;
  sentAt: string | null;
  decidedAt: string | null;
  notes: string | null;
  lines: LineRecord[];
  totals: TotalsRecord;
  /** The order made when it was accepted. */
  order: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Expired: drafted or sent, not decided, and its valid-until day is over. */
export function effectiveQuoteStatus(stored: string, validUntil: string | null, today: string): QuoteStatus {
  if ((stored === 'draft' || stored === 'sent') && validUntil !== null && validUntil < today) return 'expired';
  return stored as QuoteStatus;
}

const labelOf = (q: Pick<QuoteRow, 'number' | 'revision'>) => quoteLabel(q.number, q.revision);

/** Which quotes a read covers: one by id, or those of a deal, or all; latest revisions only unless asked. */
interface QuoteScope {
  id?: number;
  dealId?: number;
  allRevisions?: boolean;
}

function scopedQuotes(db: Trx, scope: QuoteScope) {
  let q = db.selectFrom('quotes as q');
  if (scope.id !== undefined) q = q.where('q.id', '=', scope.id);
  if (scope.dealId !== undefined) q = q.where('q.deal_id', '=', scope.dealId);
  if (scope.id === undefined && !scope.allRevisions) q = q.where(({ not, exists, selectFrom }) => not(exists(selectFrom('quotes as newer').select('newer.id').whereRef('newer.number', '=', 'q.number').whereRef('newer.revision', '>', 'q.revision'))));
  return q;
}

/** The quotes of a scope as records, in number and revision order: two queries whatever their count. */
async function quoteRecords(db: Trx, s: Session, scope: QuoteScope): Promise<QuoteRecord[]> {
  const [rows, lines] = await Promise.all([
    scopedQuotes(db, scope)
      .innerJoin('deals as d', 'd.id', 'q.deal_id')
      .leftJoin('companies as co', 'co.id', 'q.company_id')
      .leftJoin('contacts as c', 'c.id', 'q.contact_id')
      .leftJoin('users as u', 'u.id', 'q.owner_id')
      .selectAll('q')
      .select(['d.title as deal_title', 'co.id as co_id', 'co.name as co_name', 'c.id as c_id', 'c.first_name as c_first', 'c.last_name as c_last', 'c.email as c_email', 'u.handle as owner_handle'])
      .select((eb) => eb.selectFrom('orders as o').select('o.number').whereRef('o.quote_id', '=', 'q.id').orderBy('o.id').limit(1).as('order_number'))
      .orderBy('q.number')
      .orderBy('q.revision')
      .execute(),
    lineRowsByDocument(db, 'quote', scopedQuotes(db, scope).select('q.id')),
  ]);
  const today = todayIn(s.now(), s.timeZone);
  return rows.map((q) => {
    return {
      id: q.id,
      number: q.number,
      revision: q.revision,
      label: labelOf(q),
      status: effectiveQuoteStatus(q.status, q.valid_until, today),
      deal: { id: q.deal_id, title: q.deal_title },
      company: q.co_id !== null ? { id: q.co_id, name: q.co_name! } : null,
      contact: q.c_id !== null ? { id: q.c_id, name: fullName(q.c_first!, q.c_last), email: q.c_email } : null,
      owner: q.owner_handle ?? null,
      currency: q.currency,
      issuedOn: q.issued_on,
      validUntil: q.valid_until,
      sentAt: q.sent_at,
      decidedAt: q.decided_at,
      notes: q.notes,
      ...linesAndTotals(lines.get(q.id) ?? [], q.currency, q.tax_mode),
      order: q.order_number ?? null,
      createdAt: q.created_at,
      updatedAt: q.updated_at,
    };
  });
}

async function toQuoteRecord(db: Trx, s: Session, q: Pick<QuoteRow, 'id'>): Promise<QuoteRecord> {
  const [record] = await quoteRecords(db, s, { id: q.id });
  return record!;
}

/** A quote by number (its latest revision unless one is given) or by id. */
export async function getQuoteRow(db: Trx, ref: string, revision?: number): Promise<QuoteRow> {
  const r = ref.trim();
  if (/^#?\d+$/.test(r)) {
    const row = await db.selectFrom('quotes').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst();
    if (row) return row;
  }
  const find = (number: string) => {
    let q = db.selectFrom('quotes').selectAll().where('number', '=', number);
    if (revision !== undefined) q = q.where('revision', '=', revision);
    return q.orderBy('revision', 'desc').executeTakeFirst();
  };
  const row = (await find(r)) ?? (await find(r.toUpperCase()));
  if (!row) throw new NotFoundError(`No quote ${r}${revision !== undefined ? ` revision ${revision}` : ''}.`, 'List quotes with: crm quote list');
  return row;
}

export async function showQuote(s: Session, ref: string, revision?: number): Promise<QuoteRecord> {
  return toQuoteRecord(s.db.kysely, s, await getQuoteRow(s.db.kysely, ref, revision));
}

export async function listQuotes(s: Session, opts: { deal?: string; status?: string; allRevisions?: boolean } = {}): Promise<QuoteRecord[]> {
  const db = s.db.kysely;
  let status: string | undefined;
  if (opts.status !== undefined) {
    status = opts.status.trim().toLowerCase();
    if (!(QUOTE_STATUSES as readonly string[]).includes(status)) throw new UserError(`Unknown quote status "${opts.status}".`, `Use one of: ${QUOTE_STATUSES.join(', ')}.`, 'invalid_status');
  }
  const dealId = opts.deal !== undefined ? (await getDealRow(db, opts.deal)).id : undefined;
  const records = await quoteRecords(db, s, { dealId, allRevisions: opts.allRevisions });
  // Expired is computed from the date: filtered here, not in SQL.
  return status === undefined ? records : records.filter((r) => r.status === status);
}

/** The quotes of a deal, latest revisions first by number (for `deal show`). */
export async function quotesOfDeal(s: Session, dealId: number): Promise<QuoteRecord[]> {
  return listQuotes(s, { deal: String(dealId) });
}

async function authorizeQuote(s: Session, q: { id?: number; label?: string; owner_id: number | null }, label: string): Promise<void> {
  await authorize(s, 'quote.write', { label, ownerId: q.owner_id });
}

export interface QuoteInput {
  validUntil?: string;
  notes?: string;
}

export async function createQuote(s: Session, dealRef: string, input: QuoteInput = {}): Promise<QuoteRecord> {
  const first = await getDealRow(s.db.kysely, dealRef);
  await authorize(s, 'quote.write', { label: `deal #${first.id}`, ownerId: first.owner_id });
  const validUntil = input.validUntil !== undefined ? requireDate(input.validUntil, 'Valid until') : undefined;
  const at = nowIso(s);
  const today = todayIn(s.now(), s.timeZone);
  return writeTransaction(s.db, async (trx) => {
    const deal = await getDealRow(trx, first.id);
    if (deal.archived_at) throw new UserError(`Deal #${deal.id} is archived.`, `Restore it first: crm deal restore ${deal.id}`, 'archived');
    const settings = await readSalesSettings(trx);
    const number = await nextNumber(trx, 'quote', today.slice(0, 4));
    const row = await trx
      .insertInto('quotes')
      .values({
        number,
        revision: 1,
        deal_id: deal.id,
        company_id: deal.company_id,
        contact_id: deal.contact_id,
        owner_id: deal.owner_id,
        currency: deal.currency,
        tax_mode: settings.taxMode,
        status: 'draft',
        issued_on: today,
        valid_until: validUntil ?? addDays(today, settings.quoteValidDays),
        sent_at: null,
        decided_at: null,
        notes: cleanText(input.notes),
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await copyLines(trx, { kind: 'deal', id: deal.id }, { kind: 'quote', id: row.id });
    await storeTotals(trx, 'quotes', 'quote', row.id, row.currency, row.tax_mode as TaxMode, at);
    await recordAudit(trx, { entity: 'quote', entityId: row.id, action: 'create', changes: { number: [null, number], deal: [null, deal.id] }, actor: s.actor, at });
    return toQuoteRecord(trx, s, await getQuoteRow(trx, String(row.id)));
  });
}

/** Run a change on the latest revision of a quote, under the write lock, checking its status first. */
async function changeQuote<T>(s: Session, ref: string, allowed: QuoteStatus[], verb: string, fn: (trx: Trx, q: QuoteRow, at: string) => Promise<T>): Promise<T> {
  const first = await getQuoteRow(s.db.kysely, ref);
  await authorizeQuote(s, first, `quote ${labelOf(first)}`);
  const at = nowIso(s);
  const today = todayIn(s.now(), s.timeZone);
  return writeTransaction(s.db, async (trx) => {
    const q = await getQuoteRow(trx, String(first.id));
    const latest = await getQuoteRow(trx, q.number);
    if (latest.id !== q.id) throw new UserError(`${labelOf(q)} was revised: ${labelOf(latest)} is the current one.`, `crm quote show ${latest.number}`, 'superseded');
    const status = effectiveQuoteStatus(q.status, q.valid_until, today);
    if (!allowed.includes(status)) throw statusError(q, status, verb);
    return fn(trx, q, at);
  });
}

function statusError(q: QuoteRow, status: QuoteStatus, verb: string): UserError {
  const label = labelOf(q);
  const hint =
    status === 'draft' ? `Send it first: crm quote send ${q.number}` : status === 'expired' ? `It expired on ${q.valid_until}: make a new revision with crm quote revise ${q.number} --valid-until YYYY-MM-DD` : status === 'accepted' ? `It became an order: crm order list` : `Make a new revision to change it: crm quote revise ${q.number}`;
  return new UserError(`Quote ${label} is ${status}: it cannot be ${verb}.`, hint, 'invalid_status');
}

export async function addQuoteLine(s: Session, ref: string, input: LineInput): Promise<QuoteRecord> {
  return changeQuote(s, ref, ['draft'], 'changed', async (trx, q, at) => {
    const line = await resolveLine(trx, input, q.currency);
    const position = await appendLine(trx, 'quote', q.id, line);
    await storeTotals(trx, 'quotes', 'quote', q.id, q.currency, q.tax_mode as TaxMode, at);
    await recordAudit(trx, { entity: 'quote', entityId: q.id, action: 'line', changes: { [`line ${position}`]: [null, `${line.sku} × ${line.quantity_milli / 1000}`] }, actor: s.actor, at });
    return toQuoteRecord(trx, s, await getQuoteRow(trx, String(q.id)));
  });
}

export async function removeQuoteLine(s: Session, ref: string, position: number): Promise<QuoteRecord> {
  return changeQuote(s, ref, ['draft'], 'changed', async (trx, q, at) => {
    await removeLine(trx, 'quote', q.id, position, `crm quote show ${q.number}`);
    await storeTotals(trx, 'quotes', 'quote', q.id, q.currency, q.tax_mode as TaxMode, at);
    await recordAudit(trx, { entity: 'quote', entityId: q.id, action: 'line', changes: { [`line ${position}`]: ['removed', null] }, actor: s.actor, at });
    return toQuoteRecord(trx, s, await getQuoteRow(trx, String(q.id)));
  });
}

export async function editQuote(s: Session, ref: string, input: QuoteInput): Promise<QuoteRecord> {
  const cols: Record<string, unknown> = {};
  if (input.validUntil !== undefined) cols.valid_until = requireDate(input.validUntil, 'Valid until');
  if (input.notes !== undefined) cols.notes = cleanText(input.notes);
  return changeQuote(s, ref, ['draft', 'expired'], 'edited', async (trx, q, at) => {
    if (q.status !== 'draft') throw statusError(q, effectiveQuoteStatus(q.status, q.valid_until, todayIn(s.now(), s.timeZone)), 'edited');
    const changes = Object.fromEntries(Object.entries(cols).filter(([k, v]) => (q as unknown as Record<string, unknown>)[k] !== v).map(([k, v]) => [k, [(q as unknown as Record<string, unknown>)[k], v] as [unknown, unknown]]));
    if (Object.keys(changes).length) {
      await trx.updateTable('quotes').set({ ...(cols as object), updated_at: at }).where('id', '=', q.id).execute();
      await recordAudit(trx, { entity: 'quote', entityId: q.id, action: 'update', changes, actor: s.actor, at });
    }
    return toQuoteRecord(trx, s, await getQuoteRow(trx, String(q.id)));
  });
}

async function setStatus(trx: Trx, s: Session, q: QuoteRow, status: string, at: string, extra: Record<string, unknown>): Promise<void> {
  await trx.updateTable('quotes').set({ status, updated_at: at, ...extra }).where('id', '=', q.id).execute();
  await recordAudit(trx, { entity: 'quote', entityId: q.id, action: status, changes: { status: [q.status, status] }, actor: s.actor, at });
}

export async function sendQuote(s: Session, ref: string): Promise<QuoteRecord> {
  return changeQuote(s, ref, ['draft'], 'sent', async (trx, q, at) => {
    if (!(await lineRows(trx, 'quote', q.id)).length) throw new UserError(`Quote ${labelOf(q)} has no lines.`, `Add one: crm quote add-line ${q.number} SKU --qty 1`, 'empty_quote');
    await setStatus(trx, s, q, 'sent', at, { sent_at: at });
    return toQuoteRecord(trx, s, await getQuoteRow(trx, String(q.id)));
  });
}

export async function rejectQuote(s: Session, ref: string): Promise<QuoteRecord> {
  return changeQuote(s, ref, ['sent', 'expired'], 'rejected', async (trx, q, at) => {
    if (q.status !== 'sent') throw statusError(q, 'draft', 'rejected');
    await setStatus(trx, s, q, 'rejected', at, { decided_at: at });
    return toQuoteRecord(trx, s, await getQuoteRow(trx, String(q.id)));
  });
}

/** Accepting makes the sales order, with the same lines and totals, in the same transaction. */
export async function acceptQuote(s: Session, ref: string): Promise<{ quote: QuoteRecord; order: OrderRecord }> {
  return changeQuote(s, ref, ['sent'], 'accepted', async (trx, q, at) => {
    await setStatus(trx, s, q, 'accepted', at, { decided_at: at });
    const order = await createOrderFrom(trx, s, { kind: 'quote', quote: q }, at);
    return { quote: await toQuoteRecord(trx, s, await getQuoteRow(trx, String(q.id))), order };
  });
}

/** A new draft revision of the same number, with the latest revision's lines; that one is kept, superseded. */
export async function reviseQuote(s: Session, ref: string, input: QuoteInput = {}): Promise<QuoteRecord> {
  const validUntil = input.validUntil !== undefined ? requireDate(input.validUntil, 'Valid until') : undefined;
  return changeQuote(s, ref, ['draft', 'sent', 'rejected', 'expired'], 'revised', async (trx, q, at) => {
    const today = todayIn(s.now(), s.timeZone);
    const settings = await readSalesSettings(trx);
    await setStatus(trx, s, q, 'superseded', at, {});
    const { id: _id, ...rest } = q;
    const row = await trx
      .insertInto('quotes')
      .values({
        ...rest,
        revision: q.revision + 1,
        status: 'draft',
        issued_on: today,
        valid_until: validUntil ?? addDays(today, settings.quoteValidDays),
        sent_at: null,
        decided_at: null,
        notes: input.notes !== undefined ? cleanText(input.notes) : q.notes,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await copyLines(trx, { kind: 'quote', id: q.id }, { kind: 'quote', id: row.id });
    await storeTotals(trx, 'quotes', 'quote', row.id, row.currency, row.tax_mode as TaxMode, at);
    await recordAudit(trx, { entity: 'quote', entityId: row.id, action: 'revise', changes: { revision: [q.revision, row.revision] }, actor: s.actor, at });
    return toQuoteRecord(trx, s, row);
  });
}
