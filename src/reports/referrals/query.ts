/** Contacts referred, deals and won value per referrer (a contact or a company). */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { dealExistsCondition, fxColumns, fxGroupBy, ownerCondition, within } from '../query.js';

export interface ReferrerKey {
  /** 'contact' or 'company'. */
  kind: string;
  id: number;
}

export interface CountRow extends ReferrerKey {
  n: number;
}

export interface WonRow extends ReferrerKey {
  currency: string;
  deals: number;
  wonMinor: string;
}

const KIND = sql`CASE WHEN c.referred_by_id IS NOT NULL THEN 'contact' ELSE 'company' END`;
const ID = sql`COALESCE(c.referred_by_id, c.referred_by_company_id)`;
const REFERRED = sql`(c.referred_by_id IS NOT NULL OR c.referred_by_company_id IS NOT NULL)`;

/** Contacts created in the window with a referrer, per referrer. */
export async function contactsReferred(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<CountRow[]> {
  const q = sql<CountRow>`
    SELECT ${KIND} AS "kind", ${ID} AS "id", COUNT(*) AS "n"
    FROM contacts c
    WHERE ${REFERRED} AND ${within('c.created_at', start, end)} AND c.archived_at IS NULL${ownerCondition('c.owner_id', scope)}
    GROUP BY ${KIND}, ${ID}`;
  return (await q.execute(db.kysely)).rows;
}

/** Deals created in the window whose primary contact was referred, per referrer. */
export async function dealsReferred(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<CountRow[]> {
  const q = sql<CountRow>`
    SELECT ${KIND} AS "kind", ${ID} AS "id", COUNT(*) AS "n"
    FROM deals d JOIN contacts c ON c.id = d.contact_id
    WHERE ${REFERRED} AND ${within('d.created_at', start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY ${KIND}, ${ID}`;
  return (await q.execute(db.kysely)).rows;
}

/** Deals won in the window whose primary contact was referred, per referrer and currency. */
export async function wonReferred(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<WonRow[]> {
  const q = sql<WonRow>`
    SELECT ${KIND} AS "kind", ${ID} AS "id", d.currency AS "currency", COUNT(*) AS "deals", CAST(SUM(d.amount_minor) AS TEXT) AS "wonMinor"${fxColumns(scope)}
    FROM deals d JOIN contacts c ON c.id = d.contact_id
    WHERE ${REFERRED} AND ${within('d.won_at', start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY ${KIND}, ${ID}, d.currency${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

/** Names of the referrers: contacts' full names and companies' names. */
export async function referrerNames(db: AnyDb, contactIds: number[], companyIds: number[]): Promise<{ contacts: Map<number, [string, string]>; companies: Map<number, string> }> {
  const contacts = contactIds.length ? await db.kysely.selectFrom('contacts').select(['id', 'first_name', 'last_name']).where('id', 'in', contactIds).execute() : [];
  const companies = companyIds.length ? await db.kysely.selectFrom('companies').select(['id', 'name']).where('id', 'in', companyIds).execute() : [];
  return { contacts: new Map(contacts.map((r) => [Number(r.id), [r.first_name, r.last_name]])), companies: new Map(companies.map((r) => [Number(r.id), r.name])) };
}
