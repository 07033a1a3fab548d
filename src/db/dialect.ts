/**
 * The few SQL expressions the two engines write differently, for queries that otherwise stay
 * dialect-neutral (DESIGN §6: what differs per engine lives in the database layer). Each returns
 * the same value on both engines for the data crm stores.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AnyDb } from './engine.js';

type Expr = RawBuilder<unknown>;

/**
 * Whole milliseconds from instant `a` to instant `b` (negative when b is earlier), as
 * Date.parse(b) - Date.parse(a) gives them for the ISO text crm reads back. SQLite keeps instants
 * as ISO text and julianday() reads them to the millisecond; the rounding only removes the
 * float error of the day fractions (well under a millisecond). PostgreSQL cuts the microseconds
 * as crm's timestamptz parser does (src/db/postgres/connect.ts).
 */
export function msBetween(db: AnyDb, a: Expr, b: Expr): RawBuilder<number> {
  if (db.engine === 'postgres') return sql<number>`(floor(EXTRACT(EPOCH FROM ${b}) * 1000) - floor(EXTRACT(EPOCH FROM ${a}) * 1000))::bigint`;
  return sql<number>`CAST(round((julianday(${b}) - julianday(${a})) * 86400000.0) AS INTEGER)`;
}

/** True when the (non-null) text holds only printable ASCII, U+0020 to U+007E. */
export function isPrintableAscii(db: AnyDb, text: Expr): RawBuilder<unknown> {
  if (db.engine === 'postgres') return sql`((${text}) COLLATE "C" ~ '^[ -~]*$')`;
  return sql`(${text} NOT GLOB '*[^ -~]*')`;
}

/**
 * The ASCII digits of a text with everything else removed — JavaScript's text.replace(/\D+/g, '')
 * — and a condition that is true where that value is exact. PostgreSQL's regexp_replace is exact
 * for every text; SQLite has no regular expressions, so it removes the usual separators of a
 * phone number and marks the rest (letters, other scripts' digits) as not exact, for the caller
 * to handle those few rows in code.
 */
export function asciiDigits(db: AnyDb, text: Expr): { digits: RawBuilder<string | null>; exact: RawBuilder<unknown> } {
  if (db.engine === 'postgres') return { digits: sql<string | null>`regexp_replace(${text}, '[^0-9]+', '', 'g')`, exact: sql`TRUE` };
  let d: Expr = text;
  for (const ch of [' ', '-', '+', '(', ')', '.', '/']) d = sql`replace(${d}, ${sql.lit(ch)}, '')`;
  return { digits: d as RawBuilder<string | null>, exact: sql`(${d} NOT GLOB '*[^0-9]*')` };
}

/** isPrintableAscii() in code, for the rows a query hands over because it could not judge them. */
export const PRINTABLE_ASCII = /^[ -~]*$/;
