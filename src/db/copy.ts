/**
 * `crm db copy FROM TO`: a whole database from one engine to the other (SQLite → PostgreSQL when
 * a team moves to a server, and back), ids preserved.
 *
 * Generic over the schema, so a table added by a later migration is copied without touching this
 * file: the table list, columns, keys and foreign keys are read from a SQLite schema built in
 * memory by the shipped migrations (PostgreSQL's twin has the same tables and columns, checked by
 * test/db/postgres/engine.test.ts). Tables are filled in foreign-key order; a foreign key to the
 * table itself (contacts.referred_by_id, activities.follow_up_of_id) or to a table filled later
 * (a cycle) is written as NULL first and set once every row is in.
 *
 * The target is migrated first; the rows the migrations seed (default pipeline, stages, lost
 * reasons, SLA policy …) are not user data: a target that holds nothing else counts as empty and
 * its seeded rows are replaced by the source's. Anything else in the target and the copy is
 * refused before a row is written. The whole copy is one write transaction on the target (all or
 * nothing), read from one snapshot of the source; on PostgreSQL the identity sequences are moved
 * past the copied ids in the same transaction.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AnyDb } from './engine.js';
import { migrations as shippedMigrations } from './migrations/index.js';
import type { Database } from './schema.js';
import { openDatabase } from './sqlite.js';
import { writeTransaction, type Trx } from './transaction.js';
import { UserError } from '../errors.js';

export interface CopyTable {
  name: string;
  /** Every stored column (generated ones left out), in schema order. */
  columns: string[];
  /** The primary key's columns: the order rows are read in (keyset pages). */
  key: string[];
  /** Foreign-key columns written as NULL first and set after every table is filled. */
  deferred: string[];
}

/** Tables that belong to the engine's own bookkeeping, never copied. */
const ENGINE_TABLES = /^(sqlite_|schema_migrations$)/;

/** Columns the migrations fill with the time they ran: a seeded row differs there from database to database. */
const SEED_TIME_COLUMNS = new Set(['created_at', 'updated_at']);

let reference: { plan: CopyTable[]; seeds: Map<string, unknown[][]> } | undefined;

