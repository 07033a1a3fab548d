/**
 * Where the database lives: --db, else CRM_DB, else $XDG_DATA_HOME/crm/crm.db
 * (~/.local/share/crm/crm.db). A postgres:// or postgresql:// URL is returned as given.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { isPostgresUrl } from './postgres/url.js';
import { UsageError, UserError } from '../errors.js';

export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  // An empty value is a mistake (an unset shell variable, a typo), never "the default database".
  if (flag !== undefined && flag.trim() === '') throw new UsageError('--db was given an empty path.', 'Pass --db PATH, or leave --db out for the default database.');
  const given = flag || env.CRM_DB;
  if (isPostgresUrl(given)) return given;
  if (flag) return flag === ':memory:' ? flag : resolve(flag);
  if (env.CRM_DB !== undefined && env.CRM_DB.trim() === '') throw new UsageError('CRM_DB is set but empty.', 'Set it to a database path, or unset it (unset CRM_DB) for the default database.');
  if (env.CRM_DB) return env.CRM_DB === ':memory:' ? env.CRM_DB : resolve(env.CRM_DB);
  const dataHome = env.XDG_DATA_HOME && env.XDG_DATA_HOME.trim() !== '' ? env.XDG_DATA_HOME : join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'crm', 'crm.db');
}

/**
 * No file at the database path. Only `crm init` (`crm db init`), `crm demo` and `crm db restore`
 * create one: any other command on a mistyped path, or from cron with another HOME, would
 * otherwise report an empty database as if it were the real one.
 */
export function missingDatabaseError(path: string): UserError {
  return new UserError(`no crm database at ${path} — create one with \`crm init\``, undefined, 'db_missing');
}
