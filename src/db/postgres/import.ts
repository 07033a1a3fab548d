/**
 * `crm import` and `crm import undo` on PostgreSQL: the one import pipeline (src/csv: decode,
 * map, convert and validate through the domain, match by natural key, per-row outcomes, rejects
 * file, dry run, run history) runs unchanged against a private scratch SQLite file seeded with
 * the rows it reads; only the write step is PostgreSQL's own:
 *
 *   1. BEGIN; LOCK the tables an import reads and writes (SHARE ROW EXCLUSIVE: readers go on,
 *      other writers of those tables wait — what SQLite's BEGIN IMMEDIATE does to the whole file);
 *   2. copy those tables into the scratch file (a temporary file: the page cache, not this
 *      process, holds a million rows) and record, by trigger, every row the pipeline updates,
 *      deletes or re-tags there;
 *   3. run the pipeline (importFile / undoImportRun) on the scratch file;
 *   4. write what changed back to PostgreSQL set-based: COPY (pg-copy-streams) into TEMP staging
 *      tables, then one INSERT … SELECT per table for new rows (with the ids the pipeline gave
 *      them, so the run's id range and `import undo` work as on SQLite), one UPDATE … FROM for
 *      changed rows, one DELETE per table (undo), tags replaced per touched record; the run, its
 *      rows and the audit entries appended; COMMIT. All-or-nothing: any failure rolls back.
 *
 * The locks are taken before the snapshot is read (READ COMMITTED), so nothing changes under the
 * import while it runs and no serialization failure can arrive after the file was read; a
 * deadlock while waiting for the locks is retried like any other write (postgres/transaction.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import { ConflictError } from '../../errors.js';
import type { Session } from '../../domain/session.js';
import { importFile, type FileResult, type ImportOptions, type PreparedFile } from '../../csv/importer.js';
import { undoImportRun, type UndoResult } from '../../csv/undo.js';
import { openDatabase, type Db } from '../sqlite.js';
import { isRetryablePgError, translatePgError } from './errors.js';
import { backoffMs, MAX_ATTEMPTS, sleep } from './transaction.js';
import type { PgDb } from './types.js';

/**
 * The tables with an id that an import reads or writes, parents before children (the order new
 * rows are inserted in; deletions run in reverse).
 */
const RECORD_TABLES = [
  'users',
  'pipelines',
  'stages',
  'calendars',
  'sla_policies',
  'field_definitions',
  'products',
  'companies',
  'contacts',
  'deals',
  'tickets',
  'activities',
  'deal_stage_history',
  'ticket_events',
] as const;

/** Locked with the record tables: tags and product prices are replaced per record; the run tables are appended to. */
const LOCKED = [...RECORD_TABLES, 'tags', 'product_prices'];

type Value = string | number | bigint | null;

export async function importFileOnPostgres(db: PgDb, s: Session, prepared: PreparedFile, opts: ImportOptions): Promise<FileResult> {
  return withScratch(db, [], async (scratch) => {
    const res = await importFile(scratch.db, s, prepared, opts);
    const runIds = await scratch.apply();
    if (res.runId !== null) res.runId = runIds.get(res.runId) ?? res.runId;
    return res;
  });
}

export async function undoImportRunOnPostgres(db: PgDb, s: Session, runId: number): Promise<UndoResult> {
  return withScratch(db, [runId], async (scratch) => {
    const res = undoImportRun(scratch.db, s, runId);
    try {
      await scratch.apply();
    } catch (err) {
      // The scratch file does not hold every table that may point at a created record: the server's foreign keys say it.
      if ((err as { code?: string }).code !== '23503') throw err;
      const table = /on table "(\w+)" violates/.exec((err as Error).message)?.[1] ?? 'it';
      throw new ConflictError(`Cannot undo import run #${runId}: records it created in ${table} are now used by other records.`, 'Remove or re-link those records first, or leave the import in place.');
    }
    return res;
  });
}

interface Scratch {
  db: Db;
  /** Write the scratch file's changes to PostgreSQL; the new import runs' ids (scratch id → server id). */
  apply(): Promise<Map<number, number>>;
}

