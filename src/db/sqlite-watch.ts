/**
 * Change detection for long-running readers (the TUI). SQLite bumps `PRAGMA data_version`
 * whenever ANOTHER connection commits to the file; our own writes do not change it, so the
 * caller reloads after its own writes anyway. Cheap: no table is read.
 */
import { sqliteOnly, type AnyDb } from './engine.js';

export function dataVersion(db: AnyDb): number {
  return Number(sqliteOnly(db, 'The live TUI').sqlite.pragma('data_version', { simple: true }));
}
