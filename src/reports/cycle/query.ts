/** Won deals of a window with their creation, first-stage and won instants, and their stage moves. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { dealExistsCondition, ownerCondition, within, type Frag } from '../query.js';

export type CycleGroup = 'owner' | 'source';

export interface WonDealTimes {
  id: number;
  label: string | null;
  createdAt: string;
  firstStageAt: string | null;
  wonAt: string;
}

export interface StageMove {
  dealId: number;
  stage: string;
  position: number;
  at: string;
}

function wonIn(start: string, end: string): Frag {
  return within('d.won_at', start, end);
}

/** `withFirstStage`: also look up each deal's first stage-history entry (for --start first-stage). */
export async function wonDealTimes(db: AnyDb, scope: ReportScope, by: CycleGroup, start: string, end: string, withFirstStage = false): Promise<WonDealTimes[]> {
  const label = by === 'owner' ? sql`u.handle` : sql`d.source`;
  const q = sql<WonDealTimes>`
    SELECT d.id AS "id", ${label} AS "label", d.created_at AS "createdAt",
      ${withFirstStage ? sql`(SELECT MIN(h.at) FROM deal_stage_history h WHERE h.deal_id = d.id)` : sql`NULL`} AS "firstStageAt",
      d.won_at AS "wonAt"
    FROM deals d LEFT JOIN users u ON u.id = d.owner_id
    WHERE ${wonIn(start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}`;
  return (await q.execute(db.kysely)).rows;
}

/** Every stage move of the deals won in the window, in order (for time in stage). */
export async function wonDealMoves(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<StageMove[]> {
  const q = sql<StageMove>`
    SELECT h.deal_id AS "dealId", s.name AS "stage", s.position AS "position", h.at AS "at"
    FROM deal_stage_history h
    JOIN deals d ON d.id = h.deal_id
    JOIN stages s ON s.id = h.to_stage_id
    WHERE ${wonIn(start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)} AND h.at <= ${scope.asOf}
    ORDER BY h.deal_id, h.at, h.id`;
  return (await q.execute(db.kysely)).rows;
}
