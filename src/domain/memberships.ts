/**
 * A person's companies, current and past (issue 21): each membership keeps the person's
 * responsibility (role) and organizational unit there, and when it began and ended.
 *
 * contacts.company_id stays the primary, current company, and it is always listed as a current
 * membership, with the contact's company_role as its role, whether or not a membership row
 * exists for it. Every writer of it (contact add/edit, import, merge, link) keeps the two in
 * agreement through syncPrimary (src/db/primary-company.ts): the company left ends today.
 * Further memberships are added and ended with `crm contact link`. A membership is current while
 * its end date is absent or still to come (isCurrent).
 */
import { sql } from 'kysely';
import { recordAudit } from '../db/audit.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { bumpVersion } from '../db/versioned.js';
import { UserError, UsageError } from '../errors.js';
import { todayIn } from './period.js';
import { getCompany } from './companies.js';
import { getContact } from './contacts.js';
import { currentOn, isCurrent, syncPrimary } from '../db/primary-company.js';
import { authorize } from './permissions.js';
import { nowIso, type Session } from './session.js';
import { cleanText, fullName, requireDate } from './validate.js';

/** What a membership says, read from either side. */
interface MembershipTerms {
  role: string | null;
  unit: string | null;
  from: string | null;
  until: string | null;
  /** No end date, or one not yet reached. */
  current: boolean;
  /** The contact's primary company (contacts.company_id). */
  primary: boolean;
}

/** One membership as the stored row and the contact and company it joins. */
interface Membership extends MembershipTerms {
  contactId: number;
  contact: string;
  email: string | null;
  phone: string | null;
  companyId: number;
  company: string;
}

/** A company of a contact (`contact show`'s companies): id and name are the company's. */
export interface ContactCompany extends MembershipTerms {
  id: number;
  name: string;
}

/** A person of a company (`company show`'s people): id and name are the contact's. */
export interface CompanyPerson extends MembershipTerms {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
}

/** What `contact link` did: the contact and company it resolved, and the person's companies after. */
export interface LinkResult {
  contact: { id: number; name: string };
  company: { id: number; name: string };
  /** The membership there is now a past one (--until a day not still to come). */
  ended: boolean;
  companies: ContactCompany[];
}

export interface LinkInput {
  role?: string;
  unit?: string;
  from?: string;
  until?: string;
}

/** `company:3`, `company:"Acme Ltd"` or a bare company id or name → the company's ref. */
export function companyTarget(target: string): string {
  const m = /^company:(.*)$/i.exec(target.trim());
  if (m) return m[1]!.trim();
  if (/^[a-z]+:/i.test(target.trim())) throw new UsageError(`A contact is linked to a company, not to "${target}".`, 'crm contact link 5 company:3 --role Buyer --unit Procurement');
  return target.trim();
}

type Row = { contact_id: number; company_id: number; role: string | null; unit: string | null; started_on: string | null; ended_on: string | null; first_name: string; last_name: string; email: string | null; phone: string | null; mobile: string | null; primary_company: number | null; primary_role: string | null; company_name: string };

function toMembership(r: Row, today: string): Membership {
  const primary = r.primary_company === r.company_id;
  const current = isCurrent(r.ended_on, today);
  return {
    contactId: r.contact_id,
    contact: fullName(r.first_name, r.last_name),
    email: r.email,
    phone: r.phone ?? r.mobile,
    companyId: r.company_id,
    company: r.company_name,
    role: r.role ?? (primary && current ? r.primary_role : null),
    unit: r.unit,
    from: r.started_on,
    until: r.ended_on,
    current,
    primary: primary && current,
  };
}

