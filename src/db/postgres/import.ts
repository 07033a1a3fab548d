/**
 * `crm import` and `crm import undo` on PostgreSQL: the one import pipeline (src/csv: decode,
 * map, convert and validate through the domain, match by natural key, per-row outcomes, rejects
 * file, dry run, run history) runs unchanged against a private scratch SQLite file seeded with
 * the rows it reads; only the write step is PostgreSQL's own:
 *
 *   1. BEGIN; LOCK the tables an import reads and writes (SHARE ROW EXCLUSIVE: readers go on,
 *      other writers of those tables wait — what SQLite's BEGIN IMMEDIATE does to the whole file);
 *   2. copy what the pipeline reads into the scratch file (a temporary file: the page cache, not
 *      this process, holds a million rows): the small tables (users, stages, …) whole; a large
 *      one (contacts, companies, deals, …) whole only when it is small, else just the rows the
 *      file can match — the file's lookup texts (src/csv/probe.ts: keys, names, references) are
 *      streamed by COPY into a TEMP table and joined — and its last row (new rows get the ids
 *      the server would give next); an undo copies the rows of its run. Triggers then record
 *      every row the pipeline updates, deletes or re-tags there;
 *   3. run the pipeline (importFile / undoImportRun) on the scratch file;
 *   4. write what changed back to PostgreSQL set-based: new rows COPYed straight into their
 *      table (with the ids the pipeline gave them, so the run's id range and `import undo` work
 *      as on SQLite); changed rows COPYed into TEMP staging, then one UPDATE … FROM per table;
 *      one DELETE per table (undo); tags replaced per touched record; the run, its rows, the
 *      audit entries and the outbox events (import.finished) appended; COMMIT. All-or-nothing:
 *      any failure rolls back.
 *
 * The locks are taken before the snapshot is read (READ COMMITTED), so nothing changes under the
 * import while it runs and no serialization failure can arrive after the file was read; a
 * deadlock while waiting for the locks is retried like any other write (postgres/transaction.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import type { PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import { ConflictError } from '../../errors.js';
import type { Session } from '../../domain/session.js';
import { importFile, type FileResult, type ImportOptions, type PreparedFile } from '../../csv/importer.js';
import { ENTITIES, type EntityName } from '../../csv/entities.js';
import { lookupTexts } from '../../csv/probe.js';
import { undoImportRun, type UndoResult } from '../../csv/undo.js';
import { openDatabase, type Db } from '../sqlite.js';
import { isRetryablePgError, translatePgError } from './errors.js';
import { backoffMs, MAX_ATTEMPTS, sleep } from './transaction.js';
import type { PgDb } from './types.js';
import { MOVES_COLUMNS, primarySyncStatements } from '../primary-company.js';

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
const LOCKED = [...RECORD_TABLES, 'tags', 'product_prices', 'contact_companies'];

type Value = string | number | bigint | null;

/** CRM_PG_IMPORT_TRACE=1: the seconds each step took, on stderr (for profiling; bench/cases/import-postgres.mjs). */
let traced = 0;
function trace(step?: string): void {
  if (!process.env.CRM_PG_IMPORT_TRACE) return;
  const now = performance.now();
  if (step) process.stderr.write(`pg import: ${step} ${((now - traced) / 1000).toFixed(2)} s\n`);
  traced = now;
}

export async function importFileOnPostgres(db: PgDb, s: Session, prepared: PreparedFile, opts: ImportOptions): Promise<FileResult> {
  const plan: SeedPlan = { runs: [], reads: READS[opts.entity], nameMatch: Boolean(opts.match?.includes('name')), entity: opts.entity, lookups: () => lookupTexts(prepared.reader.file, prepared.mapping, opts) };
  return withScratch(db, plan, async (scratch) => {
    const stream = streams(opts, prepared) ? await scratch.stream(ENTITIES[opts.entity].table) : undefined;
    let res: FileResult;
    try {
      res = await importFile(scratch.db, s, prepared, stream ? { ...opts, checkpoint: stream.checkpoint } : opts);
    } catch (err) {
      await stream?.abort(err as Error);
      throw err;
    }
    await stream?.finish(res.committed);
    trace('pipeline on the scratch file');
    const runIds = await scratch.apply();
    trace('written to PostgreSQL');
    if (res.runId !== null) res.runId = runIds.get(res.runId) ?? res.runId;
    return res;
  });
}

