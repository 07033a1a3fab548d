/**
 * What domain functions need from the world: the database, "now", the acting user and zone.
 * The CLI builds it from CliContext; the TUI and tests build the same thing.
 */
import type { Db } from '../db/sqlite.js';
import type { Principal } from './permissions.js';

export interface Session {
  db: Db;
  now(): Date;
  /** What the audit log and history name: the acting user's handle, or "root on behalf of sara". */
  actor: string;
  timeZone: string;
  /** Who is acting, for permission checks (src/domain/permissions.ts). The CLI and TUI set it; absent = unchecked. */
  principal?: Principal;
}

export function nowIso(s: Session): string {
  return s.now().toISOString();
}
