/** The raw material of the data-quality report: ids of records with each kind of problem. */
import { sql } from 'kysely';
import type { Db } from '../sqlite.js';
import type { ReportScope } from '../../reports/scope.js';
import { dealExistsCondition, dealOpenCondition, ownerCondition, stageIdAt } from './common.js';

async function ids(db: Db, q: ReturnType<typeof sql<{ id: number }>>): Promise<number[]> {
  return (await q.execute(db.kysely)).rows.map((r) => Number(r.id));
}

export interface ContactLite {
  id: number;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  companyId: number | null;
}

export interface DataQualityRows {
  contactsNoEmailOrPhone: number[];
  contactsNoOwner: number[];
  contacts: ContactLite[];
  dealsNoOwner: number[];
  openDealsNoAmount: number[];
  openDealsNoCloseDate: number[];
  openDealsPastClose: number[];
  openDealsNoNextStep: number[];
  contactsUntouched: number[];
}

/**
 * `today` is the as-of day in the user's zone (YYYY-MM-DD); `yearAgo` the instant 365 days
 * before the as-of instant.
 */
export async function dataQualityRows(db: Db, scope: ReportScope, today: string, yearAgo: string): Promise<DataQualityRows> {
  const contactScope = sql`c.archived_at IS NULL AND c.created_at <= ${scope.asOf}${ownerCondition('c.owner_id', scope)}`;
  const openDeal = sql`FROM deals d JOIN stages s ON s.id = ${stageIdAt('d', scope)}
    WHERE ${dealOpenCondition('d', 's', scope)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}`;
  const [contactsNoEmailOrPhone, contactsNoOwner, contacts, dealsNoOwner, openDealsNoAmount, openDealsNoCloseDate, openDealsPastClose, openDealsNoNextStep, contactsUntouched] = await Promise.all([
    ids(db, sql<{ id: number }>`SELECT c.id AS "id" FROM contacts c WHERE ${contactScope} AND (c.email IS NULL OR c.email = '') AND (c.phone IS NULL OR c.phone = '') AND (c.mobile IS NULL OR c.mobile = '') ORDER BY c.id`),
    ids(db, sql<{ id: number }>`SELECT c.id AS "id" FROM contacts c WHERE ${contactScope} AND c.owner_id IS NULL ORDER BY c.id`),
    sql<ContactLite>`SELECT c.id AS "id", c.first_name AS "firstName", c.last_name AS "lastName", c.email AS "email", c.phone AS "phone", c.mobile AS "mobile", c.company_id AS "companyId" FROM contacts c WHERE ${contactScope} ORDER BY c.id`
      .execute(db.kysely)
      .then((r) => r.rows),
    ids(db, sql<{ id: number }>`SELECT d.id AS "id" FROM deals d WHERE ${dealExistsCondition('d', scope)} AND d.owner_id IS NULL AND ${scope.ownerIds === null ? sql`1 = 1` : sql`1 = 0`} ORDER BY d.id`),
    ids(db, sql<{ id: number }>`SELECT d.id AS "id" ${openDeal} AND d.amount_minor <= 0 ORDER BY d.id`),
    ids(db, sql<{ id: number }>`SELECT d.id AS "id" ${openDeal} AND d.expected_close IS NULL ORDER BY d.id`),
    ids(db, sql<{ id: number }>`SELECT d.id AS "id" ${openDeal} AND d.expected_close < ${today} ORDER BY d.id`),
    ids(
      db,
      sql<{ id: number }>`SELECT d.id AS "id" ${openDeal} AND NOT EXISTS (
        SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.kind = 'task' AND a.created_at <= ${scope.asOf} AND (a.done_at IS NULL OR a.done_at > ${scope.asOf})) ORDER BY d.id`,
    ),
    ids(db, sql<{ id: number }>`SELECT c.id AS "id" FROM contacts c WHERE ${contactScope} AND c.lifecycle <> 'inactive' AND COALESCE(c.last_touched_at, c.created_at) < ${yearAgo} ORDER BY c.id`),
  ]);
  return { contactsNoEmailOrPhone, contactsNoOwner, contacts, dealsNoOwner, openDealsNoAmount, openDealsNoCloseDate, openDealsPastClose, openDealsNoNextStep, contactsUntouched };
}
