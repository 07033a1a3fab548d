/**
 * The one rule that keeps a contact's primary company (contacts.company_id, with its
 * company_role) and its memberships (contact_companies) in agreement, whatever wrote the contact:
 * contact add/edit (CLI, TUI, automation), `contact link`, merge, and both importers. It runs in
 * the write's own transaction, after the contacts row was written, for the contacts it names:
 *
 * - The company a contact leaves as primary ends: its current membership gets `until` = today in
 *   the user's zone, role and unit kept; a primary that had no row of its own (it is implied by
 *   contacts.company_id) is recorded as a past membership with the contact's old role.
 * - The company it moves to, when it already has a current membership there: a role given with
 *   the write becomes that membership's role; without one, the contact takes the membership's
 *   role (the role it had at the old company does not follow it).
 *
 * A membership is current while it has no end date or its end date is still to come: on the day
 * it ends it is a past one (so "left today" is never also "current today").
 *
 * The rule is SQL over a relation crm_moves(contact_id, from_company, from_role, role_given), the
 * same text on SQLite and PostgreSQL: the domain writes feed it a VALUES list, the importers a
 * temporary table of the rows they changed (src/csv/importer.ts, src/db/postgres/import.ts).
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Trx } from './transaction.js';

/** One contact a write touched, as it was before the write. */
export interface PrimaryMove {
  contactId: number;
  /** contacts.company_id before the write. */
  fromCompany: number | null;
  /** contacts.company_role before the write. */
  fromRole: string | null;
  /** The write set company_role (a role given with it), so the membership takes the contact's. */
  roleGiven: boolean;
}

/** Columns of crm_moves, for the importers' temporary tables. */
export const MOVES_COLUMNS = '(contact_id BIGINT, from_company BIGINT, from_role TEXT, role_given INTEGER)';

/** SQL: the membership `alias` is current on `today` (no end, or an end still to come). */
export function currentSql(alias: string, today: string): string {
  return `(${alias}.ended_on IS NULL OR ${alias}.ended_on > '${today}')`;
}

/** For Kysely queries: the membership (its table or `alias`) is current on `today`. */
export function currentOn(today: string, alias?: string): RawBuilder<SqlBool> {
  const ended = sql.ref(alias ? `${alias}.ended_on` : 'ended_on');
  return sql<SqlBool>`(${ended} IS NULL OR ${ended} > ${today})`;
}

/** In TypeScript, the same test as currentSql. */
export function isCurrent(endedOn: string | null, today: string): boolean {
  return endedOn === null || endedOn > today;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/;

/**
 * The statements, in order, over crm_moves. `today` and `at` are checked dates and instants, so
 * they are written into the text (the same text runs through Kysely, better-sqlite3 and pg).
 */
export function primarySyncStatements(today: string, at: string): string[] {
  if (!DAY.test(today) || !INSTANT.test(at)) throw new Error(`primarySyncStatements: bad date ${today} or instant ${at}`);
  const left = `m.from_company IS NOT NULL AND c.company_id IS DISTINCT FROM m.from_company`;
  return [
    // 1. A primary with no current row of its own (it was implied) is recorded as a past one.
    `INSERT INTO contact_companies (contact_id, company_id, role, unit, started_on, ended_on, created_at, updated_at)
     SELECT m.contact_id, m.from_company, m.from_role, NULL, NULL, '${today}', '${at}', '${at}'
     FROM crm_moves m JOIN contacts c ON c.id = m.contact_id
     WHERE ${left}
       AND EXISTS (SELECT 1 FROM companies co WHERE co.id = m.from_company)
       AND NOT EXISTS (SELECT 1 FROM contact_companies x WHERE x.contact_id = m.contact_id AND x.company_id = m.from_company
                       AND ${currentSql('x', today)})`,
    // 2. The current membership of the company left ends today.
    `UPDATE contact_companies SET ended_on = '${today}', updated_at = '${at}'
     WHERE id IN (SELECT x.id FROM crm_moves m JOIN contacts c ON c.id = m.contact_id
                  JOIN contact_companies x ON x.contact_id = m.contact_id AND x.company_id = m.from_company
                  WHERE ${left} AND ${currentSql('x', today)})`,
    // 3. A role given with the write is the role of the primary's current membership.
    `UPDATE contact_companies SET role = (SELECT c.company_role FROM contacts c WHERE c.id = contact_companies.contact_id), updated_at = '${at}'
     WHERE id IN (SELECT x.id FROM crm_moves m JOIN contacts c ON c.id = m.contact_id
                  JOIN contact_companies x ON x.contact_id = c.id AND x.company_id = c.company_id
                  WHERE m.role_given = 1 AND ${currentSql('x', today)} AND c.company_role IS DISTINCT FROM x.role)`,
    // 4. Moved without a role: the contact takes the role of its current membership at the new company.
    `UPDATE contacts SET company_role = (SELECT x.role FROM contact_companies x WHERE x.contact_id = contacts.id AND x.company_id = contacts.company_id AND ${currentSql('x', today)} ORDER BY x.id DESC LIMIT 1)
     WHERE id IN (SELECT c.id FROM crm_moves m JOIN contacts c ON c.id = m.contact_id
                  JOIN contact_companies x ON x.contact_id = c.id AND x.company_id = c.company_id
                  WHERE m.role_given = 0 AND m.from_company IS DISTINCT FROM c.company_id AND ${currentSql('x', today)}
                    AND x.role IS DISTINCT FROM c.company_role)`,
  ];
}

function movesValues(moves: readonly PrimaryMove[]): RawBuilder<unknown> {
  const rows = moves.map((m) => sql`(CAST(${m.contactId} AS BIGINT), CAST(${m.fromCompany} AS BIGINT), CAST(${m.fromRole} AS TEXT), CAST(${m.roleGiven ? 1 : 0} AS INTEGER))`);
  return sql`WITH crm_moves (contact_id, from_company, from_role, role_given) AS (VALUES ${sql.join(rows)})`;
}

/**
 * Apply the rule for the contacts a write touched (read `moves` before the write, call this
 * after it, in the same transaction). `today` is in the acting user's zone.
 */
export async function syncPrimary(trx: Trx, moves: readonly PrimaryMove[], today: string, at: string): Promise<void> {
  if (!moves.length) return;
  const prefix = movesValues(moves);
  for (const statement of primarySyncStatements(today, at)) await sql`${prefix} ${sql.raw(statement)}`.execute(trx);
}
