/** The leads created in a window, each with its conversion and the win of the deal it became. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { ownerCondition, within } from '../query.js';

export interface LeadRow {
  source: string | null;
  owner: string | null;
  createdAt: string;
  convertedAt: string | null;
  leadStatus: string;
  wonAt: string | null;
}

/** Contacts created in [start, end) that are leads now or were converted from one (crm help lifecycle). */
export async function leadsCreated(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<LeadRow[]> {
  const q = sql<LeadRow>`
    SELECT c.source AS "source",
      (SELECT u.handle FROM users u WHERE u.id = c.owner_id) AS "owner",
      c.created_at AS "createdAt", c.converted_at AS "convertedAt", c.lead_status AS "leadStatus",
      (SELECT d.won_at FROM deals d WHERE d.id = c.converted_deal_id) AS "wonAt"
    FROM contacts c
    WHERE ${within('c.created_at', start, end)} AND c.archived_at IS NULL
      AND (c.lifecycle = 'lead' OR c.converted_at IS NOT NULL)${ownerCondition('c.owner_id', scope)}`;
  return (await q.execute(db.kysely)).rows;
}

/** Campaign names (a contact belongs to the campaign its source names). */
export async function campaignNames(db: AnyDb): Promise<string[]> {
  return (await db.kysely.selectFrom('campaigns').select('name').execute()).map((r) => r.name);
}
