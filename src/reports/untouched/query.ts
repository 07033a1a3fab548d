/** Active contacts nobody has touched since a cutoff (last_touched_at empty or older). */
import { sql, type CompiledQuery } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { ownerCondition } from '../query.js';

export interface UntouchedRow {
  id: number;
  firstName: string;
  lastName: string;
  email: string | null;
  company: string | null;
  ownerId: number | null;
  owner: string | null;
  ownerName: string | null;
  lastTouchedAt: string | null;
  createdAt: string;
}

/** What the listing prints of a contact, in the order the listing wants it (see untouchedListing). */
export type UntouchedListRow = Pick<UntouchedRow, 'id' | 'firstName' | 'lastName' | 'email' | 'company' | 'owner' | 'lastTouchedAt'>;

/** Untouched contacts counted per owner (owner_id; handle and name when the user exists). */
export interface UntouchedGroupRow {
  ownerId: number | null;
  owner: string | null;
  ownerName: string | null;
  untouched: number;
  never: number;
}

const untouched = (scope: ReportScope, cutoff: string) =>
  sql`c.archived_at IS NULL AND c.lifecycle <> 'inactive'
      AND (c.last_touched_at IS NULL OR c.last_touched_at < ${cutoff})${ownerCondition('c.owner_id', scope)}`;

export function untouchedByOwner(db: AnyDb, scope: ReportScope, cutoff: string): CompiledQuery<UntouchedGroupRow> {
  return sql<UntouchedGroupRow>`
    SELECT c.owner_id AS "ownerId", u.handle AS "owner", u.name AS "ownerName", COUNT(*) AS "untouched",
      SUM(CASE WHEN c.last_touched_at IS NULL THEN 1 ELSE 0 END) AS "never"
    FROM contacts c
    LEFT JOIN users u ON u.id = c.owner_id
    WHERE ${untouched(scope, cutoff)}
    GROUP BY c.owner_id, u.handle, u.name`.compile(db.kysely);
}

/**
 * The contacts, owner by owner in `rank` order (owner_id → place; any other owner — none, or a
 * removed user — at `otherRank`), never touched first by id, then longest untouched first
 * (last_touched_at, then id). The builder re-sorts contacts of one owner and one day by id.
 */
export function untouchedListing(db: AnyDb, scope: ReportScope, cutoff: string, rank: Map<number, number>, otherRank: number): CompiledQuery<UntouchedListRow> {
  const ranks = [...rank].map(([ownerId, place]) => sql`SELECT ${sql.lit(ownerId)} AS owner_id, ${sql.lit(place)} AS owner_rank`);
  const rankJoin = ranks.length ? sql` LEFT JOIN (${sql.join(ranks, sql` UNION ALL `)}) r ON r.owner_id = c.owner_id` : sql``;
  const byRank = ranks.length ? sql`COALESCE(r.owner_rank, ${sql.lit(otherRank)}), ` : sql``;
  return sql<UntouchedListRow>`
    SELECT c.id AS "id", c.first_name AS "firstName", c.last_name AS "lastName", c.email AS "email",
      co.name AS "company", u.handle AS "owner", c.last_touched_at AS "lastTouchedAt"
    FROM contacts c
    LEFT JOIN companies co ON co.id = c.company_id
    LEFT JOIN users u ON u.id = c.owner_id${rankJoin}
    WHERE ${untouched(scope, cutoff)}
    ORDER BY ${byRank}c.last_touched_at IS NOT NULL, c.last_touched_at, c.id`.compile(db.kysely);
}