/** The copy plan and the seeded rows, from a SQLite schema the shipped migrations build in memory. */
function referenceSchema(): { plan: CopyTable[]; seeds: Map<string, unknown[][]> } {
  if (reference) return reference;
  const mem = openDatabase(':memory:', { migrations: shippedMigrations });
  try {
    // Ordinary tables only: a virtual table (an FTS5 index such as kb_search) and its shadow
    // tables are derived data, rebuilt on the target after the copy (rebuildDerived).
    const names = (mem.sqlite.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' ORDER BY name").pluck().all() as string[]).filter((n) => !ENGINE_TABLES.test(n));
    const info = new Map<string, { columns: string[]; key: string[]; fks: { from: string; table: string }[]; notNull: Set<string> }>();
    for (const name of names) {
      const cols = mem.sqlite.prepare(`PRAGMA table_xinfo(${quote(name)})`).all() as { name: string; pk: number; hidden: number; notnull: number }[];
      const fks = mem.sqlite.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as { from: string; table: string }[];
      const stored = cols.filter((c) => c.hidden === 0);
      const key = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      if (key.length === 0) throw new Error(`db copy: table ${name} has no primary key to read it in order by`);
      info.set(name, { columns: stored.map((c) => c.name), key, fks: fks.map((f) => ({ from: f.from, table: f.table })), notNull: new Set(cols.filter((c) => c.notnull).map((c) => c.name)) });
    }
    // Foreign-key order: a table after the tables it references; in a cycle, the table with the
    // fewest unmet references goes first and defers those columns — one whose unmet references
    // can all be NULL for a while (a NOT NULL link, e.g. contact_companies.contact_id, cannot).
    const plan: CopyTable[] = [];
    const placed = new Set<string>();
    while (placed.size < names.length) {
      const waiting = names.filter((n) => !placed.has(n));
      const unmet = (n: string) => info.get(n)!.fks.filter((f) => f.table !== n && !placed.has(f.table)).length;
      const deferrable = (n: string) => info.get(n)!.fks.every((f) => f.table === n || placed.has(f.table) || !info.get(n)!.notNull.has(f.from));
      const byUnmet = [...waiting].sort((a, b) => Number(deferrable(b)) - Number(deferrable(a)) || unmet(a) - unmet(b));
      const next = waiting.find((n) => unmet(n) === 0) ?? byUnmet[0]!;
      const t = info.get(next)!;
      const deferred = [...new Set(t.fks.filter((f) => f.table === next || !placed.has(f.table)).map((f) => f.from))];
      plan.push({ name: next, columns: t.columns, key: t.key, deferred });
      placed.add(next);
    }
    const seeds = new Map<string, unknown[][]>();
    for (const t of plan) {
      const rows = mem.sqlite.prepare(`SELECT ${seedColumns(t).map(quote).join(', ')} FROM ${quote(t.name)} ORDER BY ${t.key.map(quote).join(', ')}`).raw().all() as unknown[][];
      if (rows.length) seeds.set(t.name, rows);
    }
    reference = { plan, seeds };
    return reference;
  } finally {
    mem.close();
  }
}

/** The tables crm db copy copies, in the order it fills them. */
export function copyPlan(): CopyTable[] {
  return referenceSchema().plan;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function seedColumns(t: CopyTable): string[] {
  return t.columns.filter((c) => !SEED_TIME_COLUMNS.has(c));
}

/** A value as both engines compare it: JSON documents by content (the twins seed them with different spacing). */
function comparable(value: unknown): unknown {
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return canonicalJson(JSON.parse(value));
    } catch {
      return value;
    }
  }
  return value;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

type AnyKysely = Kysely<Database> | Trx;

const ref = (name: string) => sql.ref(name);
const list = (names: string[]) => sql.join(names.map(ref));

/** One page of a table in key order, after `after` (a key tuple), as arrays in `columns` order. */
async function readPage(k: AnyKysely, t: CopyTable, columns: string[], after: unknown[] | undefined, limit: number): Promise<unknown[][]> {
  const where: RawBuilder<unknown> = after ? sql`WHERE (${list(t.key)}) > (${sql.join(after.map((v) => sql`${v}`))})` : sql``;
  const res = await sql<Record<string, unknown>>`SELECT ${list(columns)} FROM ${sql.table(t.name)} ${where} ORDER BY ${list(t.key)} LIMIT ${limit}`.execute(k);
  return res.rows.map((r) => columns.map((c) => r[c] ?? null));
}

/**
 * The first table of `db` that holds a row the user put there (undefined: none). A table the
 * migrations seed holds user data when its rows are not exactly the seed (timestamps aside).
 */
export async function tableWithUserData(k: AnyKysely): Promise<string | undefined> {
  const { plan, seeds } = referenceSchema();
  for (const t of plan) {
    const seed = seeds.get(t.name) ?? [];
    const rows = await readPage(k, t, seedColumns(t), undefined, seed.length + 1);
    if (rows.length !== seed.length) return t.name;
    const same = rows.every((row, i) => row.every((v, j) => comparable(v) === comparable(seed[i]![j])));
    if (!same) return t.name;
  }
  return undefined;
}

export interface CopyResult {
  tables: { table: string; rows: number }[];
  rows: number;
}

/** Rows per INSERT: well under SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const PARAMETERS_PER_INSERT = 20_000;
const PAGE = 2_000;

/**
 * Copy every table of `from` into `to` (both migrated to the same, latest schema). Refuses a
 * target holding user data (`shownTo` names it). One read snapshot of the source, one write
 * transaction on the target.
 */
export async function copyDatabase(from: AnyDb, to: AnyDb, shownTo: string): Promise<CopyResult> {
  const plan = copyPlan();
  const read = from.engine === 'postgres' ? from.kysely.transaction().setIsolationLevel('repeatable read').setAccessMode('read only') : from.kysely.transaction();
  return read.execute(async (source) =>
    writeTransaction(to, async (target) => {
      const busy = await tableWithUserData(target);
      if (busy) {
        throw new UserError(
          `${shownTo} already holds data (${busy}); crm db copy fills an empty database only.`,
          'Copy into a new database: a new file, or CREATE DATABASE crm_new and its URL (then crm db migrate is not needed: the copy migrates it).',
          'not_empty',
        );
      }
      // The seeded rows go: the source's own (perhaps renamed stages, its own policies) replace them.
      for (const t of [...plan].reverse()) {
        if (t.deferred.length) await sql`UPDATE ${sql.table(t.name)} SET ${sql.join(t.deferred.map((c) => sql`${ref(c)} = NULL`))}`.execute(target);
      }
      for (const t of [...plan].reverse()) await sql`DELETE FROM ${sql.table(t.name)}`.execute(target);

      const tables: { table: string; rows: number }[] = [];
      const later: { t: CopyTable; key: unknown[]; values: unknown[] }[] = [];
      for (const t of plan) {
        const deferredAt = t.deferred.map((c) => t.columns.indexOf(c));
        const keyAt = t.key.map((c) => t.columns.indexOf(c));
        const perInsert = Math.max(1, Math.floor(PARAMETERS_PER_INSERT / t.columns.length));
        let count = 0;
        let after: unknown[] | undefined;
        for (;;) {
          const rows = await readPage(source, t, t.columns, after, PAGE);
          if (rows.length === 0) break;
          after = keyAt.map((i) => rows[rows.length - 1]![i]);
          const values = rows.map((row) => {
            if (!deferredAt.length) return row;
            const own = deferredAt.map((i) => row[i]);
            if (own.some((v) => v !== null)) later.push({ t, key: keyAt.map((i) => row[i]), values: own });
            return row.map((v, i) => (deferredAt.includes(i) ? null : v));
          });
          for (let i = 0; i < values.length; i += perInsert) {
            const chunk = values.slice(i, i + perInsert);
            await insertRows(target, t, chunk);
          }
          count += rows.length;
          if (rows.length < PAGE) break;
        }
        tables.push({ table: t.name, rows: count });
      }
      for (const { t, key, values } of later) {
        await sql`UPDATE ${sql.table(t.name)} SET ${sql.join(t.deferred.map((c, i) => sql`${ref(c)} = ${values[i]}`))} WHERE (${list(t.key)}) = (${sql.join(key.map((v) => sql`${v}`))})`.execute(target);
      }
      if (to.engine === 'postgres') {
        const { resetIdentitySequences } = await import('./postgres/sequences.js');
        await resetIdentitySequences(target);
      }
      await rebuildDerived(target, to.engine);
      return { tables, rows: tables.reduce((n, t) => n + t.rows, 0) };
    }),
  );
}

/** What the target derives from the copied rows: the knowledge base's search index (SQLite's FTS5 tables). */
async function rebuildDerived(target: Trx, engine: AnyDb['engine']): Promise<void> {
  const { indexKbArticle } = await import('./kb-search.js');
  const articles = await target.selectFrom('kb_articles').select(['id', 'title', 'body', 'archived_at']).execute();
  for (const a of articles) await indexKbArticle(target, engine, { id: a.id, title: a.title, body: a.body, live: a.archived_at === null });
}

async function insertRows(target: Trx, t: CopyTable, rows: unknown[][]): Promise<void> {
  const tuples = rows.map((row) => sql`(${sql.join(row.map((v) => sql`${v}`))})`);
  try {
    await sql`INSERT INTO ${sql.table(t.name)} (${list(t.columns)}) VALUES ${sql.join(tuples)}`.execute(target);
  } catch (err) {
    const e = err as { message?: string; code?: string };
    // A value one engine accepts and the other refuses (a malformed date in a SQLite file, say): name the table.
    if (e.code && /^(22|23)/.test(e.code)) {
      throw new UserError(`Cannot copy table ${t.name}: ${e.message}`, 'Nothing was copied. Fix the row in the source (crm db check) and run crm db copy again.', 'copy_failed');
    }
    throw err;
  }
}
