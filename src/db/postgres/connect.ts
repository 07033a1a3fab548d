/**
 * The one place that opens a PostgreSQL database: the pool (with type parsers so rows read back
 * exactly as SQLite's do), the Kysely dialect, the version check and migrations. Loaded with
 * import() only when --db / CRM_DB is a postgres:// URL, so SQLite commands never load pg.
 *
 * Connection settings come from the URL; a field the URL leaves out comes from the standard
 * PG* variables (PGHOST, PGUSER, PGPASSWORD, PGSSLMODE …) and the password from ~/.pgpass, as
 * in psql (node-postgres does both).
 */
import { createRequire } from 'node:module';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
// pg's own URL parser (a dependency of pg's, bundled into this chunk with pg: scripts/build.mjs).
import { parse as parseConnectionString } from 'pg-connection-string';
import { UserError } from '../../errors.js';
import type { Migration } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { translatePgError } from './errors.js';
import { migratePostgres, pgSchemaVersion, type PgMigrateResult } from './migrate.js';
import { pgMigrations } from './migrations/index.js';
import { serializableTransaction } from './transaction.js';
import type { PgDb } from './types.js';
import { redactUrl } from './url.js';

export interface PgOpenOptions {
  /** Apply pending migrations (default). With false, an out-of-date database is opened as is. */
  migrate?: boolean;
  /** The migration list (tests inject one); default: the shipped ones. */
  migrations?: Migration[];
}

/** Type OIDs (pg_type) whose text crm reads its own way. */
const OID = { bool: 16, int8: 20, json: 114, date: 1082, timestamp: 1114, timestamptz: 1184, numeric: 1700, jsonb: 3802 } as const;

const defaultTimestamptz = pg.types.getTypeParser(OID.timestamptz, 'text') as (s: string) => Date;

/**
 * A timestamptz as crm's ISO text. The session runs with TimeZone=UTC and DateStyle=ISO, so the
 * server writes "2026-01-05 12:34:56.123456+00": that is rewritten in place (milliseconds cut as
 * a Date cuts them); anything else (another offset, BC, infinity) goes through pg's own parser and
 * Date. pg's way costs 4–8 µs a value — seconds for a report that reads 500,000 instants.
 */
export function timestamptzText(s: string): string {
  const n = s.length;
  // "YYYY-MM-DD HH:MM:SS[.f…]+00"
  if (n >= 22 && s.charCodeAt(n - 3) === 43 && s.charCodeAt(n - 2) === 48 && s.charCodeAt(n - 1) === 48 && s.charCodeAt(4) === 45 && s.charCodeAt(10) === 32) {
    if (n === 22) return `${s.slice(0, 10)}T${s.slice(11, 19)}.000Z`;
    if (s.charCodeAt(19) === 46 && n <= 29) return `${s.slice(0, 10)}T${s.slice(11, 19)}.${`${s.slice(20, Math.min(23, n - 3))}00`.slice(0, 3)}Z`;
  }
  return defaultTimestamptz(s).toISOString();
}

/** Rows as SQLite gives them: ISO-8601 UTC timestamps with milliseconds, numbers, 1/0 flags, JSON text, YYYY-MM-DD dates. */
const parsers: Record<number, (text: string) => unknown> = {
  [OID.bool]: (s) => (s === 't' ? 1 : 0),
  [OID.int8]: Number,
  [OID.numeric]: Number,
  [OID.json]: (s) => s,
  [OID.jsonb]: (s) => s,
  [OID.date]: (s) => s,
  [OID.timestamptz]: timestamptzText,
  [OID.timestamp]: (s) => timestamptzText(`${s}+00`),
};

