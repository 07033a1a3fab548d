/** What the migration tests share: index definitions, query plans, backups, a racing upgrade. */
import BetterSqlite3 from 'better-sqlite3';
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { latestVersion } from '../../src/db/migrations/index.js';
import { migrate, schemaVersion } from '../../src/db/sqlite.js';

/** The CREATE INDEX statement of an index, or undefined when it does not exist. */
export function indexSql(db: BetterSqlite3.Database, name: string): string | undefined {
  return db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name) as string | undefined;
}

/** EXPLAIN QUERY PLAN, one line per step. */
export function queryPlan(db: BetterSqlite3.Database, query: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
}

/** The migration backups (`*.bak`) in a folder. */
export function backupsIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.bak'));
}

/**
 * Two connections that both read version `from` before either migrates: the first upgrades to
 * the latest version, the second finds nothing left to do (a migration applied twice would fail).
 */
export function migrateFromTwoConnections(path: string, from: number): void {
  const a = new BetterSqlite3(path);
  const b = new BetterSqlite3(path);
  try {
    expect(schemaVersion(b)).toBe(from);
    expect(migrate(a, path)).toMatchObject({ from, to: latestVersion });
    expect(migrate(b, path)).toEqual({ from: latestVersion, to: latestVersion });
  } finally {
    a.close();
    b.close();
  }
}
