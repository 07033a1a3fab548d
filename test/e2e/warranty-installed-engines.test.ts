/**
 * Warranty from installed products (#19 item 6, used by the support loop of #20), on SQLite and
 * PostgreSQL. A ticket naming a product its customer bought (by SKU or name) is under warranty
 * until the order date (fulfilment date once fulfilled) + the product's warranty months; the
 * ticket's own date wins, the company's date is the fallback. Worked out by hand:
 *
 *   order          company  product (24 months)  ordered     → warranty end
 *   SO-2024-0001   Acme     WIDGET-01            2024-01-31  2026-01-31 (expired on 2026-11-20)
 *   SO-2025-0001   Globex   WIDGET-01            2025-06-15  fulfilled 2025-07-01 → 2027-07-01
 *   SO-2026-0001   Acme     WIDGET-01            2026-10-01  cancelled: no warranty
 *
 *   ticket  customer                 product       own date     → warranty
 *   1 A     sara (Acme, by contact)  "widget-01"   —            expired 2026-01-31 (product)
 *   2 B     Globex                   "widget pro"  —            active 2027-07-01 (product)
 *   3 C     Acme                     WIDGET-01     2027-12-31   active 2027-12-31 (ticket)
 *   4 D     Acme (date 2025-01-01)   "Unknown"     —            expired 2025-01-01 (company)
 *   5 E     Globex                   —             —            none
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { ENGINES, freshDatabase, querySql, type EngineDb } from '../helpers/engines.js';
import { runCrm } from '../helpers/processes.js';
import { dayOfNumber, warrantyEnd, warrantyEndNumberSql } from '../../src/domain/warranty.js';

type Step = [now: string, args: string[]];
const J = '2024-01-02T09:00:00Z';
const SETUP: Step[] = [
  [J, ['db', 'migrate']],
  [J, ['company', 'add', 'Acme']],
  [J, ['company', 'add', 'Globex']],
  [J, ['contact', 'add', 'Sara Rahimi', '--email', 'sara@acme.example', '--company', 'Acme']],
  [J, ['product', 'add', 'WIDGET-01', '--name', 'Widget Pro', '--price', '100 EUR', '--warranty', '24']],
  [J, ['deal', 'add', 'D1', '--company', 'Acme', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '1', 'WIDGET-01', '--qty', '1']],
  ['2024-01-31T09:00:00Z', ['deal', 'win', '1']],
  [J, ['deal', 'add', 'D2', '--company', 'Globex', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '2', 'WIDGET-01', '--qty', '1']],
  ['2025-06-15T09:00:00Z', ['deal', 'win', '2']],
  ['2025-07-01T09:00:00Z', ['order', 'fulfil', 'SO-2025-0001', '--date', '2025-07-01']],
  [J, ['deal', 'add', 'D3', '--company', 'Acme', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '3', 'WIDGET-01', '--qty', '1']],
  ['2026-10-01T09:00:00Z', ['deal', 'win', '3']],
  ['2026-10-02T09:00:00Z', ['order', 'cancel', 'SO-2026-0001']],
  ['2026-11-20T09:00:00Z', ['ticket', 'open', 'A broken', '--contact', 'sara@acme.example', '--product', 'widget-01']],
  ['2026-11-20T09:00:00Z', ['ticket', 'open', 'B broken', '--company', 'Globex', '--product', 'widget pro']],
  ['2026-11-20T09:00:00Z', ['ticket', 'open', 'C broken', '--company', 'Acme', '--product', 'WIDGET-01', '--warranty-until', '2027-12-31']],
  ['2026-11-20T09:00:00Z', ['company', 'edit', 'Acme', '--warranty-until', '2025-01-01']],
  ['2026-11-20T09:00:00Z', ['ticket', 'open', 'D broken', '--company', 'Acme', '--product', 'Unknown']],
  ['2026-11-20T09:00:00Z', ['ticket', 'open', 'E broken', '--company', 'Globex']],
];
const NOW = '2026-11-20T10:00:00Z';

describe.each(ENGINES)('warranty from installed products on %s', (engine) => {
  let db: EngineDb;
  const crm = async (args: string[], now = NOW) => {
    const r = await runCrm(args, { CRM_DB: db.url, HOME: tmpdir(), CRM_NOW: now, NO_COLOR: '1' }).done;
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  const listed = async (filter: string, now = NOW) => {
    const r = await crm(['ticket', 'list', filter, '--json'], now);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { subject: string; warranty: { source: string; until: string; state: string } | null }[]).map((t) => `${t.subject[0]} ${t.warranty ? `${t.warranty.state} ${t.warranty.until} (${t.warranty.source})` : '-'}`).sort();
  };
  beforeAll(async () => {
    db = await freshDatabase(engine, 'warrantyinstalled');
    for (const [now, args] of SETUP) {
      const r = await crm(args, now);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  }, 180_000);
  afterAll(() => db.cleanup());

  it('warranty:expired flags the ticket against an expired installed product, and the company fallback', async () => {
    expect(await listed('warranty:expired')).toEqual(['A expired 2026-01-31 (product)', 'D expired 2025-01-01 (company)']);
    expect(await listed('warranty:active')).toEqual(['B active 2027-07-01 (product)', 'C active 2027-12-31 (ticket)']);
    expect(await listed('warranty:none')).toEqual(['E -']);
    expect(await listed('warranty:any')).toHaveLength(4);
  });

  it('ticket show states the installed product\'s warranty', async () => {
    const shown = await crm(['ticket', 'show', '1']);
    expect(shown.stdout).toMatch(/EXPIRED on 2026-01-31 \(installed widget-01: order date \+ its warranty term\)/);
    const json = JSON.parse((await crm(['ticket', 'show', '2', '--json'])).stdout);
    expect(json.warranty).toEqual({ until: '2027-07-01', source: 'product', state: 'active' });
  });

  it('the clock moves the state: on the last day it is still under warranty, the day after it has expired', async () => {
    expect(await listed('warranty:active', '2027-07-01T12:00:00Z')).toContain('B active 2027-07-01 (product)');
    expect(await listed('warranty:expired', '2027-07-02T12:00:00Z')).toContain('B expired 2027-07-01 (product)');
  });

  it("the SQL month arithmetic equals warrantyEnd's, month ends and leap years included", async () => {
    const starts = ['2024-01-31', '2023-01-31', '2026-03-31', '2026-05-31', '2026-08-31', '2024-02-29', '2026-12-31', '2026-11-30', '2099-12-15', '2000-01-29', '2026-06-01'];
    const months = [0, 1, 2, 3, 11, 12, 13, 24, 25, 37, 49, 120, 1199];
    const pairs = starts.flatMap((s) => months.map((m) => [s, m] as const));
    const compiler = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
    try {
      const cols = pairs.map(([s, m], i) => sql`${warrantyEndNumberSql(sql.lit(s), sql.lit(m))} AS ${sql.ref(`e${i}`)}`);
      const text = sql`SELECT ${sql.join(cols)}`.compile(compiler).sql;
      const [row] = await querySql(db.url, text);
      pairs.forEach(([s, m], i) => expect(dayOfNumber(Number(row![`e${i}`])), `${s} + ${m} months`).toBe(warrantyEnd(s, m)));
    } finally {
      await compiler.destroy();
    }
  });
});
