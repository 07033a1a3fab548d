/** Helpers for TUI tests: a session on a fresh temp database, and waiting for a frame. */
import { openDatabase, type Db } from '../../src/db/sqlite.js';
import { addDeal } from '../../src/domain/deals.js';
import type { Session } from '../../src/domain/session.js';
import { addUser } from '../../src/domain/users.js';
import { DEFAULT_NOW, tempDb } from '../helpers/run-cli.js';

/** Another user, on another connection to the same file (like a colleague's terminal). */
export async function asOther<T>(session: Session, actor: string, fn: (s: Session) => Promise<T>): Promise<T> {
  const other = openDatabase(session.db.path);
  try {
    return await fn({ ...session, db: other, actor });
  } finally {
    other.close();
  }
}

/** The board tests' users: tester (the session's actor) and sara. */
export async function addBoardUsers(s: Session): Promise<void> {
  await addUser(s, { handle: 'tester', name: 'Test User' });
  await addUser(s, { handle: 'sara', name: 'Sara Rahimi' });
}

/** Three deals on the board: two in Qualification (EUR, and sara's USD), one in Quote. */
export async function seedBoard(s: Session): Promise<void> {
  await addDeal(s, { title: 'Acme renewal', company: 'Acme Ltd', amount: '12500.50 EUR', close: '2026-11-10', stage: 'Qualification' });
  await addDeal(s, { title: 'Globex pumps', company: 'Globex', amount: '250000 USD', close: '2026-12-15', stage: 'Qualification', owner: 'sara' });
  await addDeal(s, { title: 'Initech valves', company: 'Initech', amount: '4000 EUR', stage: 'Quote' });
}

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

/**
 * Wait until the last frame satisfies `check` (Ink renders asynchronously after input and loads).
 * The bound is generous on purpose: it only matters when the frame never comes, and a busy CI
 * machine took over 3 s (the old bound) for a first frame that loads from the database.
 */
export async function waitForFrame(lastFrame: () => string | undefined, check: (frame: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const f = lastFrame() ?? '';
    if (check(f)) return f;
    if (Date.now() - start > timeoutMs) throw new Error(`frame never matched; last frame:\n${f}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/**
 * Type keys, then wait until Ink has drawn their effect (the frame changed) before the next input.
 * A fixed 20 ms pause raced the render on a busy machine: the next key could reach the old state
 * (a search typed before the search box opened, Enter before the typed text was in the form).
 * Some keys change nothing a colourless frame shows (a cursor move); for those the wait ends
 * after `quietMs` — ten times the old pause — as the frame stays as it was.
 */
export async function press(app: { lastFrame: () => string | undefined; stdin: { write: (data: string) => void } }, keys: string, quietMs = 200): Promise<void> {
  const before = app.lastFrame() ?? '';
  app.stdin.write(keys);
  const start = Date.now();
  while ((app.lastFrame() ?? '') === before && Date.now() - start < quietMs) await new Promise((r) => setTimeout(r, 5));
}
