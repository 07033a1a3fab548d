/** Active contacts nobody has touched since a cutoff (last_touched_at empty or older). */
import { sql } from 'kysely';
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

export async function untouchedContacts(db: AnyDb, scope: ReportScope, cutoff: string): Promise<UntouchedRow[]> {
  const q = sql<UntouchedRow>`
    SELECT c.id AS "id", c.first_name AS "firstName", c.last_name AS "lastName", c.email AS "email",
      co.name AS "company", c.owner_id AS "ownerId", u.handle AS "owner", u.name AS "ownerName",
      c.last_touched_at AS "lastTouchedAt", c.created_at AS "createdAt"
    FROM contacts c
    LEFT JOIN companies co ON co.id = c.company_id
    LEFT JOIN users u ON u.id = c.owner_id
    WHERE c.archived_at IS NULL AND c.lifecycle <> 'inactive'
      AND (c.last_touched_at IS NULL OR c.last_touched_at < ${cutoff})${ownerCondition('c.owner_id', scope)}
    ORDER BY c.last_touched_at IS NOT NULL, c.last_touched_at, c.id`;
  return (await q.execute(db.kysely)).rows;
}
