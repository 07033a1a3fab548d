/**
 * The import engine: rows → (convert, validate) → match by natural key → created / updated /
 * unchanged / rejected → written with cached better-sqlite3 statements.
 *
 * One file is one BEGIN IMMEDIATE transaction: rows are read, checked and written inside it
 * and, when any row is invalid (without --skip-invalid) or on --dry-run, the whole file is
 * rolled back — all-or-nothing without a second pass over the file, and the outcomes a dry run
 * reports are exactly what a real run does. The next file is read only after the commit.
 *
 * Every committed run is recorded in import_runs; import_run_rows holds the before-values of
 * every updated record, each record created on the side (a company, a user, a requester) and
 * the id range of the records the run created, so `crm import undo` can revert it.
 */
import { homeCurrency } from '../domain/settings.js';
import { toDefinition, type DefRow, type FieldDefinition } from '../domain/custom-fields.js';
import type { Statement } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { closeSync, statSync, writeSync } from 'node:fs';
import { openPrivateFile } from '../output/files.js';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/sqlite.js';
import type { AnyDb } from '../db/engine.js';
import { beginImmediateSync, commitSync } from '../db/transaction.js';
import { writeEventsSync } from '../db/outbox.js';
import type { Session } from '../domain/session.js';
import { todayIn } from '../domain/period.js';
import { MOVES_COLUMNS, primarySyncStatements, type PrimaryMove } from '../db/primary-company.js';
import { UsageError, UserError } from '../errors.js';
import { resolveStage } from '../domain/pipelines.js';
import type { DateOrder, DateReading } from './dates.js';
import { buildMapping, describeMapping, type Mapping, type UserMapping, type ValueMap } from './mapping.js';
import { detectPreset, PRESETS, type PresetName } from './presets.js';
import { ROWS_PENDING, TableReader, type RowSource } from './reader.js';
import { ThreadedTableReader, workerScript } from './threaded-reader.js';
import type { KeyColumns } from './key-cells.js';
import { hashKey, IntSet } from './key-hash.js';
import { isMissing, MappedRow, RowError } from './row.js';
import { ENTITIES, type Converted, type EntityName, type EntitySpec, type MatchKey } from './entities.js';

export type Mode = 'create' | 'update' | 'upsert';
export type CreateMissing = 'users' | 'companies' | 'contacts';
/** What an empty cell means for a record that exists: no value given (keep), or clear the field. */
export type EmptyCells = 'keep' | 'clear';

export interface ImportOptions {
  entity: EntityName;
  map: UserMapping[];
  mapStage: Map<string, string>;
  currency?: string;
  /** crm config's currency: a new deal with no amount and no currency gets it (set by importInto). */
  homeCurrency?: string;
  dateOrder?: DateOrder;
  /** --from: the product whose export this is (src/csv/presets.ts); else detected from the header. */
  from?: PresetName;
  /** --map-status, --map-lifecycle, --map-value: value translations before the preset's. */
  valueMaps?: ValueMap[];
  /** --calendar persian and --century-pivot: how dates beyond their order are read. */
  dateReading?: DateReading;
  match?: MatchKey[];
  mode: Mode;
  /** --empty: keep (default) leaves a stored value alone when the cell is empty; clear empties it. */
  empty: EmptyCells;
  dryRun: boolean;
  skipInvalid: boolean;
  rejectsPath?: string;
  /** Replace an existing rejects file (--force). */
  replaceRejects?: boolean;
  createMissing: Set<CreateMissing>;
  encoding?: string;
  delimiter?: string;
  repColumn?: string;
  /** Keep every row's outcome (for --json); otherwise only updates and rejections. */
  keepAllRows: boolean;
  progress?: (done: number, total: number) => void;
  /**
   * Awaited every 2,000 rows, between rows (PostgreSQL sends the rows written so far on while
   * the pipeline goes on: src/db/postgres/import.ts).
   */
  checkpoint?: () => Promise<void>;
}

export interface RowIssue {
  column: string;
  value: string;
  reason: string;
}

export interface RowOutcome {
  row: number;
  outcome: 'created' | 'updated' | 'unchanged' | 'rejected';
  id?: number;
  key?: string;
  changes?: string[];
  /** The changed fields that an empty cell clears (--empty clear). */
  cleared?: string[];
  error?: RowIssue;
  note?: string;
}

export interface FileResult {
  file: string;
  entity: EntityName;
  runId: number | null;
  dryRun: boolean;
  committed: boolean;
  encoding: string;
  delimiter: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** All-empty records (a spreadsheet's trailing ",,,"): skipped, not counted in rows. */
  skippedEmpty: number;
  /** Stored values left as they were because the file's cell was empty (--empty keep). */
  keptEmpty: number;
  createdReferences: { users: string[]; companies: string[]; contacts: number };
  mapping: { column: string; field: string }[];
  customColumns: string[];
  /** Values kept in a weaker form (e.g. a phone cell that is not a number, kept as a custom field). */
  warnings: (RowIssue & { row: number })[];
  warningCount: number;
  details: RowOutcome[];
  rejectsFile?: string;
}

type SqlValue = string | number | null;
export type Row = Record<string, SqlValue>;

/** What entity converters may call: lookups and side creations inside the import transaction. */
const FIELD_ENTITY_OF: Partial<Record<EntityName, string>> = { contacts: 'contact', companies: 'company', deals: 'deal', tickets: 'ticket', activities: 'activity' };

export class ImportEnv {
  readonly sqlite: Db['sqlite'];
  readonly now: string;
  readonly actor: string;
  readonly timeZone: string;
  readonly opts: ImportOptions;
  readonly createdRefs = { users: [] as string[], companies: [] as string[], contacts: 0 };
  /** Side creations to record for undo: [table, id]. */
  readonly sideCreated: [string, number][] = [];
  private stmts = new Map<string, Statement>();
  private userCache?: { byHandle: Map<string, number>; byName: Map<string, number | null>; byEmail: Map<string, number | null> };
  private companyCache?: { byName: Map<string, number | null>; byExternal: Map<string, number> };
  private fieldCache?: FieldDefinition[];
  private stageCache?: Map<string, { id: number; kind: string; pipelineId: number } | string>;

  constructor(
    readonly db: Db,
    s: Session,
    opts: ImportOptions,
  ) {
    this.sqlite = db.sqlite;
    this.now = s.now().toISOString();
    this.actor = s.actor;
    this.timeZone = s.timeZone;
    this.opts = opts;
  }

  /** The custom fields of the entity being imported (typed columns, checked per cell). */
  fieldDefinitions(): FieldDefinition[] {
    if (!this.fieldCache) {
      const entity = FIELD_ENTITY_OF[this.opts.entity];
      this.fieldCache = entity ? (this.stmt('SELECT entity, name, label, type, choices, required, builtin FROM field_definitions WHERE entity = ? ORDER BY id').all(entity) as DefRow[]).map(toDefinition) : [];
    }
    return this.fieldCache;
  }

