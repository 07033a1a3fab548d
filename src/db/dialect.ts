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
