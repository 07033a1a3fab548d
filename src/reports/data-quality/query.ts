/** The raw material of the data-quality report: ids of records with each kind of problem. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import { asciiDigits, isPrintableAscii } from '../../db/dialect.js';
import { jsonText } from '../../db/json-fields.js';
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

/** Digits of a phone number without a leading international prefix marker; short numbers are ignored. */
export function phoneKey(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D+/g, '').replace(/^00/, '');
  return digits.length >= 7 ? digits : null;
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
  /**
   * The contacts the duplicate checks need: every contact that shares a key with another one,
   * and every contact whose keys SQL cannot compute exactly (see duplicateCandidates).
   */
  contacts: ContactLite[];
  /**
   * Invalid emails among the printable-ASCII addresses, judged in SQL; the other addresses are
   * judged in code from `contacts`. Without it, every email in `contacts` is judged in code.
   */
  invalidEmails?: Found;
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
  const [contactsNoEmailOrPhone, contactsNoOwner, contacts, invalidEmails, dealsNoOwner, fields, openDealsNoNextStep, contactsUntouched] = await Promise.all([
    found(db, 'c', sql`FROM contacts c WHERE ${contactScope} AND (c.email IS NULL OR c.email = '') AND (c.phone IS NULL OR c.phone = '') AND (c.mobile IS NULL OR c.mobile = '')`),
    found(db, 'c', sql`FROM contacts c WHERE ${contactScope} AND c.owner_id IS NULL`),
    duplicateCandidates(db, contactScope),
    found(db, 'c', sql`FROM contacts c WHERE ${contactScope} AND c.email IS NOT NULL AND c.email <> '' AND ${isPrintableAscii(db, sql`c.email`)} AND NOT ${plausibleAsciiEmail(sql`c.email`)}`),
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
  return { contactsNoEmailOrPhone, contactsNoOwner, contacts, invalidEmails, dealsNoOwner, openDealsNoAmount, openDealsNoCloseDate, openDealsPastClose, openDealsNoNextStep, contactsUntouched, requiredMissing };
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

type Sql = ReturnType<typeof sql>;

/**
 * isPlausibleEmail (build.ts) in SQL, for an address of printable ASCII only: trimmed of spaces,
 * it has no space or any of <>(),;:"[] , one @ with something before it, and in the part after
 * the @ a dot with at least one character before it and two after it; and no ".." anywhere.
 */
function plausibleAsciiEmail(email: Sql): Sql {
  const t = sql`trim(${email})`;
  const at = sql`instr(${t}, '@')`;
  const domain = sql`substr(${t}, ${at} + 1)`;
  const forbidden = [' ', '<', '>', '(', ')', ',', ';', ':', '"', '[', ']'].map((ch) => sql`instr(${t}, ${sql.lit(ch)}) = 0`);
  return sql`(${sql.join(forbidden, sql` AND `)} AND ${at} > 1 AND instr(${domain}, '@') = 0
    AND (CASE WHEN length(${domain}) >= 4 THEN instr(substr(${domain}, 2, length(${domain}) - 3), '.') ELSE 0 END) > 0
    AND instr(${email}, '..') = 0)`;
}

/** How many keys go into one IN (…) list of the second look-up. */
const CHUNK = 500;

/**
 * The contacts the duplicate checks of build.ts need, found in SQL with keys that equal the
 * checks' own wherever SQL can compute them exactly:
 * - email: the unique email_norm. Where it equals lower(email), the address is printable ASCII
 *   (SQLite's lower() and PostgreSQL's on a COLLATE "C" column change ASCII letters only) and
 *   has no spaces around it, email_norm is the check's key and no other such contact shares it:
 *   a duplicate always involves a contact without that, so those are fetched, and then the
 *   contacts whose email_norm equals one of their keys computed in code (an index look-up);
 * - phone and mobile: the ASCII digits without one leading 00, 7 or more (asciiDigits, exact on
 *   PostgreSQL; on SQLite for the usual separators);
 * - name at a company: lower(trim(first || ' ' || last)) — exact for printable ASCII without two
 *   spaces in a row (crm_fold of such a name is just that).
 * Contacts sharing a phone or name key with another are fetched, and so is every contact with a
 * key that is not exact; a second look-up then fetches the contacts whose exact keys equal those
 * contacts' keys computed in code (for names: every contact of their companies). The checks
 * themselves run in code over this list, so they give what they give over all contacts.
 */
async function duplicateCandidates(db: AnyDb, contactScope: Sql): Promise<ContactLite[]> {
  const full = sql`c.first_name || ' ' || c.last_name`;
  const nameKey = sql`lower(trim(${full}))`;
  const phone = asciiDigits(db, sql`c.phone`);
  const mobile = asciiDigits(db, sql`c.mobile`);
  const keyOf = (digits: Sql) => sql`(CASE WHEN ${digits} LIKE '00%' THEN substr(${digits}, 3) ELSE ${digits} END)`;
  const phoneSql = keyOf(phone.digits);
  const mobileKey = keyOf(mobile.digits);
  const longEnough = (key: Sql) => sql`length(${key}) >= 7`;
  // Bits of what SQL could not key exactly: 1 email, 2 phone or mobile, 4 name at a company.
  // An email keyed by email_norm has no duplicate among such contacts (the index is unique).
  const keyedByNorm = sql`(c.email_norm IS NOT NULL AND c.email_norm = lower(c.email) AND c.email = trim(c.email) AND ${isPrintableAscii(db, sql`c.email`)})`;
  const inexact = sql`(CASE WHEN c.email IS NOT NULL AND c.email <> '' AND NOT ${keyedByNorm} THEN 1 ELSE 0 END)
    + (CASE WHEN (c.phone IS NOT NULL AND NOT ${phone.exact}) OR (c.mobile IS NOT NULL AND NOT ${mobile.exact}) THEN 2 ELSE 0 END)
    + (CASE WHEN c.company_id IS NOT NULL AND NOT (${isPrintableAscii(db, full)} AND instr(trim(${full}), '  ') = 0) THEN 4 ELSE 0 END)`;
  const columns = sql`c.id AS "id", c.first_name AS "firstName", c.last_name AS "lastName", c.email AS "email", c.phone AS "phone", c.mobile AS "mobile", c.company_id AS "companyId"`;
  const first = await sql<ContactLite & { inexact: number }>`
    WITH p AS (
      SELECT k FROM (
        SELECT c.id AS id, ${phoneSql} AS k FROM contacts c WHERE ${contactScope} AND c.phone IS NOT NULL
        UNION ALL SELECT c.id AS id, ${mobileKey} AS k FROM contacts c WHERE ${contactScope} AND c.mobile IS NOT NULL
      ) x WHERE ${longEnough(sql`k`)} GROUP BY k HAVING MIN(id) < MAX(id)
    ), n AS (
      SELECT c.company_id AS company_id, ${nameKey} AS k FROM contacts c WHERE ${contactScope} AND c.company_id IS NOT NULL AND ${nameKey} <> '' GROUP BY c.company_id, ${nameKey} HAVING COUNT(*) > 1
    )
    SELECT ${columns}, ${inexact} AS "inexact" FROM contacts c
    WHERE ${contactScope} AND (${inexact} > 0
      OR ${phoneSql} IN (SELECT k FROM p) OR ${mobileKey} IN (SELECT k FROM p)
      OR (c.company_id, ${nameKey}) IN (SELECT company_id, k FROM n))
    ORDER BY c.id`.execute(db.kysely);
  const byId = new Map<number, ContactLite>();
  const emails = new Set<string>();
  const phones = new Set<string>();
  const companies = new Set<number>();
  for (const { inexact: bits, ...c } of first.rows) {
    byId.set(Number(c.id), c);
    if (Number(bits) & 1 && c.email) emails.add(c.email.trim().toLowerCase());
    if (Number(bits) & 2) for (const k of [phoneKey(c.phone), phoneKey(c.mobile)]) if (k) phones.add(k);
    if (Number(bits) & 4 && c.companyId !== null) companies.add(Number(c.companyId));
  }
  const lists: Sql[] = [];
  const chunks = <T>(values: T[], each: (part: T[]) => Sql) => {
    for (let i = 0; i < values.length; i += CHUNK) lists.push(each(values.slice(i, i + CHUNK)));
  };
  chunks([...emails].filter(Boolean), (part) => sql`c.email_norm IN (${sql.join(part)})`);
  chunks([...phones], (part) => sql`(${phoneSql} IN (${sql.join(part)}) OR ${mobileKey} IN (${sql.join(part)}))`);
  chunks([...companies], (part) => sql`c.company_id IN (${sql.join(part)})`);
  for (const match of lists) {
    const more = await sql<ContactLite>`SELECT ${columns} FROM contacts c WHERE ${contactScope} AND ${match}`.execute(db.kysely);
    for (const c of more.rows) if (!byId.has(Number(c.id))) byId.set(Number(c.id), c);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
