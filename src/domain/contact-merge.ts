/**
 * Merging a duplicate contact (B) into the one to keep (A). Nothing of either record is lost:
 *
 * - B's deals, tickets, activities, referrals and tags move to A (tags: the union).
 * - A field A leaves empty takes B's value. Where both have a value, A's wins and B's is written
 *   to A's history (the `merge` audit entry, key "#B field": B's value → A's kept value) and
 *   named in the result's `notKept`.
 * - Notes: B's notes are appended to A's under a line naming B ("Merged from #B Name:").
 * - Custom fields: the union; where both have a key, A's value wins and B's goes to history.
 * - External id (unique): A takes B's when it has none (B's is released first); when both have
 *   one, A keeps its own and B — archived, marked "merged into #A" in its history — keeps its
 *   own too, so an import keyed on it still finds the record it came from.
 * - Email (unique among contacts): as the external id.
 * - Deal roles: B's role on a deal moves to A; on a deal where A is already a contact, A keeps a
 *   role it has and takes B's when it had none; a different role of B's goes to history.
 * - B is archived (never deleted).
 */
import { diff, recordAudit } from '../db/audit.js';
import type { Contact } from '../db/schema.js';
import { setTags, tagsFor } from '../db/tags.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { bumpVersion } from '../db/versioned.js';
import { UserError } from '../errors.js';
import { contactAuditView, getContact, loadContactRecord, searchText, type ContactRecord } from './contacts.js';
import { nowIso, sessionIn, type Session } from './session.js';
import { fullName } from './validate.js';
import { authorize } from './permissions.js';
import { todayIn } from './period.js';
import { currentOn, syncPrimary } from '../db/primary-company.js';

/** Tables whose rows point at a contact: merge moves them from B to A. */
const CONTACT_LINKS: { table: 'deals' | 'tickets' | 'activities' | 'psych_notes' | 'contact_companies'; column: 'contact_id' }[] = [
  { table: 'deals', column: 'contact_id' },
  { table: 'tickets', column: 'contact_id' },
  { table: 'activities', column: 'contact_id' },
  { table: 'psych_notes', column: 'contact_id' },
  // B's companies, current and past, become A's too (A's primary company stays A's).
  { table: 'contact_companies', column: 'contact_id' },
];

/**
 * B's primary company, when A keeps another one, stays one of A's current companies: B's
 * membership there has no row of its own (contacts.company_id implies it), so it becomes one,
 * with B's role, unless A already has a current membership there.
 */
async function keepCompanyOfB(trx: Trx, aId: number, aCompany: number | null, b: Contact, today: string, at: string): Promise<void> {
  if (b.company_id === null || b.company_id === aCompany) return;
  const open = await trx
    .selectFrom('contact_companies')
    .select('id')
    .where('contact_id', '=', aId)
    .where('company_id', '=', b.company_id)
    .where(currentOn(today))
    .executeTakeFirst();
  if (!open) await trx.insertInto('contact_companies').values({ contact_id: aId, company_id: b.company_id, role: b.company_role, unit: null, started_on: null, ended_on: null, created_at: at, updated_at: at }).execute();
}

/** Columns A takes from B when A's is empty (notes and custom fields are combined instead). */
const MERGE_FILL = ['prefix', 'title', 'email', 'phone', 'mobile', 'company_id', 'company_role', 'source', 'referred_by_id', 'owner_id', 'external_id', 'last_touched_at'] as const;

/** A value of the duplicate that the kept contact did not take (it is in the kept contact's history). */
export interface NotKept {
  field: string;
  kept: unknown;
  other: unknown;
}

export interface MergeResult {
  kept: ContactRecord;
  archived: ContactRecord;
  moved: Record<string, number>;
  /** Fields the kept contact had empty and took from the duplicate (record field names). */
  filled: string[];
  /** Whether the duplicate's notes were appended to the kept contact's. */
  notesAppended: boolean;
  /** The duplicate's values that differ from the kept contact's: kept in history, not on the record. */
  notKept: NotKept[];
}

const FIELD_NAMES: Record<(typeof MERGE_FILL)[number] | 'notes', string> = {
  prefix: 'prefix',
  title: 'title',
  email: 'email',
  phone: 'phone',
  mobile: 'mobile',
  company_id: 'company',
  company_role: 'companyRole',
  source: 'source',
  referred_by_id: 'referredBy',
  owner_id: 'owner',
  external_id: 'externalId',
  last_touched_at: 'lastTouchedAt',
  notes: 'notes',
};

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);

