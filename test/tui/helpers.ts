/** Helpers for TUI tests: a session on a fresh temp database, and waiting for a frame. */
import { openDatabase, type Db } from '../../src/db/sqlite.js';
import type { Session } from '../../src/domain/session.js';
import { DEFAULT_NOW, tempDb } from '../helpers/run-cli.js';

export function tuiSession(now = DEFAULT_NOW, actor = 'tester'): { session: Session; db: Db; cleanup(): void } {
  const t = tempDb();
  const db = openDatabase(t.db);
  const session: Session = { db, now: () => new Date(now), actor, timeZone: 'UTC' };
  return {
    session,
    db,
    cleanup() {
      db.close();
      t.cleanup();
    },
  };
}

/** Wait until the last frame satisfies `check` (Ink renders asynchronously after input and loads). */
export async function waitForFrame(lastFrame: () => string | undefined, check: (frame: string) => boolean, timeoutMs = 3000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const f = lastFrame() ?? '';
    if (check(f)) return f;
    if (Date.now() - start > timeoutMs) throw new Error(`frame never matched; last frame:\n${f}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
