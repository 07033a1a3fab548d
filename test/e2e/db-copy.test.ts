/**
 * `crm db copy`: the demo database, with a row in every table, copied SQLite → PostgreSQL →
 * SQLite. Every table arrives whole (a table added later and not copied fails here, since the
 * fixture must hold a row in every table), every entity exports to the same bytes on all three,
 * history and reports agree, PostgreSQL's identity sequences continue after the copied ids, and
 * a target that holds data is refused in one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmAll, crmOn, freshDatabase, querySql, type EngineDb } from '../helpers/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-db-copy-'));
const source = join(dir, 'laptop.db');
const back = join(dir, 'back.db');
let pg: EngineDb;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENTITIES = ['contacts', 'companies', 'deals', 'tickets', 'activities', 'users'];
/** What `crm history` shows (the audit log holds other entities too, compared table-wise above). */
const HISTORY_ENTITIES = new Set(['contact', 'company', 'user', 'deal', 'ticket', 'activity', 'campaign', 'stage', 'calendar', 'sla_policy']);
const REPORTS = ['pipeline', 'win-rate', 'cycle', 'forecast', 'quota', 'lost-reasons', 'untouched', 'activity', 'data-quality', 'sources', 'sla', 'tickets'];

function ok(db: string, args: string[]): string {
  const r = crmOn(db, args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** ok() for independent read-only command lines, two processes at a time; stdouts in order. */
async function okAll(jobs: { db: string; args: string[] }[]): Promise<string[]> {
  const results = await crmAll(jobs);
  return results.map((r, i) => {
    expect(r.code, `${jobs[i]!.args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  });
}

/** Every table of a SQLite file (its own catalogue, not crm's copy plan). */
function sqliteTables(file: string): Promise<string[]> {
  // Ordinary tables: not the KB's full-text index (an FTS5 virtual table and its shadow tables), which the copy rebuilds.
  return querySql(file, "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").then((rows) => rows.map((r) => String(r.name)));
}

/** A table's rows in key order, as comparable text (timestamps from PostgreSQL come back as SQLite's ISO strings). */
async function tableRows(db: string, table: string): Promise<string[]> {
  const rows = await querySql(db, `SELECT * FROM "${table}"`);
  return rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]]))).sort();
}

beforeAll(async () => {
  pg = await freshDatabase('postgres', 'copy');
  ok(source, ['demo', '--json']);
  // What the demo leaves empty, so that every table holds a row to copy.
  ok(source, ['init', '--currency', 'EUR', '--timezone', 'Europe/Berlin']);
  ok(source, ['campaign', 'add', 'Spring Fair', '--channel', 'event', '--budget', '2000 EUR']);
  ok(source, ['template', 'add', 'welcome', '--subject', 'Hi {{contact.firstName}}', '--body', 'Hello']);
  ok(source, ['field', 'add', 'contact', 'national_code']);
  ok(source, ['segment', 'add', 'big-open', '--for', 'deal', 'status:open amount:>10000']);
  const csv = join(dir, 'new.csv');
  writeFileSync(csv, 'first_name,last_name,email\nNadia,Copy,nadia.copy@example.com\n');
  ok(source, ['import', 'contacts', csv]);
  // The support desk's, the sales documents' and the automation's tables.
  ok(source, ['kb', 'add', 'Reset a password', '--body', 'Step 1', '--audience', 'public']);
  ok(source, ['kb', 'edit', '1', '--body', 'Step 1, then step 2']);
  ok(source, ['ticket', 'link', '1', 'kb:1']);
  ok(source, ['problem', 'add', 'Printers drop Wi-Fi']);
  ok(source, ['problem', 'link', '1', 'ticket:1']);
  ok(source, ['fx', 'set', 'EUR', 'USD', '1.0832', '--date', '2026-11-30']);
  ok(source, ['contract', 'add', 'Maintenance 2027', '--company', '1', '--start', '2027-01-01', '--end', '2027-12-31', '--value', '12000 EUR']);
  ok(source, ['contact', 'note', '1', '--psych', 'Prefers short calls']);
  ok(source, ['contact', 'link', '1', 'company:2', '--role', 'Buyer', '--unit', 'Procurement', '--from', '2025-01-01']);
  ok(source, ['contact', 'edit', '3', '--referred-by', 'company:1']);
  ok(source, ['rule', 'add', 'greet', '--on', 'contact.created', '--notify', 'owner', '--title', 'New contact {{record}}', '--enable']);
  ok(source, ['contact', 'add', 'Rita Rule', '--email', 'rita.rule@example.com']);
  ok(source, ['automate', 'run']);
  // An open ticket written by crm: its stored SLA deadlines (ticket_sla_due).
  ok(source, ['ticket', 'open', 'Deadline to copy', '--priority', 'high']);
  const eml = join(dir, 'hello.eml');
  writeFileSync(eml, 'From: Nadia Copy <nadia.copy@example.com>\r\nTo: sales@example.com\r\nSubject: Hello\r\nMessage-ID: <copy-1@example.com>\r\nDate: Thu, 19 Nov 2026 10:00:00 +0000\r\n\r\nHi there.\r\n');
  ok(source, ['mail', 'import', eml, '--support-address', 'support@example.com']);
  // A contact referred by one with a higher id: filled after the contacts table is in.
  const last = (await querySql(source, 'SELECT max(id) AS id FROM contacts'))[0]!.id;
  ok(source, ['contact', 'edit', '2', '--referred-by', String(last)]);
}, 240_000);

describe('crm db copy', () => {
  it('SQLite → PostgreSQL → SQLite: every table whole, every export, history and report identical', async () => {
    const tables = await sqliteTables(source);
    for (const table of tables) expect((await querySql(source, `SELECT count(*) AS n FROM "${table}"`))[0]!.n, `the fixture has no row in ${table}`).not.toBe(0);

    const there = crmOn(source, ['db', 'copy', source, pg.url, '--json']);
    expect(there.code, there.stderr).toBe(0);
    const result = JSON.parse(there.stdout);
    expect(result.to).not.toContain(new URL(pg.url).password);
    expect(there.stderr).toMatch(/^Copied \d+ rows in \d+ tables from .* to postgres:\/\/.*:\*\*\*@/);
    expect(result.tables.map((t: { table: string }) => t.table).sort()).toEqual(tables);
    const returned = crmOn(source, ['db', 'copy', pg.url, back]);
    expect(returned.code, returned.stderr).toBe(0);

    for (const table of tables) {
      const rows = await tableRows(source, table);
      expect(await tableRows(back, table), table).toEqual(rows);
      expect((await querySql(pg.url, `SELECT count(*)::int AS n FROM "${table}"`))[0]!.n, table).toBe(rows.length);
    }

    const exports = ENTITIES.flatMap((entity) => ['csv', 'ndjson'].map((format) => ({ entity, format })));
    const file = (i: number, e: { entity: string; format: string }) => join(dir, `${i}.${e.entity}.${e.format}`);
    await okAll(exports.flatMap((e) => [source, pg.url, back].map((db, i) => ({ db, args: ['export', e.entity, '--format', e.format, '-o', file(i, e)] }))));
    for (const e of exports) {
      const { entity, format } = e;
      const files = [0, 1, 2].map((i) => readFileSync(file(i, e), 'utf8'));
      expect(files[0]!.length, `${entity} ${format}`).toBeGreaterThan(100);
      expect(files[1], `${entity} ${format} on PostgreSQL`).toBe(files[0]);
      expect(files[2], `${entity} ${format} back on SQLite`).toBe(files[0]);
    }
    // The history of every audited record (the demo's admin, the edits and additions above).
    const audited = (await querySql(source, 'SELECT DISTINCT entity, entity_id FROM audit_log ORDER BY entity, entity_id')).filter((r) => HISTORY_ENTITIES.has(String(r.entity)));
    expect(audited.length).toBeGreaterThanOrEqual(3);
    const histories = audited.map(({ entity, entity_id: id }) => ['history', String(entity), String(id), '--json']);
    const shown = await okAll(histories.flatMap((args) => [source, pg.url, back].map((db) => ({ db, args }))));
    histories.forEach((args, i) => {
      const expected = shown[3 * i]!;
      expect(JSON.parse(expected).length, args.join(' ')).toBeGreaterThan(0);
      expect(shown[3 * i + 1], args.join(' ')).toBe(expected);
      expect(shown[3 * i + 2], args.join(' ')).toBe(expected);
    });
    const reports = await okAll(REPORTS.flatMap((report) => [source, pg.url, back].map((db) => ({ db, args: ['report', report, '--json'] }))));
    REPORTS.forEach((report, i) => {
      const expected = reports[3 * i]!;
      expect(reports[3 * i + 1], `report ${report}`).toBe(expected);
      expect(reports[3 * i + 2], `report ${report}`).toBe(expected);
    });
  }, 600_000);

  it('on PostgreSQL new records continue after the copied ids', async () => {
    const max = Number((await querySql(pg.url, 'SELECT max(id) AS id FROM contacts'))[0]!.id);
    expect(ok(pg.url, ['contact', 'add', 'After Copy', '--email', 'after.copy@example.com']).trim()).toBe(String(max + 1));
    const companies = Number((await querySql(pg.url, 'SELECT max(id) AS id FROM companies'))[0]!.id);
    expect(ok(pg.url, ['company', 'add', 'After Copy Ltd']).trim()).toBe(String(companies + 1));
  }, 120_000);

  it('refuses a target that holds data, in one line, and changes nothing', async () => {
    const before = await tableRows(pg.url, 'contacts');
    const r = crmOn(source, ['db', 'copy', source, pg.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: postgres:\/\/.*:\*\*\*@.* already holds data \(\w+\); crm db copy fills an empty database only\.\nhint: .*\n$/);
    expect(await tableRows(pg.url, 'contacts')).toEqual(before);
    const file = crmOn(source, ['db', 'copy', pg.url, source]);
    expect(file.code).toBe(1);
    expect(file.stderr).toContain('already holds data');
  }, 120_000);

  it('an empty target keeps no seeded row of its own: stages, pipelines and policies are the source\'s', async () => {
    ok(source, ['stage', 'edit', 'Prospecting', '--name', 'Discovery']);
    const fresh = await freshDatabase('postgres', 'copy_seed');
    ok(fresh.url, ['db', 'migrate']);
    const r = crmOn(source, ['db', 'copy', source, fresh.url]);
    expect(r.code, r.stderr).toBe(0);
    for (const table of ['stages', 'pipelines', 'sla_policies', 'lost_reasons']) {
      expect((await querySql(fresh.url, `SELECT * FROM ${table} ORDER BY id`)).map((row) => row.name), table).toEqual((await querySql(source, `SELECT * FROM ${table} ORDER BY id`)).map((row) => row.name));
    }
  }, 240_000);

  it('names what is wrong: the same database twice, a missing source', () => {
    const same = crmOn(source, ['db', 'copy', source, source]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/^error: crm db copy needs two different databases/);
    const missing = crmOn(source, ['db', 'copy', join(dir, 'nope.db'), join(dir, 'x.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
  });
});
