/**
 * Leads (issue #21 item 5): a lead is a contact in lifecycle lead (LIFECYCLE_HELP). It has a grade
 * — the built-in ordered choice field lead_grade (D < C < B < A by default, configurable with
 * `crm field edit contact lead_grade --choices …`) — and a status: new, working, qualified,
 * disqualified (with a reason) or converted. Converting makes a deal through addDeal (which moves
 * the contact to prospect, as the lifecycle model says) in the same write transaction.
 */
import { recordAudit } from '../db/audit.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { UsageError, UserError } from '../errors.js';
import { enableFields, fieldDefinitions, fieldValuesFromSets, mergeFieldValues } from './custom-fields.js';
import { editContact, getContact, listContacts, loadContactRecord, searchText, type ContactRecord } from './contacts.js';
import { addDeal, type DealRecord } from './deals.js';
import { campaignOfSource } from './campaigns.js';
import type { CompanyRecord } from './companies.js';
import { authorize } from './permissions.js';
import { joinTransaction, nowIso, type Session } from './session.js';
import { cleanText } from './validate.js';
import { updateIfVersion } from '../db/versioned.js';
import { versionConflict } from '../errors.js';

/** The statuses a user sets; `converted` is set only by crm lead convert. */
export const LEAD_STATUSES = ['new', 'working', 'qualified', 'disqualified'] as const;
export const GRADE_FIELD = 'lead_grade';

export interface LeadRecord extends ContactRecord {
  grade: string | null;
  leadStatus: string;
  disqualifiedReason: string | null;
  convertedAt: string | null;
  convertedDealId: number | null;
}

type LeadColumns = { lead_status: string; lead_reason: string | null; converted_at: string | null; converted_deal_id: number | null };

function toLead(c: ContactRecord, cols: LeadColumns): LeadRecord {
  const grade = c.customFields?.[GRADE_FIELD];
  return { ...c, grade: typeof grade === 'string' ? grade : null, leadStatus: cols.lead_status, disqualifiedReason: cols.lead_reason, convertedAt: cols.converted_at, convertedDealId: cols.converted_deal_id };
}

async function leadColumns(s: Session, ids: number[]): Promise<Map<number, LeadColumns>> {
  if (!ids.length) return new Map();
  const rows = await s.db.kysely.selectFrom('contacts').select(['id', 'lead_status', 'lead_reason', 'converted_at', 'converted_deal_id']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

async function loadLead(s: Session, id: number): Promise<LeadRecord> {
  const c = await loadContactRecord(s.db.kysely, id);
  return toLead(c, (await leadColumns(s, [id])).get(id)!);
}

/** `crm lead list [filter]`: contacts in lifecycle lead, with the contact filter (status:…, lead_grade:>=B). */
export async function listLeads(s: Session, opts: { filter?: string[]; limit?: number } = {}): Promise<{ rows: LeadRecord[]; total: number }> {
  const filter: string[] = ['lifecycle:lead'];
  for (const term of opts.filter ?? []) {
    // status:working and grade:>=B are the lead's own words for lead-status: and lead_grade:.
    const m = /^((?:not:)*)(status|grade)(:.*)$/i.exec(term);
    if (m) filter.push(`${m[1]}${m[2]!.toLowerCase() === 'status' ? 'lead-status' : GRADE_FIELD}${m[3]}`);
    else filter.push(term);
  }
  const { rows, total } = await listContacts(s, { filter, limit: opts.limit });
  const cols = await leadColumns(s, rows.map((r) => r.id));
  return { rows: rows.map((r) => toLead(r, cols.get(r.id)!)), total };
}

export async function showLead(s: Session, ref: string): Promise<LeadRecord> {
  return loadLead(s, (await getContact(s, ref)).id);
}

function parseStatus(v: string): (typeof LEAD_STATUSES)[number] {
  const st = v.trim().toLowerCase();
  if (st === 'converted') throw new UserError('A lead becomes converted only through crm lead convert.', 'crm lead convert ID --deal-title "…"');
  if (!(LEAD_STATUSES as readonly string[]).includes(st)) throw new UsageError(`Unknown lead status "${v}".`, `Use one of: ${LEAD_STATUSES.join(', ')} (see crm help lifecycle).`);
  return st as (typeof LEAD_STATUSES)[number];
}

export interface LeadEdit {
  grade?: string;
  status?: string;
  reason?: string;
}

/** `crm lead edit` and `crm lead disqualify`: grade and status in one audited write. */
export async function editLead(s: Session, ref: string, input: LeadEdit): Promise<LeadRecord> {
  if (input.grade === undefined && input.status === undefined) throw new UsageError('Nothing to change.', 'Give --grade or --status, e.g. crm lead edit 12 --grade A --status working');
  const status = input.status !== undefined ? parseStatus(input.status) : undefined;
  const reason = cleanText(input.reason);
  if (status === 'disqualified' && !reason) throw new UsageError('A disqualified lead needs a reason.', 'crm lead disqualify ID --reason "no budget"');
  if (reason && status !== 'disqualified') throw new UsageError('--reason goes with disqualifying a lead.', 'crm lead disqualify ID --reason "…"');
  const contact = await getContact(s, ref);
  await authorize(s, 'contact.write', { label: `contact #${contact.id}`, ownerId: contact.owner_id });
  assertOpenLead(contact);
  if (input.grade !== undefined && !(await fieldDefinitions(s.db.kysely, 'contact')).some((d) => d.name === GRADE_FIELD)) await enableFields(s, 'contact', [GRADE_FIELD], { onFirstUse: true });
  const gradeValues = input.grade !== undefined ? await fieldValuesFromSets(s, 'contact', { [GRADE_FIELD]: input.grade }) : undefined;
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const inTrx = joinTransaction(s, trx);
    const row = await trx.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
    assertOpenLead(row);
    const before = await loadLead(inTrx, contact.id);
    const cols: Record<string, unknown> = {};
    if (gradeValues) {
      cols.custom_fields = mergeFieldValues(row.custom_fields, gradeValues);
      cols.search_text = searchText({ ...row, custom_fields: cols.custom_fields as string | null });
    }
    if (status !== undefined) {
      cols.lead_status = status;
      cols.lead_reason = status === 'disqualified' ? reason : null;
    }
    const changes: Record<string, [unknown, unknown]> = {};
    const grade = gradeValues?.[GRADE_FIELD];
    if (gradeValues && grade !== before.grade) changes.grade = [before.grade, grade ?? null];
    if (status !== undefined && status !== before.leadStatus) changes.leadStatus = [before.leadStatus, status];
    if (status !== undefined && (cols.lead_reason ?? null) !== before.disqualifiedReason) changes.disqualifiedReason = [before.disqualifiedReason, cols.lead_reason ?? null];
    if (!Object.keys(changes).length) throw new UserError(`Lead #${contact.id} is already so; nothing to change.`, `See it: crm lead show ${contact.id}`, 'no_change');
    if (!(await updateIfVersion(trx, 'contacts', contact.id, row.version, cols, at))) throw versionConflict(`Contact #${contact.id}`, `crm lead show ${contact.id}`, await currentVersion(trx, contact.id), row.version);
    await recordAudit(trx, { entity: 'contact', entityId: contact.id, action: status === 'disqualified' ? 'disqualify' : 'update', changes, actor: s.actor, at });
    return loadLead(inTrx, contact.id);
  });
}

