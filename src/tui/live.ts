/**
 * Live reload: a number that changes when another process committed — a cron import, a
 * colleague's terminal — so screens reload. The change feed is the engine's (src/db/watch.ts):
 * SQLite's data_version polled every `intervalMs`, PostgreSQL's LISTEN/NOTIFY (told, not polled).
 */
import { useEffect, useState } from 'react';
import { openChangeFeed, POLL_MS as FEED_POLL_MS, type ChangeFeed } from '../db/watch.js';
import type { Session } from '../domain/session.js';

export const POLL_MS = FEED_POLL_MS;

/** 0 turns live reload off (tests drive changes by hand). */
export function useDataVersion(session: Session, intervalMs = POLL_MS): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (intervalMs <= 0) return;
    let feed: ChangeFeed | undefined;
    let gone = false;
    openChangeFeed(session.db, { pollMs: intervalMs }).then(
      (f) => {
        if (gone) return void f.close();
        feed = f;
        f.onChange(setVersion);
      },
      () => undefined, // no live reload (the screens still reload after our own writes and on demand)
    );
    return () => {
      gone = true;
      void feed?.close();
    };
  }, [session, intervalMs]);
  return version;
}

/** A ticking clock for countdowns and "days in stage"; frozen when the session clock is. */
export function useNow(session: Session, intervalMs = 1000): Date {
  const [now, setNow] = useState(() => session.now());
  useEffect(() => {
    if (intervalMs <= 0) return;
    const timer = setInterval(() => {
      const n = session.now();
      setNow((old) => (old.getTime() === n.getTime() ? old : n));
    }, intervalMs);
    return () => clearInterval(timer);
  }, [session, intervalMs]);
  return now;
}
