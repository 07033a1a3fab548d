/** The raw material of the data-quality report: ids of records with each kind of problem. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import { jsonText } from '../../db/json-fields.js';
import { BATCH_ROWS, readSnapshot } from '../../db/snapshot.js';
import { ContactScan, type ContactChecks } from './build.js';
import { ENTITY_TABLES, fieldDefinitions, type FieldDefinition } from '../../domain/custom-fields.js';
import type { ReportScope } from '../scope.js';
import { dealExistsCondition, dealOpenCondition, ownerCondition, stageIdAt } from '../query.js';

/** Records found by one check: how many, and the first few ids (in scan order, then sorted). */
export interface Found {
  count: number;
  examples: number[];
}

export const EXAMPLES = 5;

/** `fromWhere` is "FROM … WHERE …" selecting rows aliased `alias`; counted in SQL, never fetched whole. */
async function found(db: AnyDb, alias: string, fromWhere: ReturnType<typeof sql>): Promise<Found> {
  const [n, ex] = await Promise.all([
    sql<{ n: number }>`SELECT COUNT(*) AS "n" ${fromWhere}`.execute(db.kysely),
    // The lowest ids: without ORDER BY, which rows LIMIT keeps depends on the engine's scan order.
    sql<{ id: number }>`SELECT ${sql.ref(alias + '.id')} AS "id" ${fromWhere} ORDER BY ${sql.ref(alias + '.id')} LIMIT ${sql.lit(EXAMPLES)}`.execute(db.kysely),
  ]);
  return { count: Number(n.rows[0]?.n ?? 0), examples: ex.rows.map((r) => Number(r.id)).sort((a, b) => a - b) };
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
  contactsNoEmailOrPhone: Found;
  contactsNoOwner: Found;
  /** The contacts, or what the checks of build.ts found in them (read as a stream, see contactChecksOf). */
  contacts: ContactLite[] | ContactChecks;
  dealsNoOwner: Found;
  openDealsNoAmount: Found;
  openDealsNoCloseDate: Found;
  openDealsPastClose: Found;
  openDealsNoNextStep: Found;
  contactsUntouched: Found;
  /** Per required custom field: the records without a value. */
  requiredMissing: { field: FieldDefinition; found: Found }[];
}

/**
 * `today` is the as-of day in the user's zone (YYYY-MM-DD); `yearAgo` the instant 365 days
 * before the as-of instant.
 */
export async function dataQualityRows(db: AnyDb, scope: ReportScope, today: string, yearAgo: string): Promise<DataQualityRows> {
  // Without --as-of the current state is the state at the as-of moment: the time conditions
  // are left out, which lets SQLite skip reading them for every row.
  const contactScope = scope.historical
    ? sql`c.archived_at IS NULL AND c.created_at <= ${scope.asOf}${ownerCondition('c.owner_id', scope)}`
    : sql`c.archived_at IS NULL${ownerCondition('c.owner_id', scope)}`;
  const openDeal = sql`FROM deals d JOIN stages s ON s.id = ${stageIdAt('d', scope)}
    WHERE ${dealOpenCondition('d', 's', scope)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}`;
  const openTask = scope.historical
    ? sql`a.created_at <= ${scope.asOf} AND (a.done_at IS NULL OR a.done_at > ${scope.asOf})`
    : sql`a.done_at IS NULL`;
  // One scan of the open deals for the three field checks; the checks a deal fails as bits
  // (1 no amount, 2 no close date, 4 close date past): two values a row to hand over, not four.
  const openDealFields = sql<{ id: number; f: number }>`
    SELECT d.id AS "id", (CASE WHEN d.amount_minor <= 0 THEN 1 ELSE 0 END)
      | (CASE WHEN d.expected_close IS NULL THEN 2 ELSE 0 END)
      | (CASE WHEN d.expected_close < ${today} THEN 4 ELSE 0 END) AS "f"
    ${openDeal} AND (d.amount_minor <= 0 OR d.expected_close IS NULL OR d.expected_close < ${today})
    ORDER BY d.id`
    .execute(db.kysely)
    .then((r) => r.rows);
  // On PostgreSQL the contacts stream over a connection of their own while the pool runs the
  // counts; SQLite has one connection, which an open statement iterator keeps busy: after them.
  const concurrent = db.engine === 'postgres';
  const streamed = concurrent ? contactChecksOf(db, contactScope) : undefined;
  const [contactsNoEmailOrPhone, contactsNoOwner, dealsNoOwner, fields, openDealsNoNextStep, contactsUntouched] = await Promise.all([
    found(db, 'c', sql`FROM contacts c WHERE ${contactScope} AND (c.email IS NULL OR c.email = '') AND (c.phone IS NULL OR c.phone = '') AND (c.mobile IS NULL OR c.mobile = '')`),
    found(db, 'c', sql`FROM contacts c WHERE ${contactScope} AND c.owner_id IS NULL`),
    found(db, 'd', sql`FROM deals d WHERE ${dealExistsCondition('d', scope)} AND d.owner_id IS NULL AND ${scope.ownerIds === null ? sql`1 = 1` : sql`1 = 0`}`),
    openDealFields,
    found(db, 'd', sql`${openDeal} AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.kind = 'task' AND ${openTask})`),
    found(db, 'c', sql`FROM contacts c WHERE ${contactScope} AND c.lifecycle <> 'inactive' AND COALESCE(c.last_touched_at, c.created_at) < ${yearAgo}`),
  ]);
  const pick = (bit: number): Found => {
    let count = 0;
    const examples: number[] = [];
    for (const r of fields) {
      if (!(r.f & bit)) continue;
      if (count++ < EXAMPLES) examples.push(Number(r.id));
    }
    return { count, examples: examples.sort((a, b) => a - b) };
  };
  const openDealsNoAmount = pick(1);
  const openDealsNoCloseDate = pick(2);
  const openDealsPastClose = pick(4);
  const requiredMissing = await requiredFieldsMissing(db, contactScope);
  const contacts = await (streamed ?? contactChecksOf(db, contactScope));
  return { contactsNoEmailOrPhone, contactsNoOwner, contacts, dealsNoOwner, openDealsNoAmount, openDealsNoCloseDate, openDealsPastClose, openDealsNoNextStep, contactsUntouched, requiredMissing };
}