  stmt(sql: string): Statement {
    let st = this.stmts.get(sql);
    if (!st) {
      st = this.sqlite.prepare(sql);
      this.stmts.set(sql, st);
    }
    return st;
  }

  private loadUsers() {
    if (!this.userCache) {
      const byHandle = new Map<string, number>();
      const byName = new Map<string, number | null>();
      const byEmail = new Map<string, number | null>();
      for (const u of this.stmt('SELECT id, handle, name, email FROM users').all() as { id: number; handle: string; name: string; email: string | null }[]) {
        byHandle.set(u.handle, u.id);
        const k = foldKey(u.name);
        byName.set(k, byName.has(k) ? null : u.id);
        if (u.email) {
          const e = u.email.trim().toLowerCase();
          byEmail.set(e, byEmail.has(e) ? null : u.id);
        }
      }
      this.userCache = { byHandle, byName, byEmail };
    }
    return this.userCache;
  }

  /** A user by handle or (unique) name; created with --create-missing users. */
  userId(ref: string, row: MappedRow, field: string, handleFromName: (n: string) => string): number {
    const users = this.loadUsers();
    const r = ref.trim();
    const byHandle = users.byHandle.get(r.toLowerCase());
    if (byHandle !== undefined) return byHandle;
    // Owners exported as e-mail addresses (HubSpot, Freshdesk, Zoho…) are the users with that email.
    if (r.includes('@')) {
      const byEmail = users.byEmail.get(r.toLowerCase());
      if (byEmail === null) row.fail(field, `more than one user has the email ${r}; use the handle`);
      if (byEmail !== undefined) return byEmail;
      if (!this.opts.createMissing.has('users')) row.fail(field, `no user with the email ${r} (crm user edit HANDLE --email ${r}, or pass --create-missing users)`);
    }
    const byName = users.byName.get(foldKey(r));
    if (byName === null) row.fail(field, `more than one user is named "${r}"; use the handle`);
    if (byName !== undefined) return byName;
    if (!this.opts.createMissing.has('users')) row.fail(field, `no user "${r}" (add it with crm user add, import users first, or pass --create-missing users)`);
    let handle = handleFromName(r);
    for (let n = 2; users.byHandle.has(handle); n++) handle = `${handleFromName(r)}${n}`;
    // An owner exported as an e-mail address is that user's email too, so the next file that
    // names the owner the same way (deals after companies) finds them without --create-missing.
    const email = r.includes('@') ? r.toLowerCase() : null;
    const id = Number(this.stmt('INSERT INTO users (handle, name, email, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(handle, r, email, 'rep', this.now, this.now).lastInsertRowid);
    users.byHandle.set(handle, id);
    users.byName.set(foldKey(r), id);
    if (email) users.byEmail.set(email, id);
    this.createdRefs.users.push(handle);
    this.sideCreated.push(['users', id]);
    return id;
  }

  readonly warnings: RowIssue[] & { row?: number }[] = [];
  warningCount = 0;

  /** A value imported in a weaker form (kept as a custom field); reported, never silent. */
  warn(row: number, column: string, value: string, reason: string): void {
    this.warningCount++;
    if (this.warnings.length < 1000) this.warnings.push({ row, column, value, reason } as RowIssue & { row: number });
  }

  /** After a rejected row was rolled back to its savepoint: forget what it created. */
  forgetSince(side: number, refs: { users: number; companies: number; contacts: number }): void {
    if (this.sideCreated.length === side) return;
    this.sideCreated.length = side;
    this.createdRefs.users.length = refs.users;
    this.createdRefs.companies.length = refs.companies;
    this.createdRefs.contacts = refs.contacts;
    this.userCache = undefined;
    this.companyCache = undefined;
    this.contactNames = undefined;
    this.contentIndexes.clear();
  }

  /** The acting user's id, if the actor is a user. */
  actorUserId(): number | null {
    return this.loadUsers().byHandle.get(this.actor.toLowerCase()) ?? null;
  }

  private loadCompanies() {
    if (!this.companyCache) {
      const byName = new Map<string, number | null>();
      const byExternal = new Map<string, number>();
      for (const c of this.stmt('SELECT id, name_fold, external_id FROM companies WHERE archived_at IS NULL ORDER BY id').all() as { id: number; name_fold: string; external_id: string | null }[]) {
        if (!byName.has(c.name_fold)) byName.set(c.name_fold, c.id);
        if (c.external_id) byExternal.set(c.external_id, c.id);
      }
      this.companyCache = { byName, byExternal };
    }
    return this.companyCache;
  }

  private contactNames?: Map<string, number | null>;
  private memos = new Map<string, unknown>();

  /** A value computed once per run (policy rows, …). */
  memo<T>(key: string, make: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return this.memos.get(key) as T;
  }
  /** Rows without a natural key are matched by content: an in-memory index per table and column list. */
  private contentIndexes = new Map<string, { cols: string[]; map: Map<string, number[]> }>();

  private static contentKey(values: unknown[]): string {
    return values.map((v) => (v === null || v === undefined ? '\u0000' : String(v))).join('\u0001');
  }

  contentMatches(table: string, where: Record<string, unknown>): number[] {
    const cols = Object.keys(where);
    const name = `${table}(${cols.join(',')})`;
    let ix = this.contentIndexes.get(name);
    if (!ix) {
      const map = new Map<string, number[]>();
      for (const r of this.sqlite.prepare(`SELECT id, ${cols.join(', ')} FROM ${table}`).raw().iterate() as IterableIterator<unknown[]>) {
        const k = ImportEnv.contentKey(r.slice(1));
        const list = map.get(k);
        if (list) list.push(r[0] as number);
        else map.set(k, [r[0] as number]);
      }
      ix = { cols, map };
      this.contentIndexes.set(name, ix);
    }
    return ix.map.get(ImportEnv.contentKey(cols.map((c) => where[c]))) ?? [];
  }

  get hasContentIndexes(): boolean {
    return this.contentIndexes.size > 0;
  }

  /** Keep the content indexes in step with rows this run creates. */
  noteInserted(table: string, id: number, values: Row): void {
    for (const [name, ix] of this.contentIndexes) {
      if (!name.startsWith(table + '(')) continue;
      const k = ImportEnv.contentKey(ix.cols.map((c) => values[c]));
      const list = ix.map.get(k);
      if (list) list.push(id);
      else ix.map.set(k, [id]);
    }
  }

  /** A contact by folded full name: its id, null when several share it, undefined when none. */
  contactByName(name: string, fold: (s: string) => string): number | null | undefined {
    if (!this.contactNames) {
      this.contactNames = new Map();
      for (const c of this.stmt('SELECT id, first_name, last_name FROM contacts WHERE archived_at IS NULL').iterate() as IterableIterator<{ id: number; first_name: string; last_name: string }>) {
        const k = fold(`${c.first_name} ${c.last_name}`);
        this.contactNames.set(k, this.contactNames.has(k) ? null : c.id);
      }
    }
    return this.contactNames.get(fold(name));
  }

  noteContactName(id: number, name: string, fold: (s: string) => string): void {
    if (!this.contactNames) return;
    const k = fold(name);
    this.contactNames.set(k, this.contactNames.has(k) ? null : id);
  }

  /** Keep the company cache in step when the companies importer itself writes. */
  noteCompany(id: number, nameFold: string, externalId: string | null): void {
    if (!this.companyCache) return;
    if (!this.companyCache.byName.has(nameFold)) this.companyCache.byName.set(nameFold, id);
    if (externalId) this.companyCache.byExternal.set(externalId, id);
  }

  noteUser(id: number, handle: string, name: string): void {
    if (!this.userCache) return;
    this.userCache.byHandle.set(handle, id);
    const k = foldKey(name);
    if (!this.userCache.byName.has(k)) this.userCache.byName.set(k, id);
  }

  /** A company by its web domain (acme.example, as companies store it); an unknown domain fails the row. */
  companyByDomain(domain: string, row: MappedRow, field: string): number {
    const hits = this.stmt('SELECT id FROM companies WHERE lower(domain) = ? AND archived_at IS NULL ORDER BY id LIMIT 2').all(domain) as { id: number }[];
    if (hits.length === 1) return hits[0]!.id;
    row.fail(field, hits.length ? `more than one company has the domain ${domain}; map the company column instead` : `no company with the domain ${domain} (import companies first)`);
  }

  /** A company by external id or name; created when `create` (contacts do, like contact add) or --create-missing companies. */
  companyId(ref: string, row: MappedRow, field: string, create: boolean, fold: (s: string) => string): number {
    const cos = this.loadCompanies();
    const r = ref.trim();
    const ext = cos.byExternal.get(r);
    if (ext !== undefined) return ext;
    const f = fold(r);
    const byName = cos.byName.get(f);
    if (byName) return byName;
    if (!create && !this.opts.createMissing.has('companies')) row.fail(field, `no company "${r}" (import companies first, or pass --create-missing companies)`);
    const id = Number(this.stmt('INSERT INTO companies (name, name_fold, created_at, updated_at) VALUES (?, ?, ?, ?)').run(r, f, this.now, this.now).lastInsertRowid);
    cos.byName.set(f, id);
    this.createdRefs.companies.push(r);
    this.sideCreated.push(['companies', id]);
    return id;
  }

  /**
   * A stage by the domain's rule (resolveStage: name, unique prefix, synonym such as "Closed
   * Won"), after --map-stage; the default pipeline first, then the others. Resolved once per
   * distinct cell text.
   */
  stage(name: string, row: MappedRow, field: string, fold: (s: string) => string): { id: number; kind: string; pipelineId: number } {
    if (!this.stageCache) {
      this.stageCache = new Map();
      const rows = this.stmt(
        'SELECT s.id, s.name, s.kind, s.pipeline_id, p.name AS pipeline FROM stages s JOIN pipelines p ON p.id = s.pipeline_id WHERE s.archived_at IS NULL AND p.archived_at IS NULL ORDER BY p.is_default DESC, p.id, s.position, s.id',
      ).all() as { id: number; name: string; kind: string; pipeline_id: number; pipeline: string }[];
      const byPipeline = new Map<number, typeof rows>();
      for (const r of rows) byPipeline.set(r.pipeline_id, [...(byPipeline.get(r.pipeline_id) ?? []), r]);
      this.pipelineStages = [...byPipeline.values()];
    }
    const key = fold(name);
    let hit = this.stageCache.get(key);
    if (hit === undefined) {
      const mapped = this.opts.mapStage.get(key) ?? name;
      hit = `unknown stage "${name}" (stages: ${this.pipelineStages[0]?.map((st) => st.name).join(', ') ?? 'none'}); map it with --map-stage "${name}=Qualification"`;
      for (const stages of this.pipelineStages) {
        try {
          const st = resolveStage(stages, mapped, stages[0]!.pipeline);
          hit = { id: st.id, kind: st.kind, pipelineId: st.pipeline_id };
          break;
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          if (err.code !== 'unknown_stage') {
            hit = `${err.message.replace(/\.$/, '')} (${err.hint ?? ''})`;
            break;
          }
        }
      }
      this.stageCache.set(key, hit);
    }
    if (typeof hit === 'string') row.fail(field, hit);
    return hit;
  }

  private pipelineStages: { id: number; name: string; kind: string; pipeline_id: number; pipeline: string }[][] = [];
}

function allEmpty(cells: string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

function foldKey(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof b === 'number' && typeof a === 'string') return String(b) === a;
  return false;
}

/** Merge file custom fields into the stored JSON: file keys overwrite, other keys stay. */
export function mergeCustom(stored: string | null, incoming: Record<string, unknown> | null): string | null {
  if (!incoming) return stored;
  const base = stored ? (JSON.parse(stored) as Record<string, unknown>) : {};
  const merged = { ...base, ...incoming };
  return Object.keys(merged).length ? JSON.stringify(merged) : null;
}

export function fileHash(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f);
  return h.digest('hex').slice(0, 16);
}

class Run {
  result: FileResult;
  private createdRowOf: Int32Array = new Int32Array(1024);
  private firstNewId = 0;
  private updatedRowOf = new Map<number, number>();
  private rejectsFd?: number;

