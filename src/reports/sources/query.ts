/** Leads, customers and won deals per lead source and per campaign. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { dealExistsCondition, ownerCondition, within, fxColumns, fxGroupBy } from '../query.js';

export interface LeadsRow {
  key: string | null;
  label: string | null;
  leads: number;
  customers: number;
}

/** Contacts created in the window, per source (compared trimmed and case-insensitively). */
export async function leadsBySource(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<LeadsRow[]> {
  const q = sql<LeadsRow>`
    SELECT LOWER(TRIM(c.source)) AS "key", MIN(c.source) AS "label", COUNT(*) AS "leads",
      SUM(CASE WHEN c.lifecycle = 'customer' THEN 1 ELSE 0 END) AS "customers"
    FROM contacts c
    WHERE ${within('c.created_at', start, end)} AND c.archived_at IS NULL${ownerCondition('c.owner_id', scope)}
    GROUP BY LOWER(TRIM(c.source))`;
  return (await q.execute(db.kysely)).rows;
}

export interface WonRow {
  key: string | number | null;
  label: string | null;
  currency: string;
  deals: number;
  wonMinor: string;
}

export async function wonBySource(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<WonRow[]> {
  const q = sql<WonRow>`
    SELECT LOWER(TRIM(d.source)) AS "key", MIN(d.source) AS "label", d.currency AS "currency", COUNT(*) AS "deals", CAST(SUM(d.amount_minor) AS TEXT) AS "wonMinor"${fxColumns(scope)}
    FROM deals d
    WHERE ${within('d.won_at', start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY LOWER(TRIM(d.source)), d.currency${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

export async function wonByCampaign(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<WonRow[]> {
  const q = sql<WonRow>`
    SELECT d.campaign_id AS "key", NULL AS "label", d.currency AS "currency", COUNT(*) AS "deals", CAST(SUM(d.amount_minor) AS TEXT) AS "wonMinor"${fxColumns(scope)}
    FROM deals d
    WHERE d.campaign_id IS NOT NULL AND ${within('d.won_at', start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY d.campaign_id, d.currency${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}
