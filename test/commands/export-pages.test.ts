/**
 * crm export reads PostgreSQL in keyset pages (2,000 rows each, one REPEATABLE READ snapshot):
 * a table of several pages — with gaps in its ids — exports every row once, in id order, and
 * the same bytes as SQLite.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.js';
import { useTempDb } from '../helpers/run-cli.js';

const N = 4_321;
const rows = Array.from({ length: N }, (_, i) => [`user${String(i).padStart(5, '0')}`, `User ${i}`, i % 7 === 0 ? null : `u${i}@example.com`, i % 3 === 0]);

const outputs = new Map<string, string>();

describe.each(ENGINES)('export of several pages on %s', (engine) => {
  const t = useTempDb({ engine, init: true });

  it('every row once, in id order; ids with gaps', async () => {
    // Every thousandth of our rows deleted, so their ids have gaps across the pages.
    const GAPS = `DELETE FROM users WHERE handle LIKE 'user%' AND CAST(substr(handle, 5) AS INTEGER) % 1000 = 4`;
    await t.ok(['user', 'list']); // creates the schema on either engine
    const at = '2026-11-20T10:00:00.000Z';
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: t.db });
      await client.connect();
      try {
        for (let i = 0; i < N; i += 500) {
          const chunk = rows.slice(i, i + 500);
          const values = chunk.map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4}, '${at}', '${at}')`).join(', ');
          await client.query(`INSERT INTO users (handle, name, email, active, created_at, updated_at) VALUES ${values}`, chunk.flat());
        }
        await client.query(GAPS);
      } finally {
        await client.end();
      }
    } else {
      const db = new Database(t.db);
      const insert = db.prepare(`INSERT INTO users (handle, name, email, active, created_at, updated_at) VALUES (?, ?, ?, ?, '${at}', '${at}')`);
      db.transaction(() => {
        for (const r of rows) insert.run(r[0], r[1], r[2], r[3] ? 1 : 0);
      })();
      db.exec(GAPS);
      db.close();
    }
    const csv = (await t.ok(['export', 'users'])).stdout;
    const ndjson = (await t.ok(['export', 'users', '--format', 'ndjson'])).stdout;
    // The users made here, beside the ones the test harness made (the acting user, on SQLite the OS login too).
    const ours = (lines: string[]) => lines.filter((l) => /\buser\d{5}\b/.test(l));
    const handles = ours(ndjson.trim().split('\n')).map((l) => JSON.parse(l).handle);
    const expected = rows.filter((_, i) => i % 1000 !== 4).map((r) => r[0]);
    expect(handles).toEqual(expected);
    expect(ours(csv.trim().split('\n'))).toHaveLength(expected.length);
    outputs.set(engine, [csv.split('\n')[0]!, ...ours(csv.split('\n')), ...ours(ndjson.split('\n'))].join('\n'));
  }, 120_000);
});

describe('several pages', () => {
  it('print the same bytes on both engines', () => {
    expect(outputs.get('postgres')).toEqual(outputs.get('sqlite'));
  });
});
