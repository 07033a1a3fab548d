/**
 * `crm demo` seeds a PostgreSQL database with the same data as a SQLite file (same seed, same
 * CRM_NOW): every entity exports to the same bytes on both. A PostgreSQL database that already
 * holds data is refused — crm never empties a server database.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crmAll, crmOn, freshDatabase, type CrmResult } from '../helpers/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-demo-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENTITIES = ['contacts', 'companies', 'deals', 'tickets', 'activities', 'users', 'products', 'orders'];

describe('crm demo on both engines', () => {
  it('the same data: counts, and every entity exported in CSV and NDJSON byte for byte', async () => {
    const [lite, pg] = [await freshDatabase('sqlite', 'demo'), await freshDatabase('postgres', 'demo')];
    try {
      const [a, b] = (await crmAll([{ db: lite.url, args: ['demo', '--json'] }, { db: pg.url, args: ['demo', '--json'] }])) as [CrmResult, CrmResult];
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const counts = JSON.parse(b.stdout).counts;
      expect(counts).toEqual(JSON.parse(a.stdout).counts);
      expect(counts.tickets).toBeGreaterThan(10);
      expect(counts).toMatchObject({ products: 6, quotes: 21, orders: 9, invoices: 7, fx_rates: 7 * 48 });
      // With its exchange rates, the VP's one figure: every order in USD, the same on both engines.
      const sales = ['report', 'sales', '--in', 'USD', '--period', 'this-year', '--json'];
      const [sa, sb] = (await crmAll([{ db: lite.url, args: sales }, { db: pg.url, args: sales }])) as [CrmResult, CrmResult];
      expect(sb.code, sb.stderr).toBe(0);
      expect(sb.stdout).toBe(sa.stdout);
      const report = JSON.parse(sb.stdout);
      expect(report.rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(report.rows)).not.toMatch(/"currency":"(?!USD)/);
      // Read-only: every export of both databases, two processes at a time, compared afterwards.
      const exports = ENTITIES.flatMap((entity) => ['csv', 'ndjson'].map((format) => ({ entity, format })));
      // To files: the larger exports exceed what a test would want to hold from stdout.
      const file = (side: string, e: { entity: string; format: string }) => join(dir, `${side}.${e.entity}.${e.format}`);
      const done = await crmAll(exports.flatMap((e) => [
        { db: lite.url, args: ['export', e.entity, '-o', file('lite', e)] },
        { db: pg.url, args: ['export', e.entity, '-o', file('pg', e)] },
      ]));
      exports.forEach((e, i) => {
        const [x, y] = [done[2 * i]!, done[2 * i + 1]!];
        expect(x.code, x.stderr).toBe(0);
        expect(y.code, y.stderr).toBe(0);
        expect(readFileSync(file('pg', e), 'utf8'), `${e.entity} ${e.format}`).toBe(readFileSync(file('lite', e), 'utf8'));
      });
      // The tour never shows the password of the URL; a second demo is refused, data untouched.
      const password = new URL(pg.url).password;
      const tour = crmOn(pg.url, ['demo']);
      expect(tour.code).toBe(1);
      expect(tour.stderr).toMatch(/^error: postgres:\/\/.*:\*\*\*@.* already holds data \(users\)\.\nhint: .*empty PostgreSQL database.*\n$/);
      expect(tour.stderr).not.toContain(password);
      expect(crmOn(pg.url, ['export', 'users', '--format', 'csv']).stdout).toBe(crmOn(lite.url, ['export', 'users', '--format', 'csv']).stdout);
    } finally {
      lite.cleanup();
      pg.cleanup();
    }
  }, 240_000);

  it('the tour printed for a server URL hides its password', async () => {
    const pg = await freshDatabase('postgres', 'tour');
    const r = crmOn('', ['--db', pg.url, 'demo', '--seed', '7'], { CRM_DB: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(new URL(pg.url).password);
    expect(r.stdout).toContain('--db postgres://');
    expect(r.stdout).toContain(':***@');
  }, 120_000);
});
