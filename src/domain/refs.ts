/**
 * What an activity or task is about: `crm log call <ref>`, `crm task add --about <ref>`.
 *
 *   12, #12                  contact id (a bare number is always a contact)
 *   bob@example.com          contact by email
 *   "Bob Smith"              contact by unambiguous name (any script, case-insensitive)
 *   contact:12 | contact:"Bob Smith"
 *   company:3 | company:Acme
 *   deal:12                  deal id (or unique title)
 *   ticket:7                 ticket id
 *
 * An ambiguous name lists the candidates and resolves nothing.
 */
import { sql } from 'kysely';
import { fold } from '../db/fold.js';
import { NotFoundError, UsageError, UserError } from '../errors.js';
import { getCompany } from './companies.js';
import { getContact } from './contacts.js';
import type { Session } from './session.js';
import { fullName } from './validate.js';

export type RefType = 'contact' | 'company' | 'deal' | 'ticket';
export const REF_TYPES: RefType[] = ['contact', 'company', 'deal', 'ticket'];

/** The record a ref names, and the links an activity about it gets. */
export interface LinkTarget {
  type: RefType;
  id: number;
  /** "Bob Smith (contact #3)". */
  label: string;
  contactId: number | null;
  companyId: number | null;
  dealId: number | null;
  ticketId: number | null;
}

export const REF_HELP = 'A contact id, email or name; or company:NAME, deal:ID, ticket:ID (e.g. deal:12).';

export function splitRef(ref: string): { type: RefType | null; value: string } {
  const m = /^([a-z]+):(.*)$/i.exec(ref.trim());
  if (m) {
    const type = m[1]!.toLowerCase();
    if ((REF_TYPES as string[]).includes(type)) return { type: type as RefType, value: m[2]!.trim() };
    if (!ref.includes('@')) throw new UsageError(`Unknown kind of record "${m[1]}:" in "${ref}".`, `Use contact:, company:, deal: or ticket: — ${REF_HELP}`, 'bad_ref');
  }
  return { type: null, value: ref.trim() };
}

/** Resolve a ref of any type (bare values are contacts). */
export async function resolveRef(s: Session, ref: string, forceType?: RefType): Promise<LinkTarget> {
  const { type, value } = splitRef(ref);
  if (forceType && type && type !== forceType) throw new UsageError(`"${ref}" is not a ${forceType}.`, `Give a ${forceType} here.`, 'bad_ref');
  const t = forceType ?? type ?? 'contact';
  if (!value) throw new UsageError(`Empty reference "${ref}".`, REF_HELP, 'bad_ref');
  switch (t) {
    case 'contact':
      return contactTarget(s, value);
    case 'company': {
      const c = await getCompany(s, value);
      return { type: 'company', id: c.id, label: `${c.name} (company #${c.id})`, contactId: null, companyId: c.id, dealId: null, ticketId: null };
    }
    case 'deal':
      return dealTarget(s, value);
    case 'ticket':
      return ticketTarget(s, value);
  }
}

async function contactTarget(s: Session, value: string): Promise<LinkTarget> {
  const c = await getContact(s, value);
  return { type: 'contact', id: c.id, label: `${fullName(c.first_name, c.last_name)} (contact #${c.id})`, contactId: c.id, companyId: c.company_id, dealId: null, ticketId: null };
}

async function dealTarget(s: Session, value: string): Promise<LinkTarget> {
  const db = s.db.kysely;
  let rows;
  if (/^#?\d+$/.test(value)) {
    rows = await db.selectFrom('deals').select(['id', 'title', 'company_id', 'contact_id']).where('id', '=', Number(value.replace('#', ''))).execute();
  } else {
    rows = await db
      .selectFrom('deals')
      .select(['id', 'title', 'company_id', 'contact_id'])
      .where(sql<boolean>`crm_fold(title) = ${fold(value)}`)
      .where('archived_at', 'is', null)
      .orderBy('id')
      .execute();
  }
  if (rows.length === 0) throw new NotFoundError(`No deal "${value}".`, 'List deals with: crm deal list');
  if (rows.length > 1) {
    throw new UserError(`"${value}" matches ${rows.length} deals: ${rows.slice(0, 10).map((d) => `#${d.id} ${d.title}`).join('; ')}.`, 'Name the deal by id: deal:12', 'ambiguous');
  }
  const d = rows[0]!;
  return { type: 'deal', id: d.id, label: `${d.title} (deal #${d.id})`, contactId: d.contact_id, companyId: d.company_id, dealId: d.id, ticketId: null };
}

async function ticketTarget(s: Session, value: string): Promise<LinkTarget> {
  if (!/^#?\d+$/.test(value)) throw new UsageError(`A ticket is named by its number, not "${value}".`, 'e.g. ticket:7', 'bad_ref');
  const t = await s.db.kysely.selectFrom('tickets').select(['id', 'subject', 'company_id', 'contact_id']).where('id', '=', Number(value.replace('#', ''))).executeTakeFirst();
  if (!t) throw new NotFoundError(`No ticket #${value.replace('#', '')}.`, 'List tickets with: crm ticket list');
  return { type: 'ticket', id: t.id, label: `${t.subject} (ticket #${t.id})`, contactId: t.contact_id, companyId: t.company_id, dealId: null, ticketId: t.id };
}