/** What a person reads as the value of a field: names rather than ids. */
function shownValues(r: ContactRecord): Record<string, unknown> {
  return {
    name: r.name,
    prefix: r.prefix,
    title: r.title,
    email: r.email,
    phone: r.phone,
    mobile: r.mobile,
    company: r.company?.name ?? null,
    companyRole: r.companyRole,
    lifecycle: r.lifecycle,
    source: r.source,
    referredBy: r.referredBy?.name ?? null,
    owner: r.owner,
    externalId: r.externalId,
  };
}

/** B's values that A (after the merge) does not carry: every field, then every custom field. */
function valuesNotKept(kept: ContactRecord, other: ContactRecord): NotKept[] {
  const a = shownValues(kept);
  const out: NotKept[] = [];
  for (const [field, value] of Object.entries(shownValues(other))) {
    if (!isEmpty(value) && !same(value, a[field])) out.push({ field, kept: a[field] ?? null, other: value });
  }
  for (const [key, value] of Object.entries(other.customFields ?? {})) {
    const mine = kept.customFields?.[key];
    if (!isEmpty(value) && !same(value, mine)) out.push({ field: `customFields.${key}`, kept: mine ?? null, other: value });
  }
  return out;
}

function appendNotes(a: Contact, b: Contact, at: string): string | null {
  if (!b.notes?.trim()) return a.notes;
  if (!a.notes?.trim()) return b.notes;
  return `${a.notes}\n\nMerged from #${b.id} ${fullName(b.first_name, b.last_name)} (${at.slice(0, 10)}):\n${b.notes}`;
}

function mergeCustomFields(a: Contact, b: Contact): string | null {
  const parse = (text: string | null) => (text ? (JSON.parse(text) as Record<string, unknown>) : {});
  const merged = { ...parse(b.custom_fields), ...parse(a.custom_fields) };
  return Object.keys(merged).length ? JSON.stringify(merged) : null;
}

/** Deal roles: move B's; where A is on the same deal, A keeps its role or takes B's. Returns B's roles not kept. */
async function mergeDealRoles(trx: Trx, a: Contact, b: Contact): Promise<{ moved: number; notKept: NotKept[] }> {
  const roles = await trx.selectFrom('deal_contacts').selectAll().where('contact_id', '=', b.id).execute();
  let moved = 0;
  const notKept: NotKept[] = [];
  for (const r of roles) {
    const mine = await trx.selectFrom('deal_contacts').selectAll().where('deal_id', '=', r.deal_id).where('contact_id', '=', a.id).executeTakeFirst();
    if (!mine) {
      await trx.insertInto('deal_contacts').values({ deal_id: r.deal_id, contact_id: a.id, role: r.role }).execute();
      moved++;
    } else if (mine.role === null && r.role !== null) {
      await trx.updateTable('deal_contacts').set({ role: r.role }).where('deal_id', '=', r.deal_id).where('contact_id', '=', a.id).execute();
      moved++;
    } else if (r.role !== null && r.role !== mine.role) {
      notKept.push({ field: `deal #${r.deal_id} role`, kept: mine.role, other: r.role });
    }
  }
  await trx.deleteFrom('deal_contacts').where('contact_id', '=', b.id).execute();
  return { moved, notKept };
}

