/**
 * The in-process harness of DESIGN.md §7: runCli(argv, {tty, now, db}) → {stdout, stderr, exitCode}.
 * Each call builds fresh IOStreams with string buffers; the database is a real file in a temp dir.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { findCommandToken, main } from '../../src/cli.js';
import { fixedClock } from '../../src/clock.js';
import type { IOStreams } from '../../src/io.js';
import { createTestPgDatabase } from './postgres.js';

export interface RunOptions {
  tty?: boolean;
  now?: string;
  db?: string;
  env?: Record<string, string>;
  /** Answers for prompts, in order (implies an interactive terminal). */
  answers?: string[];
  width?: number;
  color?: boolean;
  /** The OS login crm sees (default 'tester', the harness's first admin: `crm init` makes it one). */
  login?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** stdout parsed as JSON (throws if it is not). */
  json<T = any>(): T;
}

export const DEFAULT_NOW = '2026-11-20T17:55:00Z';

/** The login of every in-process run: `crm init` / `crm db init` make it the database's first admin, so tests may act --as anyone. */
export const TEST_LOGIN = 'tester';

export async function runCli(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const answers = [...(opts.answers ?? [])];
  const io: IOStreams = {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    stdin: Readable.from([]),
    isStdoutTTY: Boolean(opts.tty),
    isStderrTTY: Boolean(opts.tty),
    isInteractive: opts.answers !== undefined,
    color: Boolean(opts.color),
    width: opts.width ?? 120,
    quiet: false,
    prompt: async (q: string) => {
      stderr += q;
      if (!answers.length) throw new Error(`unexpected prompt: ${q}`);
      return answers.shift()!;
    },
  };
  const env: NodeJS.ProcessEnv = { HOME: '/nonexistent-home', TZ: 'UTC', CRM_USER: opts.login ?? TEST_LOGIN, ...opts.env };
  if (opts.db) env.CRM_DB = opts.db;
  const saved = process.exitCode;
  process.exitCode = undefined;
  const exitCode = await main(argv, { io, env, clock: fixedClock(opts.now ?? DEFAULT_NOW), login: opts.login ?? TEST_LOGIN });
  process.exitCode = saved;
  return {
    stdout,
    stderr,
    exitCode,
    json() {
      return JSON.parse(stdout);
    },
  };
}

/** The login a spawned bin/crm sees. */
export function osLogin(): string {
  return userInfo().username;
}

/** The crm user a spawned bin/crm is in a database made with useTempDb({ init: true }). */
export function osHandle(): string {
  const os = osLogin();
  return os === TEST_LOGIN ? TEST_LOGIN : `os.${os.toLowerCase().replace(/[^a-z0-9_.-]+/g, '.')}`;
}