export const crmTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => (format !== 'binary' && parsers[oid]) || pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** The ~/.pgpass reader pg uses, resolved from where pg is installed (it is pg's dependency). */
const requireFromPg = () => createRequire(createRequire(import.meta.url).resolve('pg'));

type ConnectionConfig = Omit<pg.PoolConfig, 'password'> & { password?: pg.PoolConfig['password'] | null };

/**
 * The URL as a pool config, read by pg's own parser. A password the URL and PGPASSWORD leave out is looked up in
 * ~/.pgpass (PGPASSFILE) by crm itself, as psql does: pg still does that, but prints a
 * deprecation warning on stderr each time (pg 8.23; its lookup goes away in pg 9).
 */
function connectionConfig(url: string): ConnectionConfig {
  // sslmode means what it means to psql (libpq): require encrypts, verify-full also checks the
  // certificate. pg 8 reads require as verify-full and warns on stderr about the coming change.
  const config: ConnectionConfig = { ...(parseConnectionString(url, { useLibpqCompat: !/[?&]uselibpqcompat=/i.test(url) }) as ConnectionConfig) };
  if (!config.password && !process.env.PGPASSWORD) {
    const pgPass = requireFromPg()('pgpass') as (params: unknown, done: (password: string | undefined) => void) => void;
    // pg calls it with the connection's parameters (host, port, database, user) when the server asks;
    // undefined means none was found, which pg reports as such.
    config.password = (...args: unknown[]) => new Promise<string>((resolve) => pgPass(args[0], (password) => resolve(password as string)));
  }
  return config;
}

/** A pool configured the way every crm connection is: UTC session, crm's type parsers. */
export function createPool(url: string, max = 4): pg.Pool {
  const config = connectionConfig(url) as pg.PoolConfig;
  return new pg.Pool({
    ...config,
    max,
    types: crmTypes,
    // Timestamps compare as UTC, like SQLite's ISO strings ("created_at >= '2026-01-01'"); after
    // any options the URL gives, so this one wins. Dates read and print as YYYY-MM-DD whatever the
    // server's DateStyle (a date cast to text, as the forecast's month bucket does, too).
    options: [config.options, '-c TimeZone=UTC -c DateStyle=ISO'].filter(Boolean).join(' '),
    application_name: config.application_name || 'crm',
    connectionTimeoutMillis: 15_000,
    idleTimeoutMillis: 1_000,
  });
}

export async function openPostgres(url: string, opts: PgOpenOptions = {}): Promise<PgDb> {
  const shown = redactUrl(url);
  const list = opts.migrations ?? pgMigrations;
  const latest = list.length ? list[list.length - 1]!.version : 0;
  const pool = createPool(url);
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const current = await pgSchemaVersion(pool);
    if (current > latest) {
      throw new UserError(
        `PostgreSQL at ${shown} has schema version ${current}, newer than this crm knows (${latest}).`,
        'Upgrade crm (git pull && npm install) before using this database.',
        'db_too_new',
      );
    }
    if (current < latest && opts.migrate !== false) await migratePostgres(pool, shown, list);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw translatePgError(err, shown);
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    engine: 'postgres',
    path: shown,
    kysely,
    pool,
    writeTransaction: (fn) => serializableTransaction(kysely, shown, fn),
    schemaVersion: () => pgSchemaVersion(pool),
    migrations: list,
    async serverInfo() {
      const res = await pool.query<{ v: string; size: number }>("SELECT current_setting('server_version') AS v, pg_database_size(current_database()) AS size");
      return { serverVersion: res.rows[0]!.v, sizeBytes: res.rows[0]!.size };
    },
    migrate: (): Promise<PgMigrateResult> => migratePostgres(pool, shown, list, { always: true }),
    async listen(channel, onNotify, onError) {
      const client = new pg.Client({ ...(connectionConfig(url) as pg.ClientConfig), types: crmTypes, application_name: 'crm listen' });
      client.on('notification', (msg) => {
        if (msg.channel === channel) onNotify();
      });
      client.on('error', (err) => onError?.(err));
      try {
        await client.connect();
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      } catch (err) {
        await client.end().catch(() => undefined);
        throw translatePgError(err, shown);
      }
      return { close: () => client.end().catch(() => undefined) };
    },
    async close(opts) {
      if (closed) return;
      closed = true;
      const ended = kysely.destroy(); // ends the pool: each idle connection writes Terminate (X) at once
      if (!opts?.detach) return ended;
      // The server closing the sockets takes 2–15 ms more (its backend exits); a process about to
      // exit need not wait for that: its sockets no longer keep it alive, and a Terminate already
      // written goes out first, so the server logs no unexpected EOF.
      ended.catch(() => undefined);
      for (const client of (pool as unknown as { _clients: { connection?: { stream?: { unref?: () => void } } }[] })._clients) client.connection?.stream?.unref?.();
    },
  };
}
