/**
 * Optimistic concurrency for one row: the update applies only while the row is still at the
 * version the caller read, and raises it by one. Every versioned edit goes through here.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Tables whose rows carry `version` and `updated_at`. */
export type VersionedTable = 'contacts' | 'companies' | 'deals' | 'activities' | 'tickets' | 'calendars' | 'sla_policies';

/** Whether the row was still at `version` (false: someone changed it since; nothing written). */
export async function updateIfVersion(trx: Kysely<Database>, table: VersionedTable, id: number, version: number, values: Record<string, unknown>, at: string): Promise<boolean> {
  // One helper for seven tables: the column names in `values` are checked by the callers' types, not here.
  const res = await (trx as unknown as Kysely<Record<VersionedTable, { id: number; version: number; updated_at: string }>>)
    .updateTable(table)
    .set({ ...values, updated_at: at, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/**
 * `version = version + 1` for an update that does not check the version (archive, restore,
 * lifecycle): one more than the row's version at the time of the write, never one more than a
 * version read before the write lock was held (which could set a version back).
 */
export const bumpVersion = sql<number>`version + 1`;