/** A fresh temp directory with a database path inside; call cleanup() when done (useTempDb does both in hooks). */
export function tempDb(): { dir: string; db: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'crm-test-'));
  return { dir, db: join(dir, 'crm.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let template: Promise<string> | undefined;

/**
 * The file `crm db init` makes (always the same here: the harness's clock, login and environment),
 * made once per test worker and copied for each test that needs one: a copy costs milliseconds,
 * running the migrations a few hundred on a loaded machine, for hundreds of tests.
 */
function initialisedTemplate(): Promise<string> {
  template ??= (async () => {
    const { dir, db, cleanup } = tempDb();
    process.once('exit', cleanup);
    const init = await runCli(['db', 'init'], { db });
    if (init.exitCode !== 0) throw new Error(`crm db init → ${init.exitCode}: ${init.stderr}`);
    // The whole database in the one file (no -wal beside it), so a copy of that file is all of it.
    const sqlite = new BetterSqlite3(db);
    try {
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      sqlite.close();
    }
    if (existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 0) throw new Error(`crm db init left a write-ahead log in ${dir}`);
    return db;
  })();
  return template;
}

export type Cli = (argv: string[], opts?: RunOptions) => Promise<RunResult>;

/**
 * runCli bound to one database. A missing database is created first with `crm db init`, as a
 * user must (other commands refuse a missing file), unless the command is one that creates or
 * examines the file itself: `crm init`, `crm demo`, `crm db …`.
 */
export function cliFor(db: string, base: RunOptions = {}): Cli {
  return async (argv: string[], opts: RunOptions = {}) => {
    const noun = findCommandToken(argv);
    if (noun !== 'init' && noun !== 'demo' && noun !== 'db' && !/^postgres(ql)?:\/\//.test(db) && !existsSync(db)) {
      copyFileSync(await initialisedTemplate(), db);
    }
    return runCli(argv, { ...base, ...opts, db, env: { ...base.env, ...opts.env } });
  };
}

export interface TempDbOptions extends Omit<RunOptions, 'db'> {
  /** Create the database with `crm db init` in the set-up hook, before seed (for tests that spawn bin/crm: the OS login is made an admin too). */
  init?: boolean;
  /** Runs in the set-up hook once the temp dir exists (the database file is not created yet; crm() creates it with db init). */
  seed?: (t: TempDb) => unknown;
  /** One database for all tests of the enclosing suite (beforeAll/afterAll) instead of one per test. */
  shared?: boolean;
  /** Timeout of the set-up hook in ms (the config's hookTimeout if not given). */
  timeout?: number;
  /**
   * The engine: 'sqlite' (a file in the temp dir) or 'postgres' (a fresh database on the run's
   * server; `db` is its URL, `dir` still a temp dir). Default: CRM_TEST_ENGINE, else sqlite —
   * `CRM_TEST_ENGINE=postgres npx vitest run test/commands/x.test.ts` shows what a command
   * still lacks on PostgreSQL.
   */
  engine?: 'sqlite' | 'postgres';
}

/** The current test's temp database. dir and db throw outside tests and hooks; crm and ok look the
 * database up when called, so they may be destructured at the top of a file. */
export interface TempDb {
  readonly dir: string;
  readonly db: string;
  /** runCli bound to the database, with the RunOptions given to useTempDb as defaults. */
  readonly crm: Cli;
  /** crm() that throws (with stderr) unless the command exits 0. */
  readonly ok: Cli;
}

/** Registers hooks that give each test (with `shared`, the suite) a fresh temp database and remove it after;
 * after-hooks registered later run before that removal (vitest's default 'stack' order). */
export function useTempDb(options: TempDbOptions = {}): TempDb {
  const { seed, shared, timeout, init, engine = process.env.CRM_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite', ...base } = options;
  let current: ReturnType<typeof tempDb> | undefined;
  const live = () => {
    if (!current) throw new Error('useTempDb: the database exists only inside tests and hooks');
    return current;
  };
  const t: TempDb = {
    get dir() {
      return live().dir;
    },
    get db() {
      return live().db;
    },
    crm: (argv, opts) => cliFor(live().db, base)(argv, opts),
    ok: async (argv, opts) => {
      const r = await t.crm(argv, opts);
      if (r.exitCode !== 0) throw new Error(`crm ${argv.join(' ')} → ${r.exitCode}: ${r.stderr}`);
      return r;
    },
  };
  (shared ? beforeAll : beforeEach)(async () => {
    current = tempDb();
    if (engine === 'postgres') current.db = await createTestPgDatabase('t');
    else if (init) {
      await t.ok(['db', 'init']);
      // Tests that spawn bin/crm run as the real OS login: make it an admin too (it then acts for tester via CRM_USER).
      if (osLogin() !== TEST_LOGIN) await t.ok(['user', 'add', osHandle(), '--login', osLogin(), '--role', 'admin']);
    }
    await seed?.(t);
  }, timeout);
  (shared ? afterAll : afterEach)(() => {
    current?.cleanup();
    current = undefined;
  });
  return t;
}
