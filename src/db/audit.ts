/** The audit log: every create, update, archive and merge, with before/after values. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { writeEvents } from './outbox.js';

export type Changes = Record<string, [unknown, unknown]>;

export interface AuditEntry {
  entity: string;
  entityId: number;
  action: string;
  changes?: Changes | null;
  actor: string;
  at: string;
}

export async function recordAudit(trx: Kysely<Database>, e: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({ entity: e.entity, entity_id: e.entityId, action: e.action, changes: e.changes ? JSON.stringify(e.changes) : null, actor: e.actor, at: e.at })
    .execute();
  // The events of this change (automation's outbox), in the same transaction.
  await writeEvents(trx, e);
}

/**
 * The entity names an entity's entries may carry: its own, and for users and activities also the
 * table name that `crm import undo` wrote before it used the audit's own names ("users",
 * "activities" on "import-undo" entries of older databases) — read as the same entity, so no
 * migration rewrites those rows.
 */
export function auditEntityNames(entity: string): string[] {
  const legacy = LEGACY_AUDIT_ENTITY[entity];
  return legacy ? [entity, legacy] : [entity];
}
const LEGACY_AUDIT_ENTITY: Record<string, string> = { user: 'users', activity: 'activities' };

/** The latest audit entry of one record (optionally of some actions only), or undefined. */
export async function lastAuditEntry(db: Kysely<Database>, entity: string, entityId: number, actions?: string[]): Promise<{ action: string; actor: string; changes: string | null } | undefined> {
  let q = db.selectFrom('audit_log').select(['action', 'actor', 'changes']).where('entity', 'in', auditEntityNames(entity)).where('entity_id', '=', entityId);
  if (actions) q = q.where('action', 'in', actions);
  return q.orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** Field-by-field difference of two records (only keys present in `after`). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const [k, v] of Object.entries(after)) {
    const old = before[k] ?? null;
    const next = v ?? null;
    if (JSON.stringify(old) !== JSON.stringify(next)) changes[k] = [old, next];
  }
  return changes;
}

export interface AuditRecord {
  id: number;
  entity: string;
  entityId: number;
  action: string;
  changes: Changes | null;
  actor: string;
  at: string;
}

export async function listAudit(db: Kysely<Database>, entity: string, entityId: number, limit?: number): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit_log').selectAll().where('entity', 'in', auditEntityNames(entity)).where('entity_id', '=', entityId).orderBy('at').orderBy('id');
  if (limit) q = q.limit(limit);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, entity: r.entity, entityId: r.entity_id, action: r.action, changes: r.changes ? (JSON.parse(r.changes) as Changes) : null, actor: r.actor, at: r.at }));
}
