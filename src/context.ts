/**
 * CliContext: the only way a command reaches the world — streams, a lazily opened database,
 * the clock, the acting user, output options. `--help` never opens the database.
 */
import { userInfo } from 'node:os';
import type { Clock } from './clock.js';
import type { IOStreams } from './io.js';
import type { Output } from './output/render.js';
import type { Db, OpenOptions } from './db/sqlite.js';
import type { AnyDb, Engine, PgDb } from './db/engine.js';
import { resolveDbPath } from './db/path.js';
import { isTimeZone, parseCalendarKind, type CalendarKind } from './domain/dates.js';
import { isPostgresUrl, redactUrl } from './db/postgres/url.js';
import { UsageError, UserError } from './errors.js';
import type { Identity } from './domain/identity.js';

export interface GlobalOptions {
  db?: string;
  as?: string;
  json?: boolean;
  format?: string;
  output?: string;
  color?: boolean;
  quiet?: boolean;
  migrate?: boolean;
  journal?: string;
  wide?: boolean;
  tz?: string;
  /** --calendar: persian | gregorian (not for `crm user`, whose own --calendar is the user's setting). */
  calendar?: string;
}

export interface CliContext {
  io: IOStreams;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  globals: GlobalOptions;
  /** Output options derived from globals; pass to src/output renderers. */
  readonly out: Output;
  /**
   * IANA zone used to show times and to cut days, weeks and months (TZ, else the system's).
   * Worked out when read: the system's zone costs ICU's set-up, which a command that shows no
   * time and cuts no day never pays (out.opts.timeZone and sessionOf(ctx).timeZone read it late).
   */
  readonly timeZone: string;
  /**
   * Refuses a --tz or TZ that names no zone (a usage error naming it), as reading timeZone would:
   * src/cli.ts calls it before every command, whether or not the command reads the zone.
   */
  checkTimeZone(): void;
  /** The calendar dates are read and shown in: --calendar, else the acting user's, else gregorian. */
  readonly calendar: CalendarKind;
  dbPath(): string;
  /** Which engine --db / CRM_DB names: a postgres:// URL is PostgreSQL, anything else a SQLite file. */
  engine(): Engine;
  /**
   * Open (and migrate) the database before the command runs, when opening is asynchronous
   * (PostgreSQL; src/cli.ts calls it for commands that run there). SQLite opens lazily in db().
   */
  openDb(): Promise<void>;
  /** The open database of either engine: what domain sessions use. */
  anyDb(): AnyDb;
  /**
   * The open PostgreSQL database, for what only PostgreSQL has (server status, roles, engine
   * checks); on SQLite a one-line UserError saying that `what` (e.g. "crm db grant") needs PostgreSQL.
   */
  pgDb(what: string, hint?: string): PgDb;
  /**
   * The SQLite database, opened (and migrated) on first use; on PostgreSQL a "not yet" error.
   * A missing file is a db_missing error unless `create` (only `crm init`, `crm db init`,
   * `crm demo` and `crm db restore` pass it).
   */
  db(opts?: { create?: boolean }): Db;
  /** Whether db() has been called (so close() knows). */
  hasDb(): boolean;
  /** The audit name of who is acting: the resolved identity's, else --as, else CRM_USER, else the login. */
  actor(): string;
  /** Who is at the keyboard: the database role of a person on PostgreSQL, else the OS login name (the harness injects one). */
  login(): string;
  /** On PostgreSQL, the person's own database role when they connect as one (read with the identity). */
  databaseRole?: string;
  /** --as, else CRM_USER — undefined when neither is given. */
  requestedUser(): string | undefined;
  /** Who is acting, once resolved (src/cli.ts resolves it before every command that reads or writes records). */
  identity?: Identity;
  /** The database's default time zone (settings), once read with the identity. */
  defaultTimeZone?: string | null;
  /** The acting user's first day of the week (1 = Monday … 7 = Sunday), else the database's default; read with the identity. */
  weekStart?: number;
  /** `detach`: the process exits next, so PostgreSQL connections are not waited for (PgDb.close). */
  close(opts?: { detach?: boolean }): Promise<void>;
}

export interface ContextDeps {
  io: IOStreams;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Opens the database; injected so the sqlite module (and Kysely) load only when needed. */
  openDb: (path: string, opts: OpenOptions) => Db;
  /** Opens a PostgreSQL database; injected so pg loads only for a postgres:// URL. */
  openPostgres?: (url: string, opts: { migrate?: boolean }) => Promise<PgDb>;
  /** The OS login name; default: the process's user. Tests inject one. */
  login?: string;
}

