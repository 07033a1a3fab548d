/**
 * Products of interest on a deal (`crm deal line add 12 SKU --qty 3`). A deal with lines takes
 * its amount from them: the sum of the line nets (after discounts, before tax — what the pipeline
 * is worth), written in the same transaction as the line. A deal without lines keeps the amount
 * entered with --amount, as before.
 */
import { recordAudit } from '../db/audit.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { UserError } from '../errors.js';
import { getDealRow } from './deals.js';
import { storableMinor } from './money.js';
import { appendLine, lineRows, removeLine, resolveLine, toLineRecord, totalsOf, type LineInput, type LineRecord, type TotalsRecord } from './document-lines.js';
import { authorize } from './permissions.js';
import { readTaxMode } from './sales-settings.js';
import { nowIso, type Session } from './session.js';

export interface DealLines {
  dealId: number;
  lines: LineRecord[];
  totals: TotalsRecord;
}

async function dealLinesIn(db: Trx, dealId: number, currency: string): Promise<DealLines> {
  const rows = await lineRows(db, 'deal', dealId);
  return { dealId, lines: rows.map((r) => toLineRecord(r, currency)), totals: totalsOf(rows, currency, await readTaxMode(db)) };
}

export async function listDealLines(s: Session, dealRef: string): Promise<DealLines> {
  const deal = await getDealRow(s.db.kysely, dealRef);
  return dealLinesIn(s.db.kysely, deal.id, deal.currency);
}

/** The deal's amount follows its lines (the sum of nets); its version moves like any change. */
async function syncDealAmount(trx: Trx, dealId: number, currency: string, at: string): Promise<DealLines> {
  const result = await dealLinesIn(trx, dealId, currency);
  if (result.lines.length) {
    const amount = storableMinor(result.totals.subtotal.minor, currency, "The deal's amount (the sum of its lines)");
    await trx.updateTable('deals').set((eb) => ({ amount_minor: amount, updated_at: at, version: eb('version', '+', 1) })).where('id', '=', dealId).execute();
  } else {
    await trx.updateTable('deals').set((eb) => ({ updated_at: at, version: eb('version', '+', 1) })).where('id', '=', dealId).execute();
  }
  return result;
}

export async function addDealLine(s: Session, dealRef: string, input: LineInput): Promise<DealLines> {
  const first = await getDealRow(s.db.kysely, dealRef);
  await authorize(s, 'deal.write', { label: `deal #${first.id}`, ownerId: first.owner_id });
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const deal = await getDealRow(trx, first.id);
    if (deal.archived_at) throw new UserError(`Deal #${deal.id} is archived.`, `Restore it first: crm deal restore ${deal.id}`, 'archived');
    const line = await resolveLine(trx, input, deal.currency);
    const position = await appendLine(trx, 'deal', deal.id, line);
    const result = await syncDealAmount(trx, deal.id, deal.currency, at);
    await recordAudit(trx, { entity: 'deal', entityId: deal.id, action: 'line', changes: { [`line ${position}`]: [null, `${line.sku} × ${result.lines.at(-1)!.quantity}`], amount: [deal.amount_minor, Number(result.totals.subtotal.minor)] }, actor: s.actor, at });
    return result;
  });
}

export async function removeDealLine(s: Session, dealRef: string, position: number): Promise<DealLines> {
  const first = await getDealRow(s.db.kysely, dealRef);
  await authorize(s, 'deal.write', { label: `deal #${first.id}`, ownerId: first.owner_id });
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const deal = await getDealRow(trx, first.id);
    await removeLine(trx, 'deal', deal.id, position, `crm deal line list ${deal.id}`);
    const result = await syncDealAmount(trx, deal.id, deal.currency, at);
    await recordAudit(trx, { entity: 'deal', entityId: deal.id, action: 'line', changes: { [`line ${position}`]: ['removed', null], amount: [deal.amount_minor, result.lines.length ? Number(result.totals.subtotal.minor) : deal.amount_minor] }, actor: s.actor, at });
    return result;
  });
}

/** Whether a deal's amount comes from its lines (then --amount is refused). */
export async function dealHasLines(db: Trx, dealId: number): Promise<boolean> {
  const r = await db.selectFrom('document_lines').select('id').where('document_kind', '=', 'deal').where('document_id', '=', dealId).limit(1).executeTakeFirst();
  return r !== undefined;
}