/** The contact's version as it is now (for the message of a lost race). */
async function currentVersion(trx: Trx, id: number): Promise<number> {
  return (await trx.selectFrom('contacts').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
}

type LeadRow = { id: number; lifecycle: string; lead_status: string; converted_deal_id: number | null; archived_at: string | null };

function assertOpenLead(c: LeadRow): void {
  if (c.archived_at) throw new UserError(`Contact #${c.id} is archived.`, `Restore it first: crm contact restore ${c.id}`, 'archived');
  if (c.lead_status === 'converted') throw new UserError(`Lead #${c.id} was already converted${c.converted_deal_id ? ` (deal #${c.converted_deal_id})` : ''}.`, c.converted_deal_id ? `See it: crm deal show ${c.converted_deal_id}` : undefined, 'converted');
  if (c.lifecycle !== 'lead') throw new UserError(`Contact #${c.id} is a ${c.lifecycle}, not a lead.`, `Leads are contacts in lifecycle lead: crm lead list (see crm help lifecycle)`, 'not_a_lead');
}

export interface ConvertInput {
  dealTitle?: string;
  amount?: string;
  currency?: string;
  company?: string;
  owner?: string;
}

export interface Conversion {
  lead: LeadRecord;
  deal: DealRecord;
  companyCreated: CompanyRecord | null;
}

/**
 * `crm lead convert`: in one write transaction, the deal (and the company if named and missing)
 * through addDeal, carrying the contact's source and its campaign (the campaign its source names,
 * as campaigns define membership); addDeal moves the contact lead → prospect; the contact is
 * marked converted. A disqualified or converted lead is refused.
 */
export async function convertLead(s: Session, ref: string, input: ConvertInput): Promise<Conversion> {
  const contact = await getContact(s, ref);
  await authorize(s, 'contact.write', { label: `contact #${contact.id}`, ownerId: contact.owner_id });
  await authorize(s, 'deal.write');
  const refuse = (c: LeadRow) => {
    if (c.lead_status === 'disqualified') throw new UserError(`Lead #${c.id} is disqualified; a disqualified lead is not converted.`, `Requalify it first: crm lead edit ${c.id} --status qualified`, 'disqualified');
    assertOpenLead(c);
  };
  refuse(contact);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const inTrx = joinTransaction(s, trx);
    let companyCreated: CompanyRecord | null = null;
    const row = await trx.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
    refuse(row);
    const campaign = await campaignOfSource(trx, row.source);
    const name = [row.first_name, row.last_name].filter(Boolean).join(' ');
    const deal = await addDeal(
      inTrx,
      {
        title: cleanText(input.dealTitle) ?? name,
        contact: String(row.id),
        amount: input.amount,
        currency: input.currency,
        company: input.company,
        owner: input.owner,
        source: row.source ?? undefined,
        campaign: campaign ? String(campaign.id) : undefined,
      },
      { companyCreated: (c) => (companyCreated = c) },
    );
    // A lead of no company joins the deal's (named with --company, found or created): the person
    // is then listed under the account the deal is with, as a converted lead is everywhere.
    if (row.company_id === null && deal.company) await editContact(inTrx, String(row.id), { company: `#${deal.company.id}` });
    const after = await trx.selectFrom('contacts').select('version').where('id', '=', row.id).executeTakeFirstOrThrow();
    // Read and written in this one transaction: a version that moved meanwhile is a conflict, never a lost update.
    if (!(await updateIfVersion(trx, 'contacts', row.id, after.version, { lead_status: 'converted', lead_reason: null, converted_at: at, converted_deal_id: deal.id }, at))) {
      throw versionConflict(`Contact #${row.id}`, `crm lead show ${row.id}`, await currentVersion(trx, row.id), after.version);
    }
    await recordAudit(trx, { entity: 'contact', entityId: row.id, action: 'convert', changes: { leadStatus: [row.lead_status, 'converted'], deal: [null, deal.id] }, actor: s.actor, at });
    return { lead: await loadLead(inTrx, row.id), deal, companyCreated };
  });
}