export function createContext(deps: ContextDeps): CliContext {
  let db: Db | undefined;
  let pgDb: PgDb | undefined;
  const ctx: CliContext = {
    io: deps.io,
    env: deps.env,
    clock: deps.clock,
    globals: {},
    get out(): Output {
      return {
        io: ctx.io,
        opts: {
          format: ctx.globals.format,
          json: ctx.globals.json,
          outFile: ctx.globals.output,
          wide: ctx.globals.wide,
          now: ctx.clock.now(),
          get timeZone() {
            return ctx.timeZone;
          },
          calendar: ctx.calendar,
        },
      };
    },
    // --tz, else the acting user's zone, else TZ, else the database's default, else the system's.
    get timeZone(): string {
      if (ctx.globals.tz !== undefined) return checkedZone(ctx.globals.tz, '--tz');
      const own = ctx.identity?.user.timezone;
      if (own && isTimeZone(own)) return own;
      if (!deps.env.TZ && ctx.defaultTimeZone && isTimeZone(ctx.defaultTimeZone)) return ctx.defaultTimeZone;
      return timeZoneFrom(deps.env);
    },
    checkTimeZone() {
      // What the timeZone getter checks before it reaches the system's zone: --tz, else TZ
      // unless the acting user has a zone of their own (which then wins over TZ).
      if (ctx.globals.tz !== undefined) checkedZone(ctx.globals.tz, '--tz');
      else if (deps.env.TZ && !ctx.identity?.user.timezone) timeZoneFrom(deps.env);
    },
    get calendar(): CalendarKind {
      if (ctx.globals.calendar !== undefined) return parseCalendarKind(ctx.globals.calendar);
      return ctx.identity?.user.calendar === 'persian' ? 'persian' : 'gregorian';
    },
    dbPath: () => resolveDbPath(ctx.globals.db, deps.env),
    engine: () => (isPostgresUrl(ctx.dbPath()) ? 'postgres' : 'sqlite'),
    async openDb() {
      if (pgDb || ctx.engine() !== 'postgres') return;
      if (!deps.openPostgres) throw new UserError(`Cannot open ${redactUrl(ctx.dbPath())}: PostgreSQL is not available here.`);
      pgDb = await deps.openPostgres(ctx.dbPath(), { migrate: ctx.globals.migrate !== false });
    },
    anyDb() {
      if (ctx.engine() !== 'postgres') return ctx.db();
      if (!pgDb) throw new Error('PostgreSQL database used before ctx.openDb()');
      return pgDb;
    },
    pgDb(what, hint) {
      // Decided from --db / CRM_DB alone: a SQLite file is not opened just to be refused.
      if (ctx.engine() !== 'postgres') throw new UserError(`${what} needs PostgreSQL; ${ctx.dbPath()} is a SQLite file.`, hint ?? 'Point --db / CRM_DB at a postgres:// URL (README "Running on PostgreSQL").', 'needs_postgres');
      return ctx.anyDb() as PgDb;
    },
    db(opts) {
      if (!db) {
        if (ctx.engine() === 'postgres') throw new UserError('This command does not run on PostgreSQL yet (issue #15).', 'Use a SQLite database for it (--db FILE).', 'not_on_postgres');
        db = deps.openDb(ctx.dbPath(), { ...openOptionsFrom(ctx.globals, deps.env), create: Boolean(opts?.create) });
      }
      return db;
    },
    hasDb: () => db !== undefined || pgDb !== undefined,
    actor() {
      return ctx.identity?.actor ?? ctx.requestedUser() ?? ctx.login();
    },
    // On PostgreSQL a person connecting as their own database role (a member of crm_member) is
    // that role, whatever the OS login (src/db/postgres/access.ts); else the OS login.
    login: () => ctx.databaseRole ?? deps.login ?? safeLogin(),
    requestedUser: () => ctx.globals.as || deps.env.CRM_USER || undefined,
    async close(opts) {
      if (db) {
        db.close();
        db = undefined;
      }
      if (pgDb) {
        const open = pgDb;
        pgDb = undefined;
        await open.close(opts);
      }
    },
  };
  return ctx;
}

/** Database options from the global flags and environment (--journal/CRM_JOURNAL, CRM_BUSY_TIMEOUT, --no-migrate). */
export function openOptionsFrom(globals: GlobalOptions, env: NodeJS.ProcessEnv): OpenOptions {
  const journal = globals.journal ?? env.CRM_JOURNAL;
  if (journal !== undefined && journal !== 'wal' && journal !== 'delete') {
    throw new UsageError(`Unknown journal mode "${journal}".`, 'Use --journal wal (default) or --journal delete.');
  }
  const busy = env.CRM_BUSY_TIMEOUT;
  if (busy !== undefined && !/^\d+$/.test(busy)) throw new UsageError(`CRM_BUSY_TIMEOUT must be milliseconds, not "${busy}".`, 'e.g. CRM_BUSY_TIMEOUT=10000');
  return {
    create: false,
    migrate: globals.migrate !== false,
    journal: journal as 'wal' | 'delete' | undefined,
    busyTimeoutMs: busy === undefined ? undefined : Number(busy),
  };
}

let systemZone: string | undefined;

/**
 * The zone of TZ (a leading ':' as glibc allows), else the system's. A TZ that names no zone is
 * a usage error naming the variable, before any date is cut with it.
 */
export function timeZoneFrom(env: NodeJS.ProcessEnv): string {
  const tz = env.TZ?.replace(/^:/, '');
  if (!tz) return (systemZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  if (!isTimeZone(tz)) {
    throw new UsageError(`TZ=${env.TZ} is not a time zone crm knows.`, 'Set TZ to an IANA zone such as Europe/Berlin, America/New_York or UTC, or unset it for the system zone.', 'invalid_tz');
  }
  return tz;
}

function checkedZone(tz: string, what: string): string {
  if (!isTimeZone(tz)) throw new UsageError(`${what} ${tz} is not a time zone crm knows.`, 'Use an IANA zone such as Europe/Berlin, America/New_York or UTC.', 'invalid_tz');
  return tz;
}

function safeLogin(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