  constructor(
    readonly env: ImportEnv,
    readonly spec: EntitySpec,
    readonly mapping: Mapping,
    readonly reader: RowSource,
  ) {
    this.result = {
      file: reader.file,
      entity: spec.name,
      runId: null,
      dryRun: env.opts.dryRun,
      committed: false,
      encoding: reader.encoding,
      delimiter: reader.delimiter,
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      skippedEmpty: 0,
      keptEmpty: 0,
      createdReferences: env.createdRefs,
      mapping: describeMapping(mapping),
      customColumns: mapping.custom.map((i) => mapping.header[i]!),
      warnings: env.warnings as (RowIssue & { row: number })[],
      warningCount: 0,
      details: [],
    };
  }

  start(): void {
    const max = this.env.stmt(`SELECT coalesce(max(id), 0) AS m FROM ${this.spec.table}`).get() as { m: number };
    this.firstNewId = max.m + 1;
    if (this.env.opts.skipInvalid) this.batchSize = 1; // a rejected row rolls back to its savepoint
    else if (max.m === 0 && this.env.opts.mode !== 'update') this.bulk = true;
  }

  private rowOfCreated(id: number): number | undefined {
    const i = id - this.firstNewId;
    if (i < 0 || i >= this.createdRowOf.length) return undefined;
    return this.createdRowOf[i] || undefined;
  }

