/**
 * Where the database lives: --db, else CRM_DB, else $XDG_DATA_HOME/crm/crm.db
 * (~/.local/share/crm/crm.db). A postgres:// or postgresql:// URL is returned as given.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { isPostgresUrl } from './postgres/url.js';

export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const given = flag || env.CRM_DB;
  if (isPostgresUrl(given)) return given;
  if (flag) return flag === ':memory:' ? flag : resolve(flag);
  if (env.CRM_DB) return env.CRM_DB === ':memory:' ? env.CRM_DB : resolve(env.CRM_DB);
  const dataHome = env.XDG_DATA_HOME && env.XDG_DATA_HOME.trim() !== '' ? env.XDG_DATA_HOME : join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'crm', 'crm.db');
}
