/**
 * PostgreSQL migrations: applied exactly once even when several crm processes start at once.
 *
 * The version lives in schema_migrations (one row per applied migration). The common, up-to-date
 * case costs one query without a lock. Otherwise one transaction takes a transaction-scoped
 * advisory lock first (pg_advisory_xact_lock: released by COMMIT or ROLLBACK, never left behind
 * by a killed process), creates schema_migrations if needed, re-reads the version under the lock
 * and applies what is still pending. Of several processes, the first migrates; the others wait
 * on the lock and then find nothing to do. PostgreSQL's DDL is transactional: a failing
 * migration leaves the database at its previous version.
 */
import type pg from 'pg';
import { CrmError, UserError } from '../../errors.js';
import type { Migration } from '../migrations/index.js';
import { translatePgError } from './errors.js';
import { syncAccess } from './access.js';

/** The advisory lock key of crm's migrations ("crm" in ASCII); per database, like all advisory locks. */
const MIGRATION_LOCK = 0x63726d;

/** The schema version whose users table the access rules read (users.login, 0009). */
const ACCESS_SINCE = 9;

const CREATE_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** The applied schema version (0: an empty database, no schema_migrations yet). One round trip. */
export async function pgSchemaVersion(client: pg.ClientBase | pg.Pool): Promise<number> {
  try {
    const res = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return Number(res.rows[0]?.v ?? 0);
  } catch (err) {
    // undefined_table; only ever outside a transaction (migratePostgres creates the table first).
    if ((err as { code?: string }).code === '42P01') return 0;
    throw err;
  }
}

export interface PgMigrateResult {
  from: number;
  to: number;
}

/**
 * `always`: also when nothing is pending, re-apply the access rules (grants and row security
 * compiled from the permission table, access.ts) — what `crm db migrate` and `crm db grant` do.
 */
export async function migratePostgres(pool: pg.Pool, shown: string, list: Migration[], opts: { always?: boolean } = {}): Promise<PgMigrateResult> {
  const latest = list.length ? list[list.length - 1]!.version : 0;
  const unlocked = await pgSchemaVersion(pool);
  if (unlocked >= latest && !opts.always) return { from: unlocked, to: unlocked };
  const client = await pool.connect();
  let current = unlocked;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(CREATE_VERSION_TABLE);
    current = await pgSchemaVersion(client);
    for (const m of list) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    // The permission table as grants and row-level security, for people connecting as their own
    // role (access.ts); regenerated with every schema change, so new tables are granted too.
    if (latest >= ACCESS_SINCE && (current < latest || opts.always)) await syncAccess(client);
    await client.query('COMMIT');
    return { from: current, to: Math.max(current, latest) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const translated = translatePgError(err, shown);
    if (translated instanceof CrmError) throw translated;
    throw new UserError(
      `Migrating PostgreSQL at ${shown} failed, so it was left at schema version ${current}: ${(err as Error).message}`,
      'Nothing was changed. Report this with CRM_DEBUG=1 output; meanwhile use the previous crm version.',
      'migration_failed',
    );
  } finally {
    client.release();
  }
}