  private noteCreated(id: number, row: number): void {
    const i = id - this.firstNewId;
    if (i < 0) return;
    if (i >= this.createdRowOf.length) {
      let n = this.createdRowOf.length;
      while (n <= i) n *= 2;
      const grown = new Int32Array(n);
      grown.set(this.createdRowOf);
      this.createdRowOf = grown;
    }
    this.createdRowOf[i] = row;
  }

  private record(o: RowOutcome): void {
    this.result[o.outcome]++;
    if (this.env.opts.keepAllRows || o.outcome === 'rejected' || o.outcome === 'updated') this.result.details.push(o);
  }

  private reject(row: number, cells: string[], issue: RowIssue): void {
    this.record({ row, outcome: 'rejected', error: issue });
    if (this.env.opts.skipInvalid && !this.env.opts.dryRun) this.writeReject(cells, issue.column ? `${issue.column}: ${issue.reason}` : issue.reason);
  }

  private writeReject(cells: string[], reason: string): void {
    if (this.rejectsFd === undefined) {
      const path = this.env.opts.rejectsPath ?? rejectsPathFor(this.reader.file);
      // Never through a link planted at that path, and an existing file only with --force.
      this.rejectsFd = openPrivateFile(path, { overwrite: Boolean(this.env.opts.replaceRejects), noFollow: true, what: 'the rejects file', forceFlag: '--force (or choose another with --rejects FILE)' });
      this.result.rejectsFile = path;
      writeSync(this.rejectsFd, stringify([[...this.mapping.header, 'crm_import_error']]));
    }
    // Every cell of the row, in order (a row longer than the header keeps its extra cells, so it
    // can be fixed from this file); a short row is padded to the header's width.
    const all = cells.length >= this.mapping.header.length ? cells : this.mapping.header.map((_h, i) => cells[i] ?? '');
    writeSync(this.rejectsFd, stringify([[...all, reason]]));
  }

  closeRejects(): void {
    if (this.rejectsFd !== undefined) closeSync(this.rejectsFd);
  }

