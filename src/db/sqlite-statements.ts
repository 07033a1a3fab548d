/**
 * Kysely's SQLite dialect prepares every query anew; preparing costs more than running most of
 * them (a bulk writer such as crm mail import spent most of its time there). Prepared statements
 * are kept per SQL text and reused — better-sqlite3 statements are reusable, and SQLite
 * re-prepares one by itself after a schema change. A statement still iterating (a streamed
 * query) is busy, so a second use of the same text meanwhile gets a fresh statement. The cache
 * is bounded: when full it starts again (queries are few distinct texts; the bound guards against
 * texts built per value, such as IN lists of varying length).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX_STATEMENTS = 500;

export function cachingStatements(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) return hit;
      const stmt = sqlite.prepare(sql);
      if (cache.size >= MAX_STATEMENTS) cache.clear();
      if (!hit) cache.set(sql, stmt);
      return stmt;
    },
  } as SqliteDatabase;
}
