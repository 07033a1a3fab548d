/**
 * `crm contact find` on PostgreSQL is answered by indexes, not by reading every contact: the
 * trigram index of migration 0018 (pg_trgm ships with the server) for the contact's own text and,
 * through a BitmapOr, the company_id index for contacts of a matching company. Every query the
 * search sends is captured and explained with its own parameters. A plan assertion, not a timing.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../src/db/postgres/connect.js';
import type { PgDb } from '../../../src/db/postgres/types.js';
import { listContacts, searchContacts } from '../../../src/domain/contacts.js';
import type { Session } from '../../../src/domain/session.js';
import { createTestPgDatabase, pgQuery } from '../../helpers/postgres.js';

let url: string;
let db: PgDb;
let s: Session;

beforeAll(async () => {
  url = await createTestPgDatabase('search_plans');
  db = await openPostgres(url);
  await pgQuery(url, "INSERT INTO users (handle, name, role, created_at, updated_at) VALUES ('tester', 'Tester', 'admin', now(), now())");
  await pgQuery(url, "INSERT INTO companies (name, name_fold, created_at, updated_at) SELECT 'Company ' || i, 'company ' || i, now(), now() FROM generate_series(1, 20000) i");
  await pgQuery(
    url,
    `INSERT INTO contacts (first_name, last_name, email, email_norm, company_id, owner_id, search_text, created_at, updated_at)
     SELECT 'Ann', 'Number' || i, 'ann' || i || '@example.com', 'ann' || i || '@example.com', 1 + i % 20000, 1, 'ann number' || i || ' ann' || i || '@example.com', now(), now()
       FROM generate_series(1, 60000) i`,
  );
  await pgQuery(url, 'ANALYZE');
  s = { db, now: () => new Date('2026-11-20T12:00:00Z'), actor: 'tester', timeZone: 'UTC' };
}, 120_000);
afterAll(() => db?.close());

/** The statements fn sends (text and parameters), from the pg client every pool connection is. */
async function statementsOf(fn: () => Promise<unknown>): Promise<{ text: string; values: unknown[] }[]> {
  const seen: { text: string; values: unknown[] }[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (typeof args[0] === 'string') seen.push({ text: args[0], values: (args[1] as unknown[]) ?? [] });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await fn();
  } finally {
    pg.Client.prototype.query = original;
  }
  return seen.filter((q) => /search_text/.test(q.text));
}

async function plan(q: { text: string; values: unknown[] }): Promise<string> {
  const rows = await pgQuery<{ 'QUERY PLAN': string }>(url, `EXPLAIN ${q.text}`, q.values);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('contact search on PostgreSQL', () => {
  it('migration 0018 made the trigram indexes (this server ships pg_trgm)', async () => {
    const names = (await pgQuery<{ n: string }>(url, "SELECT indexname AS n FROM pg_indexes WHERE indexname LIKE '%\\_trgm' ORDER BY 1")).map((r) => r.n);
    expect(names).toEqual(['companies_name_trgm', 'contacts_search_trgm']);
  });

  it.each([
    ['contact find number4242', () => searchContacts(s, ['number4242'], { limit: 50 })],
    ['contact find ann4242@example (all)', () => searchContacts(s, ['ann4242@example'])],
    ['contact list number4242 (free text in the filter)', () => listContacts(s, { filter: ['number4242'], limit: 50 })],
  ] as const)('%s: a trigram index scan, no sequential scan of contacts', async (_name, fn) => {
    const statements = await statementsOf(fn);
    expect(statements.length).toBeGreaterThan(0);
    for (const q of statements) {
      const text = await plan(q);
      expect(text, q.text).toContain('Bitmap Index Scan on contacts_search_trgm');
      // The contacts searched (alias c) are never read whole; a referrer looked up by id (rb) is fine.
      expect(text, q.text).not.toMatch(/Seq Scan on contacts c\b|Index Scan using contacts_pkey on contacts c\b/);
    }
  });

  it('finds what SQLite finds: the contact by its text and the contacts of a matching company', async () => {
    expect((await searchContacts(s, ['number4242'])).rows.map((r) => r.lastName)).toEqual(['Number4242', 'Number42420', 'Number42421', 'Number42422', 'Number42423', 'Number42424', 'Number42425', 'Number42426', 'Number42427', 'Number42428', 'Number42429']);
    // Company n has contacts n - 1, n - 1 + 20000 and n - 1 + 40000.
    expect((await searchContacts(s, ['company 19999'])).rows.map((r) => r.lastName)).toEqual(['Number19998', 'Number39998', 'Number59998']);
    // LIKE wildcards in what is searched for are literal characters.
    expect((await searchContacts(s, ['ann_4242'])).rows).toEqual([]);
    expect((await searchContacts(s, ['%'])).rows).toEqual([]);
  });
});
