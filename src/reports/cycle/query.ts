/**
 * Cycle lengths of the deals won in a window, and the time they spent in each stage, aggregated
 * in SQL: per group (and in total) the count, the exact sum, the extremes and the middle one or
 * two values of the durations, in whole milliseconds. Only those few rows reach crm; the days
 * (and the median's mean of two middle values) are computed from them in build.ts.
 */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import { msBetween } from '../../db/dialect.js';
import type { ReportScope } from '../scope.js';
import { dealExistsCondition, ownerCondition, within, type Frag } from '../query.js';

export type CycleGroup = 'owner' | 'source';

/** Durations of one group in milliseconds: count, sum, min, max, and the middle values. */
export interface DurationStats {
  n: number;
  sum: number;
  min: number | null;
  max: number | null;
  /** The middle value (odd count) or the lower of the two middle ones (even count). */
  lo: number | null;
  /** The middle value (odd count) or the upper of the two middle ones (even count). */
  hi: number | null;
}

export interface CycleGroupStats extends DurationStats {
  /** The deal's owner handle or source; "(none)" when it has none. */
  group: string;
}

export interface StageStats extends DurationStats {
  stage: string;
  /** The position of the stage of that name first met in (deal, time, id) order, and where. */
  position: number;
  firstDealId: number;
  firstAt: string;
  firstId: number;
}

export interface CycleStats {
  groups: CycleGroupStats[];
  total: DurationStats;
}

function wonIn(start: string, end: string): Frag {
  return within('d.won_at', start, end);
}

/**
 * The aggregates of `ms` over rows numbered `rn` (by ms) in a group of `n` rows: the middle
 * values are rows (n + 1) / 2 and n / 2 + 1 (integer division; the same row for an odd count).
 */
function statsColumns(): Frag {
  return sql`MAX(n) AS "n", SUM(ms) AS "sum", MIN(ms) AS "min", MAX(ms) AS "max",
    MAX(CASE WHEN rn = (n + 1) / 2 THEN ms END) AS "lo", MAX(CASE WHEN rn = n / 2 + 1 THEN ms END) AS "hi"`;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toStats(r: Record<string, unknown>): DurationStats {
  return { n: Number(r.n ?? 0), sum: Number(r.sum ?? 0), min: num(r.min), max: num(r.max), lo: num(r.lo), hi: num(r.hi) };
}

/** Cycle lengths per owner or source and in total; `fromFirstStage` measures from the first stage-history entry (else creation). */
export async function cycleStats(db: AnyDb, scope: ReportScope, by: CycleGroup, start: string, end: string, fromFirstStage = false): Promise<CycleStats> {
  const label = by === 'owner' ? sql`u.handle` : sql`d.source`;
  const from = fromFirstStage ? sql`COALESCE((SELECT MIN(h.at) FROM deal_stage_history h WHERE h.deal_id = d.id), d.created_at)` : sql`d.created_at`;
  const q = sql<Record<string, unknown>>`
    WITH t AS MATERIALIZED (
      SELECT COALESCE(${label}, '(none)') AS g, ${msBetween(db, from, sql`d.won_at`)} AS ms
      FROM deals d LEFT JOIN users u ON u.id = d.owner_id
      WHERE ${wonIn(start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    )
    SELECT 0 AS "total", g AS "group", ${statsColumns()}
      FROM (SELECT g, ms, ROW_NUMBER() OVER (PARTITION BY g ORDER BY ms) AS rn, COUNT(*) OVER (PARTITION BY g) AS n FROM t) r
      GROUP BY g
    UNION ALL
    SELECT 1 AS "total", NULL AS "group", ${statsColumns()}
      FROM (SELECT ms, ROW_NUMBER() OVER (ORDER BY ms) AS rn, COUNT(*) OVER () AS n FROM t) r`;
  const rows = (await q.execute(db.kysely)).rows;
  const groups: CycleGroupStats[] = [];
  let total: DurationStats = { n: 0, sum: 0, min: null, max: null, lo: null, hi: null };
  for (const r of rows) {
    if (Number(r.total) === 1) total = toStats(r);
    else groups.push({ group: String(r.group), ...toStats(r) });
  }
  return { groups, total };
}

/**
 * Time in stage of the deals won in the window: from each stage-history entry (at or before the
 * as-of instant) to the deal's next one, grouped by stage name; the last entry has no duration.
 */
export async function stageStats(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<StageStats[]> {
  const q = sql<Record<string, unknown>>`
    WITH m AS (
      SELECT h.deal_id AS deal_id, h.id AS move_id, h.at AS moved_at, s.name AS stage, s.position AS pos,
        LEAD(h.at) OVER (PARTITION BY h.deal_id ORDER BY h.at, h.id) AS next_at
      FROM deal_stage_history h
      JOIN deals d ON d.id = h.deal_id
      JOIN stages s ON s.id = h.to_stage_id
      WHERE ${wonIn(start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)} AND h.at <= ${scope.asOf}
    ),
    x AS (
      SELECT m.stage, m.pos, m.deal_id, m.moved_at, m.move_id, ${msBetween(db, sql`m.moved_at`, sql`m.next_at`)} AS ms FROM m WHERE m.next_at IS NOT NULL
    ),
    r AS (
      SELECT stage, pos, deal_id, moved_at, move_id, ms,
        ROW_NUMBER() OVER (PARTITION BY stage ORDER BY ms) AS rn, COUNT(*) OVER (PARTITION BY stage) AS n,
        ROW_NUMBER() OVER (PARTITION BY stage ORDER BY deal_id, moved_at, move_id) AS fr
      FROM x
    )
    SELECT stage AS "stage", ${statsColumns()},
      MAX(CASE WHEN fr = 1 THEN pos END) AS "position", MAX(CASE WHEN fr = 1 THEN deal_id END) AS "firstDealId",
      MAX(CASE WHEN fr = 1 THEN moved_at END) AS "firstAt", MAX(CASE WHEN fr = 1 THEN move_id END) AS "firstId"
    FROM r GROUP BY stage`;
  return (await q.execute(db.kysely)).rows.map((r) => ({
    stage: String(r.stage),
    position: Number(r.position),
    firstDealId: Number(r.firstDealId),
    firstAt: String(r.firstAt),
    firstId: Number(r.firstId),
    ...toStats(r),
  }));
}
