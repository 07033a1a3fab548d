/**
 * `crm import history` and `crm import undo RUN`: delete what a run created, restore what it
 * updated — refusing, with the records named, when any of them changed since (version column).
 */
import type { Db } from '../db/sqlite.js';
import type { AnyDb } from '../db/engine.js';
import { plural } from '../output/plural.js';
import type { Session } from '../domain/session.js';
import { ConflictError, NotFoundError, UserError } from '../errors.js';
import { ENTITIES } from './entities.js';

export interface ImportRunRecord {
  id: number;
  entity: string;
  files: string[];
  actor: string;
  startedAt: string;
  status: string;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  undoneAt: string | null;
}

interface RunRow {
  id: number;
  entity: string;
  files: string;
  actor: string;
  started_at: string;
  status: string;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  rejected_count: number;
  undone_at: string | null;
}

function toRecord(r: RunRow): ImportRunRecord {
  return {
    id: r.id,
    entity: r.entity,
    files: JSON.parse(r.files) as string[],
    actor: r.actor,
    startedAt: r.started_at,
    status: r.undone_at ? 'undone' : r.status,
    created: r.created_count,
    updated: r.updated_count,
    unchanged: r.unchanged_count,
    rejected: r.rejected_count,
    undoneAt: r.undone_at,
  };
}

export async function listImportRuns(db: AnyDb, limit?: number): Promise<ImportRunRecord[]> {
  let q = db.kysely.selectFrom('import_runs').selectAll().orderBy('id', 'desc');
  if (limit) q = q.limit(limit);
  return ((await q.execute()) as unknown as RunRow[]).map(toRecord);
}

const TAG_ENTITY: Record<string, string> = { contacts: 'contact', companies: 'company', deals: 'deal', tickets: 'ticket' };
const EVENT_TABLES: Record<string, [string, string][]> = {
  deals: [['deal_stage_history', 'deal_id']],
  tickets: [['ticket_events', 'ticket_id']],
  products: [['product_prices', 'product_id']],
};

interface Before {
  table: string;
  cols: Record<string, unknown>;
  version: number;
  tags?: string[];
  /** The child set before the run (a product's prices: ChildSet in ./entities.ts). */
  child?: string;
  events?: { table: string; id: number }[];
}

export interface UndoResult {
  run: ImportRunRecord;
  deleted: number;
  restored: number;
}

/** `crm import undo` on either engine (PostgreSQL: src/db/postgres/import.ts, loaded only there). */
export async function undoImport(db: AnyDb, s: Session, runId: number): Promise<UndoResult> {
  if (db.engine === 'postgres') return (await import('../db/postgres/import.js')).undoImportRunOnPostgres(db, s, runId);
  return undoImportRun(db, s, runId);
}

