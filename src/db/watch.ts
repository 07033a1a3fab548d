/**
 * Change feeds for long-running readers (the TUI): "another process committed — reload". One
 * interface, one implementation per engine: SQLite polls `PRAGMA data_version` (sqlite-watch.ts:
 * one pragma, no table read); PostgreSQL LISTENs for the NOTIFY every write sends on commit
 * (postgres/watch.ts). The pg side loads only for a PostgreSQL database.
 */
import type { AnyDb } from './engine.js';
import { dataVersion } from './sqlite-watch.js';

export interface ChangeFeed {
  /** Changes so far; a new number after every change seen. */
  readonly version: number;
  /** Called with the new version after each change; returns the unsubscribe. */
  onChange(listener: (version: number) => void): () => void;
  close(): Promise<void>;
}

/** SQLite's data_version poll interval (PostgreSQL is told, not polled). */
export const POLL_MS = 1000;

export async function openChangeFeed(db: AnyDb, opts: { pollMs?: number } = {}): Promise<ChangeFeed> {
  if (db.engine === 'postgres') return (await import('./postgres/watch.js')).openPostgresFeed(db);
  return openSqliteFeed(db, opts.pollMs ?? POLL_MS);
}

/**
 * What both engines' feeds share: the change count and its listeners. The engine calls `bump()`
 * for each change it sees and hands `feed()` how to stop watching.
 */
export function changeCounter(): { bump(): void; feed(close: () => Promise<void>): ChangeFeed } {
  let version = 0;
  const listeners = new Set<(version: number) => void>();
  return {
    bump() {
      version++;
      for (const l of listeners) l(version);
    },
    feed: (close) => ({
      get version() {
        return version;
      },
      onChange(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close,
    }),
  };
}

function openSqliteFeed(db: AnyDb, pollMs: number): ChangeFeed {
  const changes = changeCounter();
  let seen = dataVersion(db);
  const timer = setInterval(() => {
    try {
      const v = dataVersion(db);
      if (v === seen) return;
      seen = v;
      changes.bump();
    } catch {
      // a busy or closing database: try again on the next tick
    }
  }, pollMs);
  timer.unref();
  return changes.feed(async () => clearInterval(timer));
}
