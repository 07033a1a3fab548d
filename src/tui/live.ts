/**
 * Live reload: poll SQLite's data_version (bumped by commits from other connections — a cron
 * import, a colleague's terminal) and hand screens a number that changes when they should
 * reload. The poll is one pragma, no table read, so once a second costs nothing.
 */
import { useEffect, useState } from 'react';
import { dataVersion } from '../db/sqlite-watch.js';
import type { Session } from '../domain/session.js';

export const POLL_MS = 1000;

export function useDataVersion(session: Session, intervalMs = POLL_MS): number {
  const [version, setVersion] = useState(() => dataVersion(session.db));
  useEffect(() => {
    if (intervalMs <= 0) return;
    const timer = setInterval(() => {
      try {
        const v = dataVersion(session.db);
        setVersion((old) => (old === v ? old : v));
      } catch {
        // a busy or closing database: try again on the next tick
      }
    }, intervalMs);
    return () => clearInterval(timer);
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