export function undoImportRun(db: Db, s: Session, runId: number): UndoResult {
  const sqlite = db.sqlite;
  const run = sqlite.prepare('SELECT * FROM import_runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!run) throw new NotFoundError(`No import run #${runId}.`, 'See the runs with: crm import history');
  if (run.undone_at) throw new UserError(`Import run #${runId} was already undone at ${run.undone_at}.`, 'See the runs with: crm import history');
  if (run.status !== 'done') throw new UserError(`Import run #${runId} wrote nothing (status ${run.status}); there is nothing to undo.`, 'See the runs with: crm import history');
  const now = s.now().toISOString();
  const rows = sqlite.prepare('SELECT * FROM import_run_rows WHERE run_id = ? ORDER BY row_number DESC').all(runId) as { row_number: number; outcome: string; entity_id: number; before: string }[];
  return sqlite.transaction(() => {
    let deleted = 0;
    let restored = 0;
    const changed: string[] = [];
    // 1. Restore updated records (newest first), checking nobody changed them since.
    for (const r of rows.filter((x) => x.outcome === 'updated')) {
      const b = JSON.parse(r.before) as Before;
      const cur = sqlite.prepare(`SELECT version FROM ${b.table} WHERE id = ?`).get(r.entity_id) as { version: number } | undefined;
      if (!cur || cur.version !== b.version) {
        changed.push(`${b.table} #${r.entity_id}`);
        continue;
      }
      const cols = Object.keys(b.cols);
      if (cols.length) {
        sqlite.prepare(`UPDATE ${b.table} SET ${cols.map((c) => `${c} = ?`).join(', ')}, version = version + 1 WHERE id = ?`).run(...cols.map((c) => b.cols[c] as never), r.entity_id);
      }
      if (b.tags) {
        const te = TAG_ENTITY[b.table]!;
        sqlite.prepare('DELETE FROM tags WHERE entity_type = ? AND entity_id = ?').run(te, r.entity_id);
        for (const t of b.tags) sqlite.prepare('INSERT INTO tags (entity_type, entity_id, tag) VALUES (?, ?, ?)').run(te, r.entity_id, t);
      }
      const spec = Object.values(ENTITIES).find((e) => e.table === b.table);
      if (b.child !== undefined) spec?.childSet?.write(sqlite, r.entity_id, b.child);
      for (const e of b.events ?? []) sqlite.prepare(`DELETE FROM ${e.table} WHERE id = ?`).run(e.id);
      sqlite.prepare('INSERT INTO audit_log (entity, entity_id, action, changes, actor, at) VALUES (?, ?, ?, ?, ?, ?)').run(spec?.auditEntity ?? TAG_ENTITY[b.table] ?? b.table, r.entity_id, 'import-undo', JSON.stringify({ run: [runId, null] }), s.actor, now);
      restored++;
    }
    // 2. Delete the records the run created: the main id range, then what it created on the side.
    const deletions: { table: string; from: number; to: number }[] = [];
    for (const r of rows.filter((x) => x.outcome === 'created_range')) {
      const b = JSON.parse(r.before) as { table: string; last: number };
      deletions.push({ table: b.table, from: r.entity_id, to: b.last });
    }
    for (const r of rows.filter((x) => x.outcome === 'created')) {
      const b = JSON.parse(r.before) as { table: string };
      deletions.push({ table: b.table, from: r.entity_id, to: r.entity_id });
    }
    for (const d of deletions) {
      const edited = sqlite.prepare(`SELECT id FROM ${d.table} WHERE id BETWEEN ? AND ? AND version <> 1 ORDER BY id LIMIT 5`).all(d.from, d.to) as { id: number }[];
      for (const e of edited) changed.push(`${d.table} #${e.id}`);
    }
    if (changed.length) {
      throw new ConflictError(
        `Cannot undo import run #${runId}: ${plural(changed.length, 'record')} changed since the import (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ', …' : ''}).`,
        'Undo would lose those edits; change them back first, or leave the import in place.',
      );
    }
    for (const d of deletions) {
      for (const [table, col] of EVENT_TABLES[d.table] ?? []) sqlite.prepare(`DELETE FROM ${table} WHERE ${col} BETWEEN ? AND ?`).run(d.from, d.to);
      const te = TAG_ENTITY[d.table];
      if (te) sqlite.prepare('DELETE FROM tags WHERE entity_type = ? AND entity_id BETWEEN ? AND ?').run(te, d.from, d.to);
      try {
        deleted += sqlite.prepare(`DELETE FROM ${d.table} WHERE id BETWEEN ? AND ?`).run(d.from, d.to).changes;
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new ConflictError(`Cannot undo import run #${runId}: records it created in ${d.table} are now used by other records.`, 'Remove or re-link those records first, or leave the import in place.');
        }
        throw err;
      }
    }
    sqlite.prepare('UPDATE import_runs SET undone_at = ? WHERE id = ?').run(now, runId);
    sqlite.prepare('INSERT INTO audit_log (entity, entity_id, action, changes, actor, at) VALUES (?, ?, ?, ?, ?, ?)').run('import_run', runId, 'undo', JSON.stringify({ deleted: [null, deleted], restored: [null, restored] }), s.actor, now);
    const after = sqlite.prepare('SELECT * FROM import_runs WHERE id = ?').get(runId) as RunRow;
    return { run: toRecord(after), deleted, restored };
  }).immediate();
}