export async function undoImportRunOnPostgres(db: PgDb, s: Session, runId: number): Promise<UndoResult> {
  return withScratch(db, { runs: [runId], reads: PICKABLE, nameMatch: false }, async (scratch) => {
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
  /** Send the table's new rows to PostgreSQL while the pipeline runs (see NewRowStream). */
  stream(table: string): Promise<NewRowStream>;
}

/**
 * Whether an import's new rows may go to the server while its pipeline runs: only when they
 * cannot point at a record the same run creates on the side (a contact's new company, a user
 * made by --create-missing, a ticket's new requester) — those reach the server only at the end.
 * Children the run adds (stage history, ticket events) are written at the end, after their parents.
 */
function streams(opts: ImportOptions, prepared: PreparedFile): boolean {
  if (opts.dryRun || opts.createMissing.size > 0) return false;
  if (opts.entity === 'contacts') return !prepared.mapping.fields.has('company');
  return opts.entity === 'companies' || opts.entity === 'deals' || opts.entity === 'activities';
}

/**
 * New rows of one table COPYed to the server while the pipeline writes the next ones into the
 * scratch file (the server's share — COPY parsing, index upkeep — is most of an import's time,
 * and it runs on another core meanwhile). At each checkpoint the rows written since the last one
 * are handed to one open COPY; the pipeline waits only when the server is 8 MB behind. A row
 * the pipeline updates after it was sent is updated again at the end (its id is in crm_changed);
 * a file refused whole rolls the sent rows back to a savepoint.
 */
interface NewRowStream {
  checkpoint(): Promise<void>;
  /** The last rows, then the COPY's end; when the pipeline rolled back, the savepoint undoes what was sent. */
  finish(committed: boolean): Promise<void>;
  /** The pipeline failed: cancel the COPY (CopyFail), so the connection can roll back. */
  abort(err: Error): Promise<void>;
}

async function streamNewRows(client: PoolClient, db: Db, seeded: Seeded, table: string): Promise<NewRowStream> {
  await client.query('SAVEPOINT crm_stream');
  const cols = columnsOf(db, table);
  const idAt = cols.indexOf('id');
  const copy = client.query(copyStreams.from(`COPY ${table} (${cols.join(', ')}) FROM STDIN`, { highWaterMark: 8 << 20 }));
  const done = finished(copy);
  done.catch(() => undefined); // awaited below; an early failure is reported at the next checkpoint
  let failure: Error | undefined;
  copy.on('error', (err) => (failure ??= err));
  const select = db.sqlite.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE id > ? ORDER BY id`).raw();
  let sent = seeded.maxId.get(table)!;
  const send = async () => {
    if (failure) throw failure;
    let chunk = '';
    for (const row of select.iterate(sent) as IterableIterator<Value[]>) {
      for (let i = 0; i < row.length; i++) chunk += (i ? '\t' : '') + copyValue(row[i]!);
      chunk += '\n';
      sent = Number(row[idAt]);
    }
    if (chunk && !copy.write(chunk)) await once(copy, 'drain');
    // Let the socket take what is buffered while the pipeline goes on.
    else await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    checkpoint: send,
    async finish(committed) {
      if (committed) await send();
      copy.end();
      await done;
      if (failure) throw failure;
      if (committed) seeded.streamed.set(table, sent);
      else await client.query('ROLLBACK TO SAVEPOINT crm_stream');
    },
    async abort(err) {
      copy.destroy(err);
      await done.catch(() => undefined);
    },
  };
}

async function withScratch<T>(pg: PgDb, plan: SeedPlan, fn: (scratch: Scratch) => Promise<T>): Promise<T> {
  const client = await pg.pool.connect();
  const dir = mkdtempSync(join(tmpdir(), 'crm-pg-import-'));
  let db: Db | undefined;
  try {
    trace();
    await lockTables(client);
    trace('locks');
    db = openDatabase(join(dir, 'scratch.db'), { journal: 'delete' });
    const sqlite = db.sqlite;
    sqlite.pragma('journal_mode = MEMORY');
    sqlite.pragma('synchronous = OFF');
    // Only the tables an import touches are copied: references to others are PostgreSQL's to check.
    sqlite.pragma('foreign_keys = OFF');
    const seeded = await seed(client, db, plan);
    trace('scratch file seeded');
    const scratchDb = db;
    const result = await fn({ db: scratchDb, apply: () => applyChanges(client, scratchDb, seeded), stream: (table) => streamNewRows(client, scratchDb, seeded, table) });
    await client.query('COMMIT');
    trace('commit');
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
  /** The largest id on the server per record table (copied with its row): larger ids in the scratch file are new rows. */
  maxId: Map<string, number>;
  /** The import runs copied (undo): the others in the scratch file are new. */
  runs: Set<number>;
  /** The last id already sent to the server by a NewRowStream, per table (rows up to it are not new there). */
  streamed: Map<string, number>;
}

/** What the scratch file needs: the runs an undo reverts; for an import, the tables it reads and its lookup texts. */
interface SeedPlan {
  runs: number[];
  /** The large tables the pipeline reads (others get only their last row, which fixes the next id). */
  reads: readonly string[];
  /** --match name: records are looked up by folded name or title. */
  nameMatch: boolean;
  entity?: EntityName;
  /** The file's lookup texts (src/csv/probe.ts), read only when some table read is large. */
  lookups?: () => Iterable<string>;
}

/** Record tables that may hold millions of rows: copied whole only when small. */
const PICKABLE = ['companies', 'contacts', 'deals', 'tickets', 'activities', 'deal_stage_history', 'ticket_events'] as const;

/** The large tables each import reads (its own, and those its references resolve in). */
const READS: Record<EntityName, readonly string[]> = {
  users: [],
  companies: ['companies'],
  contacts: ['contacts', 'companies'],
  deals: ['deals', 'companies', 'contacts'],
  tickets: ['tickets', 'companies', 'contacts'],
  activities: ['activities', 'companies', 'contacts', 'deals'],
  products: [],
};

const TAG_TYPES: Record<string, string> = { contacts: 'contact', companies: 'company', deals: 'deal', tickets: 'ticket' };

/**
 * A read table at or below this many rows is copied whole (cheaper than reading the file twice);
 * above it only the rows the file's lookup texts can match. CRM_PG_IMPORT_COPY_ALL_ROWS changes it
 * (the tests set 0, so every import takes the selective path).
 */
function copyAllRows(): number {
  const n = Number(process.env.CRM_PG_IMPORT_COPY_ALL_ROWS);
  return Number.isFinite(n) && process.env.CRM_PG_IMPORT_COPY_ALL_ROWS !== '' && n >= 0 ? n : 20_000;
}

/**
 * The rows of a large table a file can match: its keys (email, external id), its names (folded
 * when the pipeline folds them), and the exact texts rows without a key are matched by content.
 */
function pickWhere(table: string, plan: SeedPlan): string {
  const p = '(SELECT v FROM crm_probe)';
  const folded = (expr: string) => ` OR crm_fold(${expr}) IN ${p}`;
  switch (table) {
    case 'companies':
      return `external_id IN ${p} OR name_fold IN ${p} OR lower(domain) IN ${p}`;
    case 'contacts':
      // Other imports resolve contacts by folded full name (requesters, an activity's contact).
      return `email_norm IN ${p} OR external_id IN ${p} OR first_name || chr(1) || last_name IN ${p}` + (plan.entity !== 'contacts' || plan.nameMatch ? folded("first_name || ' ' || last_name") : '');
    case 'deals':
      return `external_id IN ${p} OR title IN ${p}` + (plan.entity === 'activities' || plan.nameMatch ? folded('title') : '');
    case 'tickets':
      return `external_id IN ${p} OR subject IN ${p}` + (plan.nameMatch ? folded('subject') : '');
    case 'activities':
      return `external_id IN ${p} OR subject IN ${p}`;
    default:
      return 'false';
  }
}

/**
 * The rows an undo reads: what the run created (its id ranges and side creations, their events),
 * what it updated, and the events it added to updated records.
 */
function undoWhere(table: string): string {
  const rows = `FROM import_run_rows r WHERE r.run_id = ANY($1)`;
  const own = `id IN (SELECT r.entity_id ${rows} AND r.outcome IN ('updated', 'created') AND r.before::jsonb->>'table' = '${table}')
    OR EXISTS (SELECT 1 ${rows} AND r.outcome = 'created_range' AND r.before::jsonb->>'table' = '${table}' AND ${table}.id BETWEEN r.entity_id AND (r.before::jsonb->>'last')::bigint)
    OR id IN (SELECT (e->>'id')::bigint ${rows.replace('WHERE', ", jsonb_array_elements(coalesce(r.before::jsonb->'events', '[]'::jsonb)) e WHERE")} AND r.outcome = 'updated' AND e->>'table' = '${table}')`;
  const parent = table === 'deal_stage_history' ? ['deals', 'deal_id'] : table === 'ticket_events' ? ['tickets', 'ticket_id'] : undefined;
  if (!parent) return own;
  return `${own} OR EXISTS (SELECT 1 ${rows} AND r.outcome = 'created_range' AND r.before::jsonb->>'table' = '${parent[0]}' AND ${table}.${parent[1]} BETWEEN r.entity_id AND (r.before::jsonb->>'last')::bigint)`;
}

function columnsOf(db: Db, table: string): string[] {
  return (db.sqlite.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
}

/**
 * Copy what the pipeline reads into the scratch file, then watch it: the small tables (users,
 * stages, …) whole; each large one whole when small, else only the rows the file can match (an
 * undo: the rows of its run), and always its last row (the next id is the server's next id); the
 * tags of the records copied; the enabled rules (import.finished is written by the pipeline).
 */
async function seed(client: PoolClient, db: Db, plan: SeedPlan): Promise<Seeded> {
  const sqlite = db.sqlite;
  const maxId = new Map<string, number>();
  // The scratch file's own first rows (the default pipeline, …) make way for the server's.
  for (const table of [...LOCKED, 'import_runs', 'import_run_rows', 'audit_log', 'lost_reasons', 'rules', 'events']) sqlite.exec(`DELETE FROM ${table}`);
  // Through a cursor, 20,000 rows at a time: a large selection never sits in this process whole.
  const load = async (table: string, from: string, params: unknown[] = []) => {
    const cols = columnsOf(db, table);
    const insert = sqlite.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    await client.query({ text: `DECLARE crm_seed NO SCROLL CURSOR FOR SELECT ${cols.join(', ')} ${from}`, values: params });
    for (;;) {
      const res = await client.query({ text: 'FETCH 20000 FROM crm_seed', rowMode: 'array' });
      if (res.rows.length === 0) break;
      sqlite.transaction(() => {
        for (const row of res.rows as Value[][]) insert.run(row);
      })();
    }
    await client.query('CLOSE crm_seed');
  };
  const copyAll = plan.runs.length ? Infinity : copyAllRows();
  const large = new Set<string>();
  if (plan.reads.length) {
    const res = await client.query({ text: `SELECT ${plan.reads.map((t) => `(SELECT count(*) FROM (SELECT 1 FROM ${t} LIMIT ${Number.isFinite(copyAll) ? copyAll + 1 : 'ALL'}) x)`).join(', ')}`, rowMode: 'array' });
    plan.reads.forEach((t, i) => {
      if (Number((res.rows[0] as Value[])[i]) > copyAll) large.add(t);
    });
  }
  if (plan.runs.length) for (const t of PICKABLE) large.add(t);
  if (large.size && plan.lookups) {
    // The file's lookup texts, streamed (each once per row; the server keeps one of each).
    await client.query('CREATE TEMP TABLE crm_probe_rows (v text) ON COMMIT DROP');
    const texts = plan.lookups;
    const rows = function* () {
      for (const v of texts()) yield [v];
    };
    await pipeline(Readable.from(copyChunks(rows())), client.query(copyStreams.from('COPY crm_probe_rows (v) FROM STDIN')));
    await client.query('CREATE TEMP TABLE crm_probe ON COMMIT DROP AS SELECT DISTINCT v FROM crm_probe_rows');
    await client.query('ANALYZE crm_probe');
  }
  const ids = new Map<string, string>(); // table → a query of the ids copied
  for (const table of RECORD_TABLES) {
    const max = await client.query({ text: `SELECT coalesce(max(id), 0) FROM ${table}`, rowMode: 'array' });
    maxId.set(table, Number((max.rows[0] as Value[])[0]));
    const pickable = (PICKABLE as readonly string[]).includes(table);
    if (!pickable || (plan.reads.includes(table) && !large.has(table))) {
      await load(table, `FROM ${table} ORDER BY id`);
      ids.set(table, `SELECT id FROM ${table}`);
      continue;
    }
    const where = plan.runs.length ? undoWhere(table) : plan.reads.includes(table) ? pickWhere(table, plan) : 'false';
    await client.query({ text: `CREATE TEMP TABLE crm_pick_${table} ON COMMIT DROP AS SELECT id FROM ${table} WHERE ${where} UNION SELECT max(id) FROM ${table}`, values: plan.runs.length ? [plan.runs] : [] });
    await load(table, `FROM ${table} WHERE id IN (SELECT id FROM crm_pick_${table}) ORDER BY id`);
    ids.set(table, `SELECT id FROM crm_pick_${table}`);
  }
  for (const [table, type] of Object.entries(TAG_TYPES)) await load('tags', `FROM tags WHERE entity_type = '${type}' AND entity_id IN (${ids.get(table)})`);
  await load('rules', 'FROM rules WHERE enabled = 1');
  await load('product_prices', 'FROM product_prices');
  if (plan.runs.length) {
    await load('import_runs', 'FROM import_runs WHERE id = ANY($1)', [plan.runs]);
    await load('import_run_rows', 'FROM import_run_rows WHERE run_id = ANY($1)', [plan.runs]);
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
  return { maxId, runs: new Set(plan.runs), streamed: new Map() };
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

/**
 * Contacts whose primary company or role the pipeline changed (the scratch file's crm_moves, see
 * Run.syncPrimaryMoves): the memberships rule of src/db/primary-company.ts, the same
 * statements, runs here set-based over them, after the contacts were written.
 */
async function applyPrimaryMoves(client: PoolClient, db: Db): Promise<void> {
  const sqlite = db.sqlite;
  const exists = sqlite.prepare("SELECT count(*) FROM sqlite_temp_master WHERE name = 'crm_moves_clock'").pluck().get() as number;
  if (!exists) return;
  const moves = sqlite.prepare('SELECT contact_id, from_company, from_role, role_given FROM temp.crm_moves').raw().all() as Value[][];
  if (!moves.length) return;
  const clock = sqlite.prepare('SELECT today, at FROM temp.crm_moves_clock').get() as { today: string; at: string };
  await client.query(`CREATE TEMP TABLE crm_moves ${MOVES_COLUMNS} ON COMMIT DROP`);
  await pipeline(Readable.from(copyChunks(moves)), client.query(copyStreams.from('COPY crm_moves (contact_id, from_company, from_role, role_given) FROM STDIN')));
  for (const statement of primarySyncStatements(clock.today, clock.at)) await client.query(statement);
  trace(`memberships: ${moves.length} contacts moved`);
}

async function applyChanges(client: PoolClient, db: Db, seeded: Seeded): Promise<Map<number, number>> {
  const sqlite = db.sqlite;
  const rowsOf = (sql: string, ...params: unknown[]) => sqlite.prepare(sql).raw().iterate(...params) as IterableIterator<Value[]>;
  // Rows up to `onServer` are on the server (copied from it, or streamed there during the pipeline).
  const onServer = (table: string) => seeded.streamed.get(table) ?? seeded.maxId.get(table) ?? 0;
  const changedIds = (table: string, deleted: 0 | 1) => (sqlite.prepare('SELECT id FROM crm_changed WHERE tbl = ? AND deleted = ? AND id <= ?').pluck().all(table, deleted, onServer(table)) as number[]);

  for (const table of RECORD_TABLES) {
    const cols = columnsOf(db, table);
    const max = onServer(table);
    // New rows, with the ids the pipeline gave them (consecutive after the largest: the run's id range).
    // Counted first (a rowid range: no scan): an empty staging table is two round trips for nothing.
    const added = sqlite.prepare(`SELECT count(*) FROM ${table} WHERE id > ?`).pluck().get(max) as number;
    if (added) {
      // Straight into the table (COPY writes the identity values given): no staging table to fill and read again.
      await pipeline(Readable.from(copyChunks(rowsOf(`SELECT ${cols.join(', ')} FROM ${table} WHERE id > ? ORDER BY id`, max))), client.query(copyStreams.from(`COPY ${table} (${cols.join(', ')}) FROM STDIN`)));
      trace(`${table}: ${added} new rows by COPY`);
    }
    if (added || seeded.streamed.has(table)) {
      // The next id crm adds comes after them, as SQLite's rowid does.
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
    }
    if (changedIds(table, 0).length) {
      const set = cols.filter((c) => c !== 'id');
      await stage(client, `crm_changed_${table}`, table, cols, rowsOf(`SELECT ${cols.map((c) => `t.${c}`).join(', ')} FROM ${table} t JOIN crm_changed c ON c.tbl = ? AND c.id = t.id AND c.deleted = 0 WHERE t.id <= ?`, table, max));
      await client.query(`UPDATE ${table} t SET ${set.map((c) => `${c} = s.${c}`).join(', ')} FROM crm_changed_${table} s WHERE t.id = s.id`);
    }
  }
  await applyPrimaryMoves(client, db);
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
  // The outbox (import.finished, written by the pipeline for the enabled rules copied): appended
  // in this transaction, as on SQLite, naming the run by its server id.
  const eventCols = columnsOf(db, 'events').filter((c) => c !== 'id');
  const eventEntityAt = eventCols.indexOf('entity');
  const eventIdAt = eventCols.indexOf('entity_id');
  if (sqlite.prepare('SELECT count(*) FROM events').pluck().get()) {
    await stage(client, 'crm_new_events', 'events', eventCols, rowsOf(`SELECT ${eventCols.join(', ')} FROM events ORDER BY id`), (r) => {
      if (r[eventEntityAt] === 'import_run') r[eventIdAt] = runIds.get(Number(r[eventIdAt])) ?? r[eventIdAt]!;
      return r;
    });
    await client.query(`INSERT INTO events (${eventCols.join(', ')}) SELECT ${eventCols.join(', ')} FROM crm_new_events ORDER BY ctid`);
  }
  return runIds;
}
