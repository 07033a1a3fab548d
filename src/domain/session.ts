/**
 * What domain functions need from the world: the database, "now", the acting user and zone.
 * The CLI builds it from CliContext; the TUI and tests build the same thing.
 */
import type { AnyDb } from '../db/engine.js';
import { joinedDb, type Trx } from '../db/transaction.js';
import type { Principal } from './permissions.js';
import type { FilterEnv } from '../db/filter.js';

export interface Session {
  db: AnyDb;
  now(): Date;
  /** What the audit log and history name: the acting user's handle, or "root on behalf of sara". */
  actor: string;
  timeZone: string;
  /** First day of the acting user's week: 1 = Monday (default) … 7 = Sunday (this-week, last-week). */
  weekStart?: number;
  /** Who is acting, for permission checks (src/domain/permissions.ts). The CLI and TUI set it; absent = unchecked. */
  principal?: Principal;
}

/** What a filter needs of the session: now, zone, week start and who `me` is (null: not a crm user). */
export function filterEnv(s: Session, me: { id: number } | null | undefined): FilterEnv {
  return {
    now: s.now(),
    // Read when a filter cuts a day, not before (the zone may cost ICU's set-up: src/context.ts).
    get timeZone() {
      return s.timeZone;
    },
    weekStart: s.weekStart,
    actorUserId: me?.id ?? null,
    actorHandle: s.actor,
    engine: s.db.engine,
  };
}

export function nowIso(s: Session): string {
  return s.now().toISOString();
}

/**
 * The same session reading and writing through `trx`, for planning a change inside its write
 * transaction from the rows as they are under the lock. Code given this session must not start a
 * transaction of its own (writeTransaction would wait for the connection `trx` holds).
 */
export function sessionIn(s: Session, trx: Trx): Session {
  return { ...s, db: { ...s.db, kysely: trx } };
}

/**
 * The same session inside the open write transaction `trx`, whose domain writes join it
 * (writeTransaction runs them on `trx`) instead of opening their own: several domain calls that
 * commit or roll back together. On PostgreSQL the whole transaction may run again on a
 * serialization failure, so the caller's function must do nothing but database work.
 */
export function joinTransaction(s: Session, trx: Trx): Session {
  return { ...s, db: joinedDb(s.db, trx) };
}