type Row = [id: number, email: string | null, normIsEmail: number | null, phone: string | null, mobile: string | null, companyId: number | null, firstName: string | null, lastName: string | null];

/** How many keys go into one IN (…) list. */
const CHUNK = 500;

/**
 * The invalid-email and duplicate checks (ContactScan) over every contact in scope, in id order,
 * read batch by batch as arrays of the columns they need (names only for contacts at a
 * company): a million contacts never become a million objects at once. Then, in the same
 * snapshot, the contacts sharing an email key with one of another kind, by email_norm (an index
 * look-up; none when every contact's email_norm is its address).
 */
async function contactChecksOf(db: AnyDb, contactScope: ReturnType<typeof sql>): Promise<ContactChecks> {
  const q = sql<Row>`SELECT c.id, c.email, CASE WHEN c.email_norm = c.email THEN 1 ELSE 0 END, c.phone, c.mobile, c.company_id,
    CASE WHEN c.company_id IS NOT NULL THEN c.first_name END, CASE WHEN c.company_id IS NOT NULL THEN c.last_name END
    FROM contacts c WHERE ${contactScope} ORDER BY c.id`.compile(db.kysely);
  const snapshot = await readSnapshot(db);
  try {
    const scan = new ContactScan();
    for await (const batch of snapshot.valueBatches(q, BATCH_ROWS) as AsyncGenerator<Row[]>) {
      for (const r of batch) scan.add(Number(r[0]), r[1], Number(r[2]) === 1, r[3], r[4], r[5] === null ? null : Number(r[5]), r[6], r[7]);
    }
    const keys = scan.emailKeysToLookUp();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const part = keys.slice(i, i + CHUNK);
      const found = await snapshot.all(sql<{ id: number; email: string; norm: string }>`SELECT c.id AS "id", c.email AS "email", c.email_norm AS "norm"
        FROM contacts c WHERE ${contactScope} AND c.email_norm IN (${sql.join(part)}) AND c.email IS NOT NULL ORDER BY c.id`.compile(db.kysely));
      for (const c of found) scan.addByNorm(Number(c.id), c.email, c.norm);
    }
    return scan.result();
  } finally {
    await snapshot.close();
  }
}

const ALIAS = { contact: 'c', company: 'co', deal: 'd', ticket: 't', activity: 'a' } as const;

/** Records (not archived; contacts in the report's scope) lacking a value of a required custom field. */
async function requiredFieldsMissing(db: AnyDb, contactScope: ReturnType<typeof sql>): Promise<{ field: FieldDefinition; found: Found }[]> {
  const out: { field: FieldDefinition; found: Found }[] = [];
  for (const field of (await fieldDefinitions(db.kysely)).filter((d) => d.required)) {
    const alias = ALIAS[field.entity];
    const value = jsonText(`${alias}.custom_fields`, field.name);
    const live = field.entity === 'contact' ? contactScope : field.entity === 'company' || field.entity === 'deal' ? sql`${sql.ref(alias + '.archived_at')} IS NULL` : sql`1 = 1`;
    out.push({ field, found: await found(db, alias, sql`FROM ${sql.table(ENTITY_TABLES[field.entity])} AS ${sql.ref(alias)} WHERE ${live} AND (${value} IS NULL OR ${value} = '')`) });
  }
  return out;
}