/** Memberships rows plus the primary company where no current row names it. */
async function membershipRows(db: Trx, where: { contactId?: number; companyId?: number }, today: string): Promise<Row[]> {
  const base = (q: ReturnType<typeof rowsQuery>) => (where.contactId !== undefined ? q.where('c.id', '=', where.contactId) : q);
  const rowsQuery = () =>
    db
      .selectFrom('contact_companies as m')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .innerJoin('companies as co', 'co.id', 'm.company_id')
      .select(['m.contact_id', 'm.company_id', 'm.role', 'm.unit', 'm.started_on', 'm.ended_on', 'c.first_name', 'c.last_name', 'c.email', 'c.phone', 'c.mobile', 'c.company_id as primary_company', 'c.company_role as primary_role', 'co.name as company_name'])
      .where('c.archived_at', 'is', null);
  let rows = base(rowsQuery());
  if (where.companyId !== undefined) rows = rows.where('m.company_id', '=', where.companyId);
  const stored = (await rows.orderBy('m.id').execute()) as Row[];
  let primaries = db
    .selectFrom('contacts as c')
    .innerJoin('companies as co', 'co.id', 'c.company_id')
    .select(['c.id as contact_id', 'c.company_id as company_id', 'c.company_role as role', 'c.first_name', 'c.last_name', 'c.email', 'c.phone', 'c.mobile', 'c.company_id as primary_company', 'c.company_role as primary_role', 'co.name as company_name'])
    .where('c.archived_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('contact_companies as m').select('m.id').whereRef('m.contact_id', '=', 'c.id').whereRef('m.company_id', '=', 'c.company_id').where(currentOn(today, 'm')))));
  if (where.contactId !== undefined) primaries = primaries.where('c.id', '=', where.contactId);
  if (where.companyId !== undefined) primaries = primaries.where('c.company_id', '=', where.companyId);
  const implied = (await primaries.execute()).map((r) => ({ ...r, unit: null, started_on: null, ended_on: null }) as Row);
  return [...stored, ...implied];
}

/** Current first (the primary first), then past ones, latest ended first. */
function byCurrency(a: Membership, b: Membership): number {
  if (a.current !== b.current) return a.current ? -1 : 1;
  if (a.primary !== b.primary) return a.primary ? -1 : 1;
  if (!a.current) return (b.until ?? '').localeCompare(a.until ?? '');
  return a.contact.localeCompare(b.contact) || a.company.localeCompare(b.company);
}

/** The memberships of one contact or one company, current first. */
async function memberships(s: Session, where: { contactId?: number; companyId?: number }): Promise<Membership[]> {
  const today = todayIn(s.now(), s.timeZone);
  return (await membershipRows(s.db.kysely, where, today)).map((r) => toMembership(r, today)).sort(byCurrency);
}

const termsOf = (m: Membership): MembershipTerms => ({ role: m.role, unit: m.unit, from: m.from, until: m.until, current: m.current, primary: m.primary });

export async function companiesOfContact(s: Session, contactId: number): Promise<ContactCompany[]> {
  return (await memberships(s, { contactId })).map((m) => ({ id: m.companyId, name: m.company, ...termsOf(m) }));
}

export async function peopleOfCompany(s: Session, companyId: number): Promise<CompanyPerson[]> {
  return (await memberships(s, { companyId })).map((m) => ({ id: m.contactId, name: m.contact, email: m.email, phone: m.phone, ...termsOf(m) }));
}

/**
 * `crm contact link 5 company:3 --role Buyer --unit Procurement --from 2024-01-01 --until …`:
 * adds the membership, or changes the open one the person has there. A contact without a primary
 * company gets this one when it is current; ending the primary's membership moves the primary to
 * another current company (or none).
 */
export async function linkContactCompany(s: Session, contactRef: string, target: string, input: LinkInput): Promise<LinkResult> {
  const contact = await getContact(s, contactRef);
  await authorize(s, 'contact.write', { label: `contact #${contact.id}`, ownerId: contact.owner_id });
  const company = await getCompany(s, companyTarget(target));
  if (company.archived_at) throw new UserError(`Company #${company.id} ${company.name} is archived.`, `Restore it first: crm company restore ${company.id}`);
  const from = input.from === undefined ? undefined : requireDate(input.from, '--from');
  const until = input.until === undefined ? undefined : requireDate(input.until, '--until');
  const at = nowIso(s);
  const today = todayIn(s.now(), s.timeZone);
  await writeTransaction(s.db, async (trx) => {
    const row = await trx.selectFrom('contacts').select(['company_id', 'company_role', 'version']).where('id', '=', contact.id).executeTakeFirstOrThrow();
    // The current membership there (no end, or an end not yet reached) is changed, never doubled.
    const open = await trx
      .selectFrom('contact_companies')
      .selectAll()
      .where('contact_id', '=', contact.id)
      .where('company_id', '=', company.id)
      .where(currentOn(today))
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const isPrimary = row.company_id === company.id;
    const values = {
      role: input.role !== undefined ? cleanText(input.role) : (open?.role ?? (isPrimary ? row.company_role : null)),
      unit: input.unit !== undefined ? cleanText(input.unit) : (open?.unit ?? null),
      started_on: from ?? open?.started_on ?? null,
      ended_on: until ?? null,
    };
    if (values.started_on && values.ended_on && values.ended_on < values.started_on) throw new UserError(`--until ${values.ended_on} is before --from ${values.started_on}.`, 'A membership ends on or after the day it began.');
    // Written current first: syncPrimary (below) then sees a membership that is ending, never an
    // implied one to record; the end date asked for is set last.
    const membershipId = open
      ? open.id
      : (await trx.insertInto('contact_companies').values({ ...values, ended_on: null, contact_id: contact.id, company_id: company.id, created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow()).id;
    const current = isCurrent(values.ended_on, today);
    const contactChange: Record<string, unknown> = {};
    if (current && row.company_id === null) Object.assign(contactChange, { company_id: company.id, company_role: values.role });
    else if (current && isPrimary && input.role !== undefined) contactChange.company_role = values.role;
    else if (!current && isPrimary) {
      // The primary company is now a past one: the next current membership takes its place.
      const next = await trx
        .selectFrom('contact_companies')
        .select(['company_id', 'role'])
        .where('contact_id', '=', contact.id)
        .where('company_id', '!=', company.id)
        .where(currentOn(today))
        .orderBy(sql`started_on IS NULL`)
        .orderBy('started_on', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      Object.assign(contactChange, { company_id: next?.company_id ?? null, company_role: next?.role ?? null });
    }
    if (Object.keys(contactChange).length) {
      await trx.updateTable('contacts').set({ ...contactChange, updated_at: at, version: bumpVersion } as never).where('id', '=', contact.id).execute();
      // The primary moved or its role changed: the one rule that keeps the two in agreement.
      await syncPrimary(trx, [{ contactId: contact.id, fromCompany: row.company_id, fromRole: row.company_role, roleGiven: 'company_role' in contactChange }], today, at);
    }
    await trx.updateTable('contact_companies').set({ ...values, updated_at: at }).where('id', '=', membershipId).execute();
    await recordAudit(trx, {
      entity: 'contact',
      entityId: contact.id,
      action: 'update',
      changes: { membership: [open ? { company: company.name, role: open.role, unit: open.unit, from: open.started_on, until: open.ended_on } : null, { company: company.name, role: values.role, unit: values.unit, from: values.started_on, until: values.ended_on }] },
      actor: s.actor,
      at,
    });
  });
  const companies = await companiesOfContact(s, contact.id);
  const ended = !companies.some((c) => c.id === company.id && c.current);
  return { contact: { id: contact.id, name: fullName(contact.first_name, contact.last_name) }, company: { id: company.id, name: company.name }, ended, companies };
}
