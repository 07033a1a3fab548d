/**
 * Custom-field queries (src/db/json-fields.ts) use SQLite's json_extract(); PostgreSQL gets a
 * function of the same name from migration 0010. Both must give the same value for the same
 * document and path, as text (where SQLite gives a number, its digits), so one query serves both.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../src/db/postgres/connect.js';
import type { PgDb } from '../../../src/db/postgres/types.js';
import { openDatabase } from '../../../src/db/sqlite.js';
import { createTestPgDatabase, pgQuery } from '../../helpers/postgres.js';

let url: string;
let db: PgDb;
beforeAll(async () => {
  url = await createTestPgDatabase('jsonx');
  db = await openPostgres(url); // migrates
});
afterAll(() => db?.close());

const key = fc.constantFrom('a', 'b', 'national_id', 'price');
const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -1e6, max: 1e6 }), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }));
const doc = fc.dictionary(key, fc.oneof(leaf, fc.dictionary(fc.constantFrom('amount', 'currency'), leaf, { maxKeys: 2 })), { maxKeys: 4 });
const path = fc.oneof(key.map((k) => `$.${k}`), fc.tuple(key, fc.constantFrom('amount', 'currency')).map(([k, s]) => `$.${k}.${s}`));

describe('json_extract on both engines', () => {
  it('gives the same text for the same document and path', async () => {
    const lite = openDatabase(':memory:');
    try {
      const stmt = lite.sqlite.prepare('SELECT CAST(json_extract(?, ?) AS TEXT) AS v').pluck();
      await fc.assert(
        fc.asyncProperty(doc, path, async (d, p) => {
          const text = JSON.stringify(d);
          const [row] = await pgQuery<{ v: string | null }>(url, 'SELECT json_extract($1::json, $2) AS v', [text, p]);
          expect(row!.v).toBe(stmt.get(text, p) ?? null);
        }),
        { numRuns: 60, seed: 2026 },
      );
    } finally {
      lite.close();
    }
  });
});
