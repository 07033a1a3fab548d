/**
 * Both engines for end-to-end tests: the same bin/crm command lines against a fresh SQLite file
 * and a fresh PostgreSQL database (the run's embedded server, test/setup/postgres.ts).
 *
 *   describe.each(ENGINES)('%s', (engine) => {
 *     const db = useEngineDb(engine);
 *     it('…', () => expect(crmOn(db.url, ['contact', 'list', '--json']).code).toBe(0));
 *   });
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { createTestPgDatabase, pgQuery } from './postgres.js';
import { crmBin } from './processes.js';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface EngineDb {
  engine: EngineName;
  /** What --db / CRM_DB takes: a file path or a postgres:// URL. */
  url: string;
  cleanup(): void;
}

/**
 * A fresh, empty database of the engine: a new PostgreSQL database (migrated by the first
 * command), or a SQLite file made with `crm db init` (commands refuse a missing file).
 */
export async function freshDatabase(engine: EngineName, label = 'crm'): Promise<EngineDb> {
  if (engine === 'postgres') return { engine, url: await createTestPgDatabase(label), cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'crm-engine-'));
  // An empty file, as a fresh PostgreSQL database is an empty one: crm db migrate sets up either
  // (a missing file is refused; only crm init creates one).
  const url = join(dir, `${label}.db`);
  writeFileSync(url, '', { mode: 0o600 });
  return { engine, url, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh database of the engine for the enclosing describe block (beforeAll / afterAll). */
export function useEngineDb(engine: EngineName, label = 'crm'): EngineDb {
  const handle: EngineDb = { engine, url: '', cleanup: () => undefined };
  beforeAll(async () => Object.assign(handle, await freshDatabase(engine, label)));
  afterAll(() => handle.cleanup());
  return handle;
}

export interface CrmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const crmEnv = (db: string, env: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  HOME: tmpdir(),
  TZ: 'UTC',
  CRM_NOW: '2026-11-20T17:55:00Z',
  NO_COLOR: '1',
  CRM_DB: db,
  ...env,
});

/**
 * Run bin/crm once against `db` (CRM_DB), with a frozen clock and a fixed user. It blocks the
 * test worker's event loop while the process runs: for more than a few processes in one test use
 * crmAsync / crmSeries / crmAll, which leave it free (vitest's worker RPC times out after 60 s of
 * a blocked loop on a loaded machine).
 */
export function crmOn(db: string, args: string[], env: Record<string, string> = {}): CrmResult {
  const r = spawnSync(process.execPath, [crmBin, ...args], { encoding: 'utf8', env: crmEnv(db, env), timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** crmOn without blocking: the same process, environment and result, as a promise. `input`: text on its stdin. */
export function crmAsync(db: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CrmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [crmBin, ...args], { env: crmEnv(db, env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // As spawnSync's timeout: a hung process is killed and reported with no exit code.
    const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
    child.on('error', (err) => (clearTimeout(timer), reject(err)));
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

/** Command lines run one after another against `db` (each may depend on the one before), without blocking. */
export async function crmSeries(db: string, steps: string[][], env: Record<string, string> = {}): Promise<CrmResult[]> {
  const out: CrmResult[] = [];
  for (const args of steps) out.push(await crmAsync(db, args, env));
  return out;
}

/**
 * Independent jobs with at most `limit` running at once (default 2, the cores of the test machine);
 * results in the order of `items`.
 */
export async function mapLimit<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>, limit = 2): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Independent command lines (e.g. read-only checks of one database, or one step on two databases), at most two at once. */
export function crmAll(jobs: readonly { db: string; args: string[]; env?: Record<string, string> }[], limit = 2): Promise<CrmResult[]> {
  return mapLimit(jobs, (j) => crmAsync(j.db, j.args, j.env), limit);
}

const isPgUrl = (db: string) => /^postgres(ql)?:\/\//.test(db);

/**
 * Run SQL statements (no parameters) on a database of either engine: rows a test writes directly.
 * On PostgreSQL identity columns then move past the largest id, as SQLite's rowid does, so rows
 * inserted with explicit ids do not collide with the next ones crm adds.
 */
export async function execSql(db: string, text: string): Promise<void> {
  if (!isPgUrl(db)) {
    const sqlite = new BetterSqlite3(db);
    try {
      sqlite.exec(text);
    } finally {
      sqlite.close();
    }
    return;
  }
  await pgQuery(db, text);
  await pgQuery(
    db,
    `DO $$ DECLARE r record; BEGIN
       FOR r IN SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES' LOOP
         EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), COALESCE((SELECT MAX(%I) FROM %I), 0) + 1, false)', r.table_name, r.column_name, r.column_name, r.table_name);
       END LOOP; END $$`,
  );
}

/** Rows of one query on a database of either engine (for comparing what a command stored, before and after). */
export async function querySql(db: string, text: string): Promise<Record<string, unknown>[]> {
  if (isPgUrl(db)) return pgQuery(db, text);
  const sqlite = new BetterSqlite3(db, { readonly: true });
  try {
    return sqlite.prepare(text).all() as Record<string, unknown>[];
  } finally {
    sqlite.close();
  }
}