  processRow(row: number, cells: string[], keySeen?: boolean): void {
    this.result.rows++;
    const width = this.mapping.header.length;
    if (cells.length !== width) {
      if (allEmpty(cells)) return this.skipEmpty();
      this.reject(row, cells, { column: '', value: '', reason: `has ${cells.length} fields but the header has ${width} (a ragged row: check its quotes and delimiters)` });
      return;
    }
    const mapped = new MappedRow(this.mapping, cells, row);
    const savepoint = this.env.opts.skipInvalid;
    // What a rolled-back row created on the side, to forget (only rows with a savepoint roll back).
    const sideMark = this.env.sideCreated.length;
    const refMarks = savepoint ? { users: this.env.createdRefs.users.length, companies: this.env.createdRefs.companies.length, contacts: this.env.createdRefs.contacts } : undefined;
    if (savepoint) this.env.sqlite.exec('SAVEPOINT import_row');
    try {
      this.upsert(mapped, keySeen);
      if (savepoint) this.env.sqlite.exec('RELEASE import_row');
    } catch (caught) {
      if (savepoint) this.env.sqlite.exec('ROLLBACK TO import_row; RELEASE import_row');
      const err = caught instanceof Error && (caught as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ? this.uniqueClash(caught, mapped) : caught;
      if (!(err instanceof RowError)) throw err;
      if (refMarks) this.env.forgetSince(sideMark, refMarks);
      // Every entity needs some value, so an all-empty record (a spreadsheet's trailing ",,,")
      // always ends here: it is skipped and counted, at no cost to the rows that import.
      if (allEmpty(cells)) return this.skipEmpty();
      this.reject(row, cells, { column: err.column, value: err.value, reason: err.reason });
    }
  }

  /** An update that would give a record another record's unique value (an email, an external id). */
  private uniqueClash(err: Error, row: MappedRow): RowError {
    const column = /UNIQUE constraint failed: \w+\.(\w+)/.exec(err.message)?.[1] ?? '';
    const field = this.spec.fieldOfColumn?.[column] ?? column;
    return new RowError(row.column(field), row.get(field) ?? '', `another ${this.spec.singular} already has this ${field.replace(/_/g, ' ')}`);
  }

  private skipEmpty(): void {
    this.result.rows--;
    this.result.skippedEmpty++;
  }

  private upsert(row: MappedRow, keySeen: boolean | undefined): void {
    const { spec, env } = this;
    const conv = spec.convert(row, env);
    const found = this.findExisting(row, conv, keySeen);
    if (found === undefined) {
      if (conv.incomplete) throw conv.incomplete;
      if (env.opts.mode === 'update') throw new RowError((conv.keyName ? row.column(spec.keyField[conv.keyName] ?? conv.keyName) : ''), conv.keyValue ?? '', `no existing ${spec.singular} matches (--mode update only changes existing records)`);
      spec.beforeInsert?.(conv);
      this.queueInsert(conv, row.row);
      return;
    }
    const existing = env.stmt(`SELECT * FROM ${spec.table} WHERE id = ?`).get(found) as Row;
    if (env.opts.empty === 'keep') this.keepStored(row, conv, existing);
    else if (conv.incomplete && !conv.incompleteByAbsence) throw conv.incomplete;
    spec.beforeUpdate?.(existing, conv);
    const changes = this.changedColumns(existing, conv);
    const earlier = this.rowOfCreated(found) ?? this.updatedRowOf.get(found);
    if (changes.length === 0) {
      this.record({ row: row.row, outcome: 'unchanged', id: found, key: conv.keyValue ?? undefined, note: earlier ? `same as row ${earlier}` : undefined });
      return;
    }
    if (env.opts.mode === 'create') {
      this.record({ row: row.row, outcome: 'unchanged', id: found, key: conv.keyValue ?? undefined, note: 'exists; --mode create leaves existing records alone' });
      return;
    }
    // Event-log files (a row per state change, with its time): older states are already applied.
    const rowTime = spec.updatedAtFrom?.(conv);
    if (rowTime !== undefined) {
      const stored = String(existing.updated_at);
      if (rowTime < stored || (rowTime === stored && earlier === undefined)) {
        this.record({ row: row.row, outcome: 'unchanged', id: found, key: conv.keyValue ?? undefined, note: 'older than the stored state' });
        return;
      }
    }
    if (earlier !== undefined && rowTime === undefined) {
      throw new RowError((conv.keyName ? row.column(spec.keyField[conv.keyName] ?? conv.keyName) : ''), conv.keyValue ?? '', `conflicts with row ${earlier} (same ${conv.keyName ?? 'key'}, different ${changes.map((c) => spec.fieldOfColumn?.[c] ?? c).join(', ')})`);
    }
    const cleared = env.opts.empty === 'clear' ? this.clearedFields(existing, conv, changes) : undefined;
    this.update(found, existing, conv, changes);
    this.updatedRowOf.set(found, row.row);
    this.record({ row: row.row, outcome: 'updated', id: found, key: conv.keyValue ?? undefined, changes: this.fieldNames(changes), ...(cleared?.length ? { cleared } : {}) });
  }

  /** Stored column names → the field names users know (owner, not owner_id), each once. */
  private fieldNames(columns: string[]): string[] {
    return [...new Set(columns.map((c) => this.spec.fieldOfColumn?.[c] ?? c))];
  }

  /** The columns a field feeds (the field's own name unless the entity says otherwise). */
  private columnsOf(field: string): string[] {
    return this.spec.fieldColumns?.[field] ?? [field];
  }

  /**
   * --empty keep, for a record that exists: a column fed only by empty cells of this row is left
   * out of the update (an empty cell means "no value given"); a column some non-empty cell feeds
   * (a stage moved to an open one clears won_at) is written. Only matched rows pay for this.
   */
  private keepStored(row: MappedRow, conv: Converted, existing: Row): void {
    if (!this.hasEmptyField(row)) return; // a full row (the usual case): nothing to keep
    const given = new Set<string>();
    const empty: string[] = [];
    let tagsEmpty = false;
    for (const field of this.mapping.fields.keys()) {
      if (row.get(field) !== null) for (const col of this.columnsOf(field)) given.add(col);
      else if (field === 'tags') tagsEmpty = true;
      else empty.push(field);
    }
    const kept = new Set<string>();
    for (const field of empty) {
      for (const col of this.columnsOf(field)) {
        if (given.has(col) || !(col in conv.cols)) continue;
        if (!sameValue(existing[col], conv.cols[col])) kept.add(field);
        delete conv.cols[col];
      }
    }
    if (tagsEmpty && conv.tags !== undefined) {
      const stored = this.env.stmt('SELECT 1 FROM tags WHERE entity_type = ? AND entity_id = ? LIMIT 1').get(this.spec.tagEntity, existing.id);
      if (stored) kept.add('tags');
      conv.tags = undefined;
    }
    this.result.keptEmpty += kept.size;
  }

  /** Whether some mapped field has only empty cells in this row. */
  private hasEmptyField(row: MappedRow): boolean {
    const cells = row.cells;
    for (const idxs of this.mapping.fields.values()) {
      let empty = true;
      for (const i of idxs) {
        if (!isMissing(cells[i])) {
          empty = false;
          break;
        }
      }
      if (empty) return true;
    }
    return false;
  }

  /** --empty clear: the changed fields whose new value is empty and whose stored one was not. */
  private clearedFields(existing: Row, conv: Converted, changes: string[]): string[] {
    const blank = (v: unknown) => v === null || v === undefined || v === '';
    return this.fieldNames(changes.filter((c) => (c === 'tags' ? (conv.tags ?? []).length === 0 : c !== 'custom_fields' && blank(conv.cols[c]) && !blank(existing[c]))));
  }

  private findExisting(row: MappedRow, conv: Converted, keySeen: boolean | undefined): number | undefined {
    const { spec, env } = this;
    const order = env.opts.match ?? spec.defaultMatch;
    let first: MatchKey | undefined;
    for (const key of order) {
      const value = conv.keys[key];
      if (value !== undefined && value !== null) {
        first = key;
        break;
      }
    }
    if (first !== undefined) {
      const value = conv.keys[first]!;
      conv.keyName = first;
      conv.keyValue = value;
      if (this.bulk) {
        // The table was empty: only a key of an earlier row of this file can match. The reader
        // tells that from the key cells (key-cells.ts), else the keys' hashes are checked here.
        if (!(keySeen ?? this.seenBefore(conv, order))) return undefined;
        // Only a queued row with this key needs writing before the lookup. Most of these rows
        // are hash collisions (~500 in a million keys) with a row written long ago: flushing
        // for each wrote short batches through freshly prepared statements (0.2 s of 1M rows).
        if (this.queuedWithKey(first, value)) this.flush();
      } else {
        // A queued row with one of these keys must be written before a lookup can find it.
        const h0 = hashKey(first, value);
        const rest = order.indexOf(first) + 1;
        let queued = this.pendingKeys.has(h0);
        for (let i = rest; i < order.length && !queued; i++) {
          const other = conv.keys[order[i]!];
          if (other !== undefined && other !== null && this.pendingKeys.has(hashKey(order[i]!, other))) queued = true;
        }
        if (queued) this.flush();
        this.pendingKeys.add(h0);
        for (let i = rest; i < order.length; i++) {
          const other = conv.keys[order[i]!];
          if (other !== undefined && other !== null) this.pendingKeys.add(hashKey(order[i]!, other));
        }
      }
      const hit = env.stmt(spec.keySql[first]!).get(value) as { id: number } | undefined;
      if (!hit) this.checkExternalIdFree(row, conv, first);
      return hit?.id;
    }
    this.flush();
    if (conv.incomplete) throw conv.incomplete; // without a key, a row must be a whole record
    if (env.opts.match && env.opts.mode !== 'create') {
      throw new RowError(row.column(spec.keyField[env.opts.match[0]!] ?? env.opts.match[0]!), '', `has no ${env.opts.match.join(' or ')} to match on`);
    }
    // No key in this row: an identical record (same content) is "unchanged", else a new one.
    const candidates = spec.contentCandidates?.(env, conv) ?? [];
    for (const id of candidates) {
      const existing = env.stmt(`SELECT * FROM ${spec.table} WHERE id = ?`).get(id) as Row;
      if (this.changedColumns(existing, conv).length === 0) return id;
    }
    return undefined;
  }

  /**
   * A row matched by another key (a contact by email) that finds no record would be created with
   * its external id — which must not belong to another record (a unique column): reject the row
   * naming the holder, rather than fail the insert. Only rows carrying both keys pay the lookup.
   */
  private checkExternalIdFree(row: MappedRow, conv: Converted, matchedBy: MatchKey): void {
    const ext = conv.keys['external-id'];
    const sql = this.spec.keySql['external-id'];
    if (matchedBy === 'external-id' || ext === undefined || ext === null || !sql) return;
    if (this.bulk && this.queuedWithKey('external-id', ext)) this.flush();
    const holder = this.env.stmt(sql).get(ext) as { id: number } | undefined;
    if (holder) throw new RowError(row.column('external_id'), ext, `external id "${ext}" already belongs to ${this.spec.singular} #${holder.id}, whose ${matchedBy} is not this row's`);
  }

  /** A bulk load whose reader does not watch the key cells: whether a key of this row occurred in an earlier row (by hash). */
  private seenBefore(conv: Converted, order: MatchKey[]): boolean {
    let seen = false;
    for (const key of order) {
      const value = conv.keys[key];
      if (value !== undefined && value !== null && this.seenKeys.addIfAbsent(hashKey(key, value))) seen = true;
    }
    return seen;
  }

  /** Whether a queued (not yet written) row has this key. */
  private queuedWithKey(key: MatchKey, value: string): boolean {
    for (const conv of this.pending) if (conv.keys[key] === value) return true;
    return false;
  }

  private changedColumns(existing: Row, conv: Converted): string[] {
    const changes: string[] = [];
    for (const [col, v] of Object.entries(conv.cols)) {
      if (col === 'custom_fields') continue;
      if (!sameValue(existing[col], v)) changes.push(col);
    }
    if (conv.custom) {
      const merged = mergeCustom(existing.custom_fields as string | null, conv.custom);
      if (merged !== existing.custom_fields) changes.push('custom_fields');
    }
    if (conv.tags !== undefined) {
      const current = (this.env.stmt('SELECT tag FROM tags WHERE entity_type = ? AND entity_id = ? ORDER BY tag').all(this.spec.tagEntity, existing.id) as { tag: string }[]).map((t) => t.tag);
      if (current.join('\n') !== [...new Set(conv.tags)].sort().join('\n')) changes.push('tags');
    }
    const child = this.spec.childSet;
    if (child) {
      const stored = child.read(this.env.sqlite, existing.id as number);
      conv.child = child.wanted(conv, stored);
      if (conv.child !== undefined && conv.child !== stored) changes.push(child.field);
    }
    return changes;
  }

  /**
   * New records are queued and written as multi-row INSERTs (up to BATCH rows with the same
   * columns): per-statement overhead dominates single-row inserts. A lookup that could match a
   * queued row flushes the queue first, so duplicates within a file are still found.
   */
  private queueInsert(conv: Converted, row: number): void {
    const { spec } = this;
    const cols = conv.cols;
    if (conv.custom || 'custom_fields' in cols) cols.custom_fields = mergeCustom((cols.custom_fields as string | null) ?? null, conv.custom);
    spec.derive?.(cols, null, conv);
    // The row's values are queued while its column list is compared, name by name, with the
    // queued rows' list: its default columns, then its columns. Rows of one file nearly always
    // share that list, and when they do, no default is among the columns (the queued list has no
    // name twice), so no `k in cols` test per default is needed (~0.05 s of 1M rows). Reading
    // obj[k] inside `for (k in obj)` is a direct field load in V8; collecting the names first and
    // reading cols[name] afterwards was a generic keyed lookup per value (~0.15 s).
    const defaults = conv.createDefaults;
    const queued = this.pendingCols;
    const params = this.params;
    const start = this.paramCount;
    let at = start;
    let n = 0;
    let same = true;
    for (const k in defaults) {
      if (queued[n++] !== k) same = false;
      params[at++] = defaults[k] ?? null;
    }
    for (const k in cols) {
      if (queued[n++] !== k) same = false;
      params[at++] = cols[k] ?? null;
    }
    this.paramCount = at;
    if (!same || n !== queued.length) {
      // Another list, or a default the row also sets (left out: the column's value wins).
      const names = [...Object.keys(defaults).filter((k) => !(k in cols)), ...Object.keys(cols)];
      this.paramCount = start;
      if (names.length !== queued.length || names.some((k, i) => k !== queued[i])) {
        this.flush();
        this.pendingCols = names;
        this.pendingSig = names.join(',');
      }
      for (const k of names) params[this.paramCount++] = (k in cols ? cols[k] : defaults[k]) ?? null;
    }
    this.pending.push(conv);
    this.pendingRows.push(row);
    if (this.pending.length >= this.batchSize) this.flush();
  }

  flush(): void {
    const n = this.pending.length;
    if (n === 0) return;
    const { spec, env } = this;
    const cols = this.pendingCols;
    const one = `(${cols.map(() => '?').join(', ')})`;
    const key = `${spec.table}:${this.pendingSig}#${n}`;
    let stmt = this.insertStmts.get(key);
    if (!stmt) {
      stmt = env.sqlite.prepare(`INSERT INTO ${spec.table} (${cols.join(', ')}) VALUES ${new Array(n).fill(one).join(', ')}`);
      this.insertStmts.set(key, stmt);
    }
    const params = this.paramCount === this.params.length ? this.params : this.params.slice(0, this.paramCount);
    const last = Number(stmt.run(params).lastInsertRowid);
    this.paramCount = 0;
    const batch = this.pending;
    const rows = this.pendingRows;
    this.pending = [];
    this.pendingRows = [];
    this.pendingKeys.clear();
    // Rowids of one INSERT are consecutive: the first new row gets max(id)+1.
    let id = last - n + 1;
    const keepAll = env.opts.keepAllRows;
    for (let i = 0; i < n; i++) {
      const conv = batch[i]!;
      const row = rows[i]!;
      this.noteCreated(id, row);
      if (conv.tags?.length) this.setTags(id, conv.tags);
      spec.afterInsert?.(env, id, conv);
      if (env.hasContentIndexes) env.noteInserted(spec.table, id, { ...conv.createDefaults, ...conv.cols });
      if (keepAll) this.record({ row, outcome: 'created', id, key: conv.keyValue ?? undefined });
      else this.result.created++; // not kept: no outcome object for each of a million rows
      id++;
    }
  }

  /** The queued rows and their row numbers (two arrays: no object per row). */
  private pending: Converted[] = [];
  private pendingRows: number[] = [];
  /**
   * The queued rows' values, in one array kept from batch to batch (bound whole when the batch
   * is full): a fresh array per batch, grown push by push, was ~0.3 KB of garbage per row.
   */
  private params: SqlValue[] = [];
  private paramCount = 0;
  private pendingSig = '';
  private pendingCols: string[] = [];
  private pendingKeys = new IntSet(1 << 10);
  private insertStmts = new Map<string, Statement>();
  private batchSize = 200;
  /**
   * Loading into an empty table: a row can only match a key seen earlier in this file, so the
   * reader's key-cell marks (key-cells.ts) or else an in-memory set of key hashes (seenKeys)
   * replace the per-row index lookup (a row marked seen still looks up).
   * Indexes stay in place: dropping them and building them after the load measured slower
   * here (CREATE INDEX over a million rows spilled its sort to temporary files).
   */
  private bulk = false;
  private seenKeys = new IntSet(1 << 16);

  /** Rolling back: nothing queued may be written. */
  dropBulk(): void {
    this.pending = [];
    this.pendingRows = [];
    this.paramCount = 0;
    this.bulk = false;
  }

  private update(id: number, existing: Row, conv: Converted, changes: string[]): void {
    const { spec, env } = this;
    const set: Row = {};
    const child = spec.childSet && changes.includes(spec.childSet.field) ? spec.childSet : undefined;
    for (const c of changes) if (c !== 'tags' && c !== 'custom_fields' && c !== child?.field) set[c] = conv.cols[c] ?? null;
    if (changes.includes('custom_fields')) set.custom_fields = mergeCustom(existing.custom_fields as string | null, conv.custom);
    spec.derive?.(set, existing, conv);
    const before: Row = {};
    for (const c of Object.keys(set)) before[c] = existing[c] ?? null;
    let beforeTags: string[] | undefined;
    if (changes.includes('tags')) {
      beforeTags = (env.stmt('SELECT tag FROM tags WHERE entity_type = ? AND entity_id = ?').all(spec.tagEntity, id) as { tag: string }[]).map((t) => t.tag);
      this.setTags(id, conv.tags ?? []);
    }
    let beforeChild: string | undefined;
    if (child) {
      beforeChild = child.read(env.sqlite, id);
      child.write(env.sqlite, id, conv.child!);
    }
    const events = spec.afterUpdate?.(env, id, existing, conv) ?? [];
    // A contact's primary company (or role) changed: its memberships follow (primaryMoves, below).
    if (spec.table === 'contacts' && ('company_id' in set || 'company_role' in set)) {
      this.moves.push({ contactId: id, fromCompany: (existing.company_id as number | null) ?? null, fromRole: (existing.company_role as string | null) ?? null, roleGiven: 'company_role' in conv.cols });
      // The rule may give the contact its new company's role: `import undo` restores the old one.
      if (!('company_role' in before)) before.company_role = existing.company_role ?? null;
    }
    const cols = Object.keys(set);
    const version = Number(existing.version);
    // A changed child set (a product's prices) is a change of the record: its version moves too.
    if (cols.length || child) {
      const sql = `UPDATE ${spec.table} SET ${cols.map((c) => `${c} = ?, `).join('')}updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`;
      env.stmt(sql).run(...cols.map((c) => set[c] ?? null), spec.updatedAtFrom?.(conv) ?? env.now, id, version);
      before.updated_at = existing.updated_at ?? null;
    }
    const auditChanges: Record<string, [unknown, unknown]> = {};
    for (const c of cols) auditChanges[c] = [before[c], set[c]];
    if (beforeTags) auditChanges.tags = [beforeTags.sort(), [...new Set(conv.tags ?? [])].sort()];
    if (child) auditChanges[child.field] = [beforeChild, conv.child];
    env.stmt('INSERT INTO audit_log (entity, entity_id, action, changes, actor, at) VALUES (?, ?, ?, ?, ?, ?)').run(spec.auditEntity, id, 'import', JSON.stringify(auditChanges), env.actor, env.now);
    this.pendingUpdates.push({ id, before: { cols: before, version: cols.length || child ? version + 1 : version, tags: beforeTags, child: beforeChild, events } });
  }

  pendingUpdates: { id: number; before: unknown }[] = [];
  /** Contacts whose primary company or role this file changed (src/db/primary-company.ts). */
  moves: PrimaryMove[] = [];

  /**
   * The memberships rule over the contacts this file moved, set-based: the moves go to the
   * temporary table crm_moves, then the rule's statements run. On PostgreSQL this runs on the
   * scratch file, and src/db/postgres/import.ts copies crm_moves to the server and runs the same
   * statements there after writing the contacts.
   */
  syncPrimaryMoves(): void {
    const { sqlite } = this.env;
    const today = todayIn(new Date(this.env.now), this.env.timeZone);
    sqlite.exec(`DROP TABLE IF EXISTS temp.crm_moves; CREATE TEMP TABLE crm_moves ${MOVES_COLUMNS}; DROP TABLE IF EXISTS temp.crm_moves_clock; CREATE TEMP TABLE crm_moves_clock (today TEXT, at TEXT)`);
    sqlite.prepare('INSERT INTO temp.crm_moves_clock (today, at) VALUES (?, ?)').run(today, this.env.now);
    if (!this.moves.length) return;
    const ins = sqlite.prepare('INSERT INTO temp.crm_moves (contact_id, from_company, from_role, role_given) VALUES (?, ?, ?, ?)');
    for (const m of this.moves) ins.run(m.contactId, m.fromCompany, m.fromRole, m.roleGiven ? 1 : 0);
    for (const statement of primarySyncStatements(today, this.env.now)) sqlite.exec(statement);
  }

  private setTags(id: number, tags: string[]): void {
    const { spec, env } = this;
    env.stmt('DELETE FROM tags WHERE entity_type = ? AND entity_id = ?').run(spec.tagEntity, id);
    for (const t of new Set(tags)) env.stmt('INSERT INTO tags (entity_type, entity_id, tag) VALUES (?, ?, ?)').run(spec.tagEntity, id, t);
  }

  /** import_run_rows: updated records with their before-values, side creations, the created id range. */
  recordRun(runId: number): void {
    const { env, spec } = this;
    const ins = env.stmt('INSERT INTO import_run_rows (run_id, row_number, outcome, entity_id, before) VALUES (?, ?, ?, ?, ?)');
    const max = (env.stmt(`SELECT coalesce(max(id), 0) AS m FROM ${spec.table}`).get() as { m: number }).m;
    if (this.result.created > 0) ins.run(runId, 0, 'created_range', this.firstNewId, JSON.stringify({ table: spec.table, last: max }));
    let rowNo = 1;
    for (const u of this.pendingUpdates) {
      ins.run(runId, rowNo++, 'updated', u.id, JSON.stringify({ table: spec.table, ...(u.before as object) }));
    }
    let side = -1;
    for (const [table, id] of env.sideCreated) ins.run(runId, side--, 'created', id, JSON.stringify({ table }));
  }
}

export function rejectsPathFor(file: string): string {
  return file.replace(/(\.[^./\\]+)?$/, '.rejects.csv');
}

/** Files of 4 MiB or more are parsed on a second core (CRM_IMPORT_THREAD_BYTES changes the threshold). */
const THREAD_BYTES = Number(process.env.CRM_IMPORT_THREAD_BYTES ?? 4 << 20);

function openRows(file: string, opts: ImportOptions): RowSource {
  const script = workerScript();
  if (script) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      // TableReader reports the error
    }
    if (size >= THREAD_BYTES && size > 0) return new ThreadedTableReader(file, script, { encoding: opts.encoding, delimiter: opts.delimiter });
  }
  return new TableReader(file, { encoding: opts.encoding, delimiter: opts.delimiter });
}

export interface PreparedFile {
  reader: RowSource;
  mapping: Mapping;
  /** The product preset used: named by --from, or detected from the header. */
  preset?: { name: PresetName; label: string; detected: boolean };
  /** With `check: false` (--show-mapping): why the mapping would not import, when it would not. */
  problem?: string;
}

export function prepareFile(spec: EntitySpec, file: string, opts: ImportOptions, { check = true }: { check?: boolean } = {}): PreparedFile {
  const reader = openRows(file, opts);
  try {
    const user = [...opts.map];
    if (opts.repColumn) user.push({ source: opts.repColumn, field: 'owner' });
    const detected = opts.from ? undefined : detectPreset(reader.header);
    const presetName = opts.from ?? detected;
    const preset = presetName ? PRESETS[presetName] : undefined;
    const presetMapping = preset ? { label: preset.label, columns: preset.columns[spec.name] ?? {}, values: preset.values[spec.name] ?? {} } : undefined;
    const mapping = buildMapping(reader.header, spec.fields, user, { customFields: spec.customFields, entity: spec.name, adjust: spec.adjustMapping, preset: presetMapping, valueMaps: opts.valueMaps });
    const used = presetName && preset ? { name: presetName, label: preset.label, detected: Boolean(detected) } : undefined;
    if (!check) {
      let problem: string | undefined;
      try {
        spec.checkMapping?.(mapping, opts);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        problem = err.hint ? `${err.message} ${err.hint}` : err.message;
      }
      return { reader, mapping, preset: used, problem };
    }
    spec.checkMapping?.(mapping, opts);
    const keyColumns = keyColumnsOf(spec, mapping, opts);
    if (keyColumns) reader.watchKeyCells?.(keyColumns);
    return { reader, mapping, preset: used };
  } catch (err) {
    reader.close();
    throw err;
  }
}

/** The columns of the keys rows are matched by, when all are cell keys (key-cells.ts). */
function keyColumnsOf(spec: EntitySpec, mapping: Mapping, opts: ImportOptions): KeyColumns | undefined {
  const columns: KeyColumns = [];
  for (const key of opts.match ?? spec.defaultMatch) {
    const field = spec.cellKeys?.[key];
    if (field === undefined) return undefined;
    columns.push(mapping.fields.get(field) ?? []);
  }
  return columns;
}

/**
 * Import one file into a database of either engine (what `crm import` calls): SQLite runs
 * importFile below; PostgreSQL runs the same pipeline on a scratch copy of what the file can
 * match, then bulk-loads its writes with COPY (src/db/postgres/import.ts, loaded only there).
 */
export async function importInto(db: AnyDb, s: Session, prepared: PreparedFile, opts: ImportOptions): Promise<FileResult> {
  if (opts.entity === 'deals' && opts.homeCurrency === undefined) opts = { ...opts, homeCurrency: await homeCurrency({ db }) };
  if (db.engine === 'postgres') return (await import('../db/postgres/import.js')).importFileOnPostgres(db, s, prepared, opts);
  return importFile(db, s, prepared, opts);
}

/** Import one file in one transaction. */
export async function importFile(db: Db, s: Session, prepared: PreparedFile, opts: ImportOptions): Promise<FileResult> {
  const spec = ENTITIES[opts.entity];
  const env = new ImportEnv(db, s, opts);
  const run = new Run(env, spec, prepared.mapping, prepared.reader);
  const { reader } = prepared;
  const sqlite = db.sqlite;
  beginImmediateSync(sqlite, db.path, db.lock); // busy_timeout, then bounded retries with backoff
  let done = false;
  try {
    run.start();
    let n = 0;
    const collect = largeFileGc(reader.size);
    for (;;) {
      const r = reader.next();
      if (r === ROWS_PENDING) {
        await reader.whenReady!(); // the parse worker is behind (or dead: this throws, and the file rolls back)
        continue;
      }
      if (!r) break;
      run.processRow(r.row, r.cells, r.keySeen);
      if (++n % 2000 === 0) {
        opts.progress?.(reader.bytesRead, reader.size);
        if (collect && n % 250_000 === 0) collect();
        if (opts.checkpoint) await opts.checkpoint();
      }
    }
    run.flush();
    opts.progress?.(reader.size, reader.size);
    const res = run.result;
    res.details.sort((a, b) => a.row - b.row);
    res.warningCount = env.warningCount;
    const failed = res.rejected > 0 && !opts.skipInvalid;
    if (opts.dryRun || failed) {
      run.dropBulk();
      sqlite.exec('ROLLBACK');
      done = true;
      if (failed && !opts.dryRun) recordFailedRun(env, spec, reader.file, res);
      return res;
    }
    const runId = Number(
      env
        .stmt(
          'INSERT INTO import_runs (entity, files, file_hash, options, actor, started_at, finished_at, created_count, updated_count, unchanged_count, rejected_count, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(spec.name, JSON.stringify([reader.file]), fileHash([reader.file, String(reader.size)]), JSON.stringify(runOptions(opts)), env.actor, env.now, env.now, res.created, res.updated, res.unchanged, res.rejected, 'done').lastInsertRowid,
    );
    run.recordRun(runId);
    if (spec.table === 'contacts') run.syncPrimaryMoves();
    if (res.created + res.updated > 0) {
      const changes: Record<string, [unknown, unknown]> = { entity: [null, spec.name], file: [null, reader.file], created: [null, res.created], updated: [null, res.updated] };
      env.stmt('INSERT INTO audit_log (entity, entity_id, action, changes, actor, at) VALUES (?, ?, ?, ?, ?, ?)').run('import_run', runId, 'import', JSON.stringify(changes), env.actor, env.now);
      // import.finished for automation, in the run's transaction (src/db/outbox.ts).
      writeEventsSync((q) => env.stmt(q), { entity: 'import_run', entityId: runId, action: 'import', changes, actor: env.actor, at: env.now });
    }
    commitSync(sqlite, db.path, db.lock);
    done = true;
    res.runId = runId;
    res.committed = true;
    return res;
  } finally {
    if (!done && sqlite.inTransaction) sqlite.exec('ROLLBACK');
    run.closeRejects();
    reader.close();
  }
}

/**
 * Bounded memory on large files: V8 grows the heap freely while garbage is produced at this
 * rate (300 MB RSS for a million rows with a live set under 64 MB), so a full collection every
 * 250,000 rows keeps the peak near the live set. Only for files over 32 MiB. (Every 100,000
 * rows gave the same peak, 166 MB for a million contacts, for 6 more collections of ~7 ms;
 * none at all gave 181 MB.)
 */
function largeFileGc(size: number): (() => void) | undefined {
  if (size < 32 << 20) return undefined;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function runOptions(opts: ImportOptions): Record<string, unknown> {
  return {
    map: opts.map,
    mapStage: Object.fromEntries(opts.mapStage),
    currency: opts.currency ?? null,
    dateFormat: opts.dateOrder ?? null,
    match: opts.match ?? null,
    mode: opts.mode,
    empty: opts.empty,
    skipInvalid: opts.skipInvalid,
    createMissing: [...opts.createMissing],
    encoding: opts.encoding ?? null,
    repColumn: opts.repColumn ?? null,
  };
}

/** A run that wrote nothing is still history: who tried what, and how many rows were bad. */
function recordFailedRun(env: ImportEnv, spec: EntitySpec, file: string, res: FileResult): void {
  env.sqlite
    .prepare(
      'INSERT INTO import_runs (entity, files, file_hash, options, actor, started_at, finished_at, created_count, updated_count, unchanged_count, rejected_count, status) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)',
    )
    .run(spec.name, JSON.stringify([file]), fileHash([file]), JSON.stringify(runOptions(env.opts)), env.actor, env.now, env.now, res.rejected, 'rejected');
}