/** Keep A, merge B into it (see the top of this file), archive B — in one write transaction. */
export async function mergeContacts(s: Session, refA: string, refB: string): Promise<MergeResult> {
  await authorize(s, 'record.merge');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const inTrx = sessionIn(s, trx);
    const a = await getContact(inTrx, refA);
    const b = await getContact(inTrx, refB);
    if (a.id === b.id) throw new UserError('Cannot merge a contact into itself.');
    if (a.archived_at) throw new UserError(`Contact #${a.id} (the one to keep) is archived.`, `Restore it first: crm contact restore ${a.id}`);
    const before = await loadContactRecord(trx, a.id);
    const other = await loadContactRecord(trx, b.id);
    const moved: Record<string, number> = {};
    for (const link of CONTACT_LINKS) {
      const res = await trx.updateTable(link.table).set({ contact_id: a.id }).where('contact_id', '=', b.id).executeTakeFirst();
      moved[link.table] = Number(res.numUpdatedRows);
    }
    const roles = await mergeDealRoles(trx, a, b);
    moved.dealRoles = roles.moved;
    const referrals = await trx.updateTable('contacts').set({ referred_by_id: a.id }).where('referred_by_id', '=', b.id).where('id', '!=', a.id).executeTakeFirst();
    moved.referrals = Number(referrals.numUpdatedRows);
    const bTags = (await tagsFor(trx, 'contact', [b.id])).get(b.id) ?? [];
    await setTags(trx, 'contact', a.id, [...before.tags, ...bTags]);

    const fill: Record<string, unknown> = {};
    for (const col of MERGE_FILL) {
      if ((a[col] === null || a[col] === '') && b[col] !== null && b[col] !== '' && !(col === 'referred_by_id' && b[col] === a.id)) fill[col] = b[col];
    }
    // A role is a role at a company: B's fills A's only for the company A gets or already has from B.
    if (fill.company_role !== undefined && (fill.company_id ?? a.company_id) !== b.company_id) delete fill.company_role;
    // One referrer, a contact or a company: B's fills A's only when A has neither.
    if (a.referred_by_company_id !== null) delete fill.referred_by_id;
    else if (a.referred_by_id === null && fill.referred_by_id === undefined && b.referred_by_company_id !== null) fill.referred_by_company_id = b.referred_by_company_id;
    if (fill.last_touched_at === undefined && b.last_touched_at && a.last_touched_at && b.last_touched_at > a.last_touched_at) fill.last_touched_at = b.last_touched_at;
    // Unique keys move from B to A only when A had none: B releases them first.
    const release: Record<string, null> = {};
    if (fill.email) {
      release.email_norm = null;
      fill.email_norm = (fill.email as string).toLowerCase();
    }
    if (fill.external_id) release.external_id = null;
    if (Object.keys(release).length) await trx.updateTable('contacts').set(release).where('id', '=', b.id).execute();
    const notes = appendNotes(a, b, at);
    const customFields = mergeCustomFields(a, b);
    const merged = { ...a, ...fill };
    await trx
      .updateTable('contacts')
      .set({ ...fill, notes, custom_fields: customFields, search_text: searchText({ ...merged, custom_fields: customFields }), updated_at: at, version: bumpVersion })
      .where('id', '=', a.id)
      .execute();
    await trx.updateTable('contacts').set({ archived_at: b.archived_at ?? at, updated_at: at, version: bumpVersion }).where('id', '=', b.id).execute();
    await keepCompanyOfB(trx, a.id, (merged.company_id as number | null) ?? null, b, todayIn(s.now(), s.timeZone), at);
    // B's memberships are A's now: one at A's primary company takes A's role (A's role wins, as above).
    await syncPrimary(trx, [{ contactId: a.id, fromCompany: a.company_id, fromRole: a.company_role, roleGiven: merged.company_role !== null && merged.company_role !== '' }], todayIn(s.now(), s.timeZone), at);
    const after = await loadContactRecord(trx, a.id);
    const notKept = [...valuesNotKept(after, other), ...roles.notKept];
    const kept: Record<string, [unknown, unknown]> = {};
    for (const n of notKept) kept[`#${b.id} ${n.field}`] = [n.other, n.kept];
    await recordAudit(trx, { entity: 'contact', entityId: a.id, action: 'merge', changes: { ...diff(contactAuditView(before), contactAuditView(after)), mergedFrom: [null, b.id], ...kept }, actor: s.actor, at });
    await recordAudit(trx, { entity: 'contact', entityId: b.id, action: 'merged_into', changes: { mergedInto: [null, a.id], archivedAt: [b.archived_at, b.archived_at ?? at] }, actor: s.actor, at });
    const filled = Object.keys(fill)
      .filter((c): c is (typeof MERGE_FILL)[number] => c in FIELD_NAMES)
      .map((c) => FIELD_NAMES[c]);
    const notesAppended = Boolean(a.notes?.trim() && b.notes?.trim());
    if (!a.notes?.trim() && b.notes?.trim()) filled.push('notes');
    return { kept: after, archived: await loadContactRecord(trx, b.id), moved, filled, notesAppended, notKept };
  });
}