async function withScratch<T>(pg: PgDb, runs: number[], fn: (scratch: Scratch) => Promise<T>): Promise<T> {
  const client = await pg.pool.connect();
  const dir = mkdtempSync(join(tmpdir(), 'crm-pg-import-'));
  let db: Db | undefined;
  try {
    await lockTables(client);
    db = openDatabase(join(dir, 'scratch.db'), { journal: 'delete' });
    const sqlite = db.sqlite;
    sqlite.pragma('journal_mode = MEMORY');
    sqlite.pragma('synchronous = OFF');
    // Only the tables an import touches are copied: references to others are PostgreSQL's to check.
    sqlite.pragma('foreign_keys = OFF');
    const seeded = await seed(client, db, runs);
    const scratchDb = db;
    const result = await fn({ db: scratchDb, apply: () => applyChanges(client, scratchDb, seeded) });
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translatePgError(err, pg.path);
  } finally {
    client.release();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** BEGIN and the table locks, in one fixed order; a deadlock while waiting is retried. */
async function lockTables(client: PoolClient): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      await client.query(`LOCK TABLE ${LOCKED.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
      return;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (!isRetryablePgError(err) || attempt >= MAX_ATTEMPTS) throw err;
      await sleep(backoffMs(attempt));
    }
  }
}

interface Seeded {
  /** The largest id copied per record table: larger ids in the scratch file are new rows. */
  maxId: Map<string, number>;
  /** The import runs copied (undo): the others in the scratch file are new. */
  runs: Set<number>;
}

function columnsOf(db: Db, table: string): string[] {
  return (db.sqlite.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
}

/** Copy the record tables, the tags and the named runs into the scratch file, then watch it. */
async function seed(client: PoolClient, db: Db, runs: number[]): Promise<Seeded> {
  const sqlite = db.sqlite;
  const maxId = new Map<string, number>();
  // The scratch file's own first rows (the default pipeline, …) make way for the server's.
  for (const table of [...LOCKED, 'import_runs', 'import_run_rows', 'audit_log', 'lost_reasons']) sqlite.exec(`DELETE FROM ${table}`);
  const load = async (table: string, query: string, params: unknown[] = []) => {
    const cols = columnsOf(db, table);
    const insert = sqlite.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    const res = await client.query({ text: query.replace('*', cols.join(', ')), values: params, rowMode: 'array' });
    sqlite.transaction(() => {
      for (const row of res.rows as Value[][]) insert.run(row);
    })();
    return res.rows as Value[][];
  };
  for (const table of RECORD_TABLES) {
    let last = 0;
    // Pages by id: the whole table never sits in this process's memory at once.
    for (;;) {
      const rows = await load(table, `SELECT * FROM ${table} WHERE id > $1 ORDER BY id LIMIT 20000`, [last]);
      if (rows.length === 0) break;
      last = Number(rows[rows.length - 1]![0]);
    }
    maxId.set(table, last);
  }
  await load('tags', 'SELECT * FROM tags');
  await load('product_prices', 'SELECT * FROM product_prices');
  if (runs.length) {
    await load('import_runs', 'SELECT * FROM import_runs WHERE id = ANY($1)', [runs]);
    await load('import_run_rows', 'SELECT * FROM import_run_rows WHERE run_id = ANY($1)', [runs]);
  }
  // Temporary: the watch lives and dies with this connection to the scratch file.
  sqlite.exec(`
    CREATE TEMP TABLE crm_changed (tbl TEXT NOT NULL, id INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tbl, id));
    CREATE TEMP TABLE crm_tagged (entity_type TEXT NOT NULL, entity_id INTEGER NOT NULL, PRIMARY KEY (entity_type, entity_id));
    CREATE TEMP TRIGGER crm_tag_added AFTER INSERT ON main.tags BEGIN INSERT OR IGNORE INTO crm_tagged VALUES (NEW.entity_type, NEW.entity_id); END;
    CREATE TEMP TRIGGER crm_tag_removed AFTER DELETE ON main.tags BEGIN INSERT OR IGNORE INTO crm_tagged VALUES (OLD.entity_type, OLD.entity_id); END;
    CREATE TEMP TABLE crm_priced (product_id INTEGER PRIMARY KEY);
    CREATE TEMP TRIGGER crm_price_added AFTER INSERT ON main.product_prices BEGIN INSERT OR IGNORE INTO crm_priced VALUES (NEW.product_id); END;
    CREATE TEMP TRIGGER crm_price_removed AFTER DELETE ON main.product_prices BEGIN INSERT OR IGNORE INTO crm_priced VALUES (OLD.product_id); END;
  `);
  for (const table of [...RECORD_TABLES, 'import_runs']) {
    sqlite.exec(`
      CREATE TEMP TRIGGER crm_updated_${table} AFTER UPDATE ON main.${table} BEGIN INSERT OR IGNORE INTO crm_changed (tbl, id) VALUES ('${table}', OLD.id); END;
      CREATE TEMP TRIGGER crm_deleted_${table} AFTER DELETE ON main.${table} BEGIN INSERT OR REPLACE INTO crm_changed (tbl, id, deleted) VALUES ('${table}', OLD.id, 1); END;
    `);
  }
  return { maxId, runs: new Set(runs) };
}

/** COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyValue(v: Value): string {
  if (v === null) return '\\N';
  const s = typeof v === 'string' ? v : String(v); // no table has a BLOB column
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

/** Rows (arrays of values) as COPY text, about 1,000 rows per chunk. */
function* copyChunks(rows: Iterable<Value[]>, map?: (row: Value[]) => Value[]): Generator<string> {
  let chunk = '';
  let n = 0;
  for (const raw of rows) {
    const row = map ? map(raw) : raw;
    let line = '';
    for (let i = 0; i < row.length; i++) line += (i ? '\t' : '') + copyValue(row[i]!);
    chunk += line + '\n';
    if (++n === 1000) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (chunk) yield chunk;
}

/**
 * A TEMP staging table shaped like `table`, filled by COPY with `rows`.
 * (ON COMMIT DROP: staging never outlives the import's transaction.)
 */
async function stage(client: PoolClient, staging: string, table: string, cols: string[], rows: Iterable<Value[]>, map?: (row: Value[]) => Value[]): Promise<void> {
  // Only the columns and their types (not LIKE's NOT NULLs): the target table checks the rows.
  await client.query(`CREATE TEMP TABLE ${staging} ON COMMIT DROP AS SELECT ${cols.join(', ')} FROM ${table} WITH NO DATA`);
  const copy = client.query(copyStreams.from(`COPY ${staging} (${cols.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(copyChunks(rows, map)), copy);
}

async function applyChanges(client: PoolClient, db: Db, seeded: Seeded): Promise<Map<number, number>> {
  const sqlite = db.sqlite;
  const rowsOf = (sql: string, ...params: unknown[]) => sqlite.prepare(sql).raw().iterate(...params) as IterableIterator<Value[]>;
  const changedIds = (table: string, deleted: 0 | 1) => (sqlite.prepare('SELECT id FROM crm_changed WHERE tbl = ? AND deleted = ? AND id <= ?').pluck().all(table, deleted, seeded.maxId.get(table) ?? 0) as number[]);

  for (const table of RECORD_TABLES) {
    const cols = columnsOf(db, table);
    const max = seeded.maxId.get(table)!;
    // New rows, with the ids the pipeline gave them (consecutive after the largest: the run's id range).
    // Counted first (a rowid range: no scan): an empty staging table is two round trips for nothing.
    const added = sqlite.prepare(`SELECT count(*) FROM ${table} WHERE id > ?`).pluck().get(max) as number;
    if (added) {
      await stage(client, `crm_new_${table}`, table, cols, rowsOf(`SELECT ${cols.join(', ')} FROM ${table} WHERE id > ? ORDER BY id`, max));
      await client.query(`INSERT INTO ${table} (${cols.join(', ')}) OVERRIDING SYSTEM VALUE SELECT ${cols.join(', ')} FROM crm_new_${table}`);
      // The next id crm adds comes after them, as SQLite's rowid does.
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
    }
    if (changedIds(table, 0).length) {
      const set = cols.filter((c) => c !== 'id');
      await stage(client, `crm_changed_${table}`, table, cols, rowsOf(`SELECT ${cols.map((c) => `t.${c}`).join(', ')} FROM ${table} t JOIN crm_changed c ON c.tbl = ? AND c.id = t.id AND c.deleted = 0 WHERE t.id <= ?`, table, max));
      await client.query(`UPDATE ${table} t SET ${set.map((c) => `${c} = s.${c}`).join(', ')} FROM crm_changed_${table} s WHERE t.id = s.id`);
    }
  }
  // Tags: every record whose tags the pipeline touched gets exactly the scratch file's set.
  const touched = sqlite.prepare('SELECT count(*) FROM crm_tagged').pluck().get() as number;
  if (touched) {
    await stage(client, 'crm_tagged', 'tags', ['entity_type', 'entity_id'], rowsOf('SELECT entity_type, entity_id FROM crm_tagged'), (r) => [r[0]!, r[1]!]);
    await client.query('DELETE FROM tags t USING crm_tagged k WHERE t.entity_type = k.entity_type AND t.entity_id = k.entity_id');
    await stage(client, 'crm_new_tags', 'tags', ['entity_type', 'entity_id', 'tag'], rowsOf('SELECT t.entity_type, t.entity_id, t.tag FROM tags t JOIN crm_tagged k USING (entity_type, entity_id)'));
    await client.query('INSERT INTO tags (entity_type, entity_id, tag) SELECT entity_type, entity_id, tag FROM crm_new_tags');
  }
  // Prices, as tags: every product whose price list the pipeline touched gets exactly the scratch file's list.
  if (sqlite.prepare('SELECT count(*) FROM crm_priced').pluck().get()) {
    await stage(client, 'crm_priced', 'product_prices', ['product_id'], rowsOf('SELECT product_id FROM crm_priced'));
    await client.query('DELETE FROM product_prices p USING crm_priced k WHERE p.product_id = k.product_id');
    await stage(client, 'crm_new_prices', 'product_prices', ['product_id', 'currency', 'unit_price_minor'], rowsOf('SELECT p.product_id, p.currency, p.unit_price_minor FROM product_prices p JOIN crm_priced k USING (product_id)'));
    await client.query('INSERT INTO product_prices (product_id, currency, unit_price_minor) SELECT product_id, currency, unit_price_minor FROM crm_new_prices');
  }
  // Deletions (undo), children first.
  for (const table of [...RECORD_TABLES].reverse()) {
    const gone = changedIds(table, 1);
    if (gone.length) await client.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [gone]);
  }

  // Runs: the copied ones (undo) updated in place; new ones appended with the server's next id.
  const runIds = new Map<number, number>();
  const runCols = columnsOf(db, 'import_runs').filter((c) => c !== 'id');
  for (const run of sqlite.prepare('SELECT * FROM import_runs ORDER BY id').all() as Record<string, Value>[]) {
    const id = Number(run.id);
    if (seeded.runs.has(id)) {
      const changed = sqlite.prepare("SELECT 1 FROM crm_changed WHERE tbl = 'import_runs' AND id = ?").get(id);
      if (changed) await client.query(`UPDATE import_runs SET ${runCols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...runCols.map((c) => run[c])]);
      continue;
    }
    const res = await client.query<{ id: number }>(`INSERT INTO import_runs (${runCols.join(', ')}) VALUES (${runCols.map((_c, i) => `$${i + 1}`).join(', ')}) RETURNING id`, runCols.map((c) => run[c]));
    runIds.set(id, Number(res.rows[0]!.id));
  }
  if (runIds.size) {
    const cols = columnsOf(db, 'import_run_rows');
    const runAt = cols.indexOf('run_id');
    const newRuns = [...runIds.keys()];
    await stage(client, 'crm_new_run_rows', 'import_run_rows', cols, rowsOf(`SELECT ${cols.join(', ')} FROM import_run_rows WHERE run_id IN (${newRuns.join(', ')})`), (r) => {
      r[runAt] = runIds.get(Number(r[runAt]))!;
      return r;
    });
    await client.query(`INSERT INTO import_run_rows (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM crm_new_run_rows`);
  }
  // The audit log is appended to (the server numbers the entries); a run's own entry names its server id.
  const auditCols = columnsOf(db, 'audit_log').filter((c) => c !== 'id');
  const entityAt = auditCols.indexOf('entity');
  const idAt = auditCols.indexOf('entity_id');
  if (sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()) {
    await stage(client, 'crm_new_audit', 'audit_log', auditCols, rowsOf(`SELECT ${auditCols.join(', ')} FROM audit_log ORDER BY id`), (r) => {
      if (r[entityAt] === 'import_run') r[idAt] = runIds.get(Number(r[idAt])) ?? r[idAt]!;
      return r;
    });
    await client.query(`INSERT INTO audit_log (${auditCols.join(', ')}) SELECT ${auditCols.join(', ')} FROM crm_new_audit ORDER BY ctid`);
  }
  return runIds;
}
