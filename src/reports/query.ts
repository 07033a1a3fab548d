/**
 * SQL pieces shared by the report queries. Plain, dialect-neutral SQL through Kysely's `sql`
 * tag: aggregates run in the database, money sums come back as text (exact past 2^53).
 */
import { sql, type RawBuilder } from 'kysely';
import { fold } from '../db/fold.js';
import type { Session } from '../domain/session.js';
import type { ReportScope } from './scope.js';

export type Frag = RawBuilder<unknown>;

/** `AND <col> IN (…)` for --owner/--team, nothing when unfiltered. */
export function ownerCondition(column: string, scope: ReportScope): Frag {
  if (scope.ownerIds === null) return sql``;
  if (scope.ownerIds.length === 0) return sql` AND 1 = 0`;
  return sql` AND ${sql.ref(column)} IN (${sql.join(scope.ownerIds)})`;
}

/** Deals that exist at the as-of instant and are not archived (then). */
export function dealExistsCondition(alias: string, scope: ReportScope): Frag {
  const created = sql.ref(`${alias}.created_at`);
  const archived = sql.ref(`${alias}.archived_at`);
  if (!scope.historical) return sql`${archived} IS NULL`;
  return sql`${created} <= ${scope.asOf} AND (${archived} IS NULL OR ${archived} > ${scope.asOf})`;
}

/**
 * The stage id of a deal at the as-of instant: its current stage, or — with --as-of — the target
 * of its last deal_stage_history move at or before that instant.
 */
export function stageIdAt(alias: string, scope: ReportScope): Frag {
  if (!scope.historical) return sql`${sql.ref(`${alias}.stage_id`)}`;
  return sql`(SELECT h.to_stage_id FROM deal_stage_history h WHERE h.deal_id = ${sql.ref(`${alias}.id`)} AND h.at <= ${scope.asOf} ORDER BY h.at DESC, h.id DESC LIMIT 1)`;
}

/** A deal that is open at the as-of instant: an open-kind stage then, not won or lost by then. */
export function dealOpenCondition(alias: string, stageAlias: string, scope: ReportScope): Frag {
  const kind = sql.ref(`${stageAlias}.kind`);
  if (!scope.historical) return sql`${kind} = 'open'`;
  const won = sql.ref(`${alias}.won_at`);
  const lost = sql.ref(`${alias}.lost_at`);
  return sql`${kind} = 'open' AND (${won} IS NULL OR ${won} > ${scope.asOf}) AND (${lost} IS NULL OR ${lost} > ${scope.asOf})`;
}

/** `col >= start AND col < end` (a half-open window of ISO instants or dates). */
export function within(column: string, start: string, end: string): Frag {
  const c = sql.ref(column);
  return sql`(${c} >= ${start} AND ${c} < ${end})`;
}

/**
 * A CASE expression numbering the bucket an instant falls in: boundaries b0 < b1 < … < bn give
 * buckets 0..n-1 for [b0,b1), [b1,b2)…; NULL outside. Month edges cut in the user's zone are
 * computed in code (luxon-free, DST-safe), so the SQL stays dialect-neutral.
 */
export function bucketCase(column: string, boundaries: string[]): Frag {
  const c = sql.ref(column);
  if (boundaries.length < 2) return sql`NULL`;
  const whens = boundaries.slice(1).map((b, i) => sql` WHEN ${c} < ${b} THEN ${sql.lit(i)}`);
  return sql`CASE WHEN ${c} IS NULL OR ${c} < ${boundaries[0]!} THEN NULL${sql.join(whens, sql``)} ELSE NULL END`;
}

export function toBigInt(v: unknown): bigint {
  if (v === null || v === undefined || v === '') return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  const s = String(v);
  return BigInt(s.includes('.') ? s.slice(0, s.indexOf('.')) : s);
}

/** users.id → handle. */
export async function userHandles(s: Session): Promise<Map<number, string>> {
  const rows = await s.db.kysely.selectFrom('users').select(['id', 'handle']).execute();
  return new Map(rows.map((r) => [r.id, r.handle]));
}

/** The users of a team, named case- and accent-insensitively (--team). */
export async function teamMembers(s: Session, team: string): Promise<{ id: number; team: string | null }[]> {
  return s.db.kysely
    .selectFrom('users')
    .select(['id', 'team'])
    .where(sql<string>`crm_fold(coalesce(team, ''))`, '=', fold(team.trim()))
    .execute();
}

/** Every team name, sorted (for the hint of an unknown --team). */
export async function teamNames(s: Session): Promise<string[]> {
  const rows = await s.db.kysely.selectFrom('users').select('team').distinct().where('team', 'is not', null).orderBy('team').execute();
  return rows.map((r) => r.team!);
}

/** --in CUR (src/reports/fx.ts): the extra select list: the deal's amount and the dates its conversion day comes from. */
export function fxColumns(scope: ReportScope, alias = 'd'): Frag {
  if (!scope.fx) return sql``;
  const c = (col: string) => sql.ref(`${alias}.${col}`);
  return sql`, ${c('amount_minor')} AS "fxMinor", ${c('won_at')} AS "fxWonAt", ${c('lost_at')} AS "fxLostAt", ${c('expected_close')} AS "fxClose"`;
}

/** The extra GROUP BY terms matching fxColumns. */
export function fxGroupBy(scope: ReportScope, alias = 'd'): Frag {
  if (!scope.fx) return sql``;
  const c = (col: string) => sql.ref(`${alias}.${col}`);
  return sql`, ${c('amount_minor')}, ${c('won_at')}, ${c('lost_at')}, ${c('expected_close')}`;
}

/**
 * --in CUR for a report over documents (orders, invoices) rather than deals: the per-document
 * amount and its conversion day as the columns convertDealRows reads (fxMinor, fxClose), so each
 * row sums ONE amount of ONE day and the conversion is the sum of per-document conversions.
 */
export function fxDocumentColumns(scope: ReportScope, amount: Frag, day: Frag): Frag {
  if (!scope.fx) return sql``;
  return sql`, ${amount} AS "fxMinor", ${day} AS "fxClose"`;
}

/** The extra GROUP BY terms matching fxDocumentColumns. */
export function fxDocumentGroupBy(scope: ReportScope, amount: Frag, day: Frag): Frag {
  if (!scope.fx) return sql``;
  return sql`, ${amount}, ${day}`;
}

/** Orders (alias o, joined to their deal as d) that count: not cancelled (then), existing at the as-of instant. */
export function orderLiveCondition(scope: ReportScope): Frag {
  return scope.historical ? sql`(o.cancelled_at IS NULL OR o.cancelled_at > ${scope.asOf}) AND o.created_at <= ${scope.asOf}` : sql`o.status <> 'cancelled'`;
}

/** An order's owner: its deal's owner, else its own (aliases o and d). */
export const orderOwner: Frag = sql`COALESCE(d.owner_id, o.owner_id)`;

/** `AND <order owner> IN (…)` for --owner/--team, nothing when unfiltered. */
export function orderOwnerCondition(scope: ReportScope): Frag {
  if (scope.ownerIds === null) return sql``;
  if (scope.ownerIds.length === 0) return sql` AND 1 = 0`;
  return sql` AND ${orderOwner} IN (${sql.join(scope.ownerIds)})`;
}
