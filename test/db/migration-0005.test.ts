/**
 * Migration 0005: the (company_id, status) index on tickets — on a fresh database, and on a
 * database built by the version-4 migrations, which it upgrades exactly once.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestVersion, migrations } from '../../src/db/migrations/index.js';
import { migrate, openDatabase, schemaVersion } from '../../src/db/sqlite.js';
import { addCompany } from '../../src/domain/companies.js';
import { migrateFromTwoConnections, backupsIn, indexSql as indexSqlOf, queryPlan } from '../helpers/migrations.js';
import { cliFor, tempDb } from '../helpers/run-cli.js';

let t: ReturnType<typeof tempDb>;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.cleanup());

const INDEX = 'tickets_company_status';

const indexSql = (db: BetterSqlite3.Database) => indexSqlOf(db, INDEX);
const plan = queryPlan;

/** "SEARCH t USING [COVERING ]INDEX tickets_company_status (company_id=? …" */
function searches(alias: string, constraint: string): RegExp {
  return new RegExp(`SEARCH ${alias} USING (COVERING )?INDEX ${INDEX} \\(${constraint.replace(/[?()]/g, '\\$&')}\\)`);
}

const backups = () => backupsIn(t.dir);

describe('migration 0005: tickets by company', () => {
  it('is numbered 5, right after 4', () => {
    const versions = migrations.map((m) => m.version);
    expect(versions.indexOf(5)).toBe(versions.indexOf(4) + 1);
    expect(latestVersion).toBeGreaterThanOrEqual(5);
  });

  it('a fresh database has the index, and the queries by company use it', () => {
    const db = openDatabase(t.db);
    try {
      expect(schemaVersion(db.sqlite)).toBe(latestVersion);
      expect(indexSql(db.sqlite)).toBe('CREATE INDEX tickets_company_status ON tickets(company_id, status)');
      // The company timeline's ticket events, and the activities logged on the company's tickets.
      expect(plan(db.sqlite, 'SELECT e.id FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.company_id = ? ORDER BY e.at DESC, e.id DESC LIMIT 20', 1)).toMatch(searches('t', 'company_id=?'));
      expect(plan(db.sqlite, 'SELECT id FROM tickets WHERE company_id = ?', 1)).toMatch(searches('tickets', 'company_id=?'));
      // crm ticket list company:… (unsolved by default): company and status from the index.
      expect(plan(db.sqlite, "SELECT t.id FROM tickets t WHERE t.status IN ('new','open','pending','on_hold') AND t.company_id IN (SELECT id FROM companies WHERE instr(name_fold, ?) > 0) ORDER BY t.id", 'acme')).toMatch(searches('t', 'company_id=? AND status=?'));
      // Deleting a company (import undo): the foreign-key check no longer scans tickets.
      const fk = plan(db.sqlite, 'DELETE FROM companies WHERE id = ?', 1);
      expect(fk).toMatch(searches('tickets', 'company_id=?'));
      expect(fk).not.toContain('SCAN tickets');
    } finally {
      db.close();
    }
  });

  it('upgrades a version-4 database holding tickets exactly once, with one backup, keeping the data', async () => {
    // A database as the previous release left it: built by the migrations up to 4.
    // (The CLI would migrate the file on open, so the data goes in through the domain and SQL.)
    const old = openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 4) });
    await addCompany({ db: old, now: () => new Date('2026-11-20T17:55:00Z'), actor: 'seed', timeZone: 'UTC' }, { name: 'Acme Ltd' });
    old.close();
    const raw = new BetterSqlite3(t.db);
    expect(schemaVersion(raw)).toBe(4);
    expect(indexSql(raw)).toBeUndefined();
    const insert = raw.prepare("INSERT INTO tickets (subject, company_id, status, created_at, updated_at) VALUES (?, 1, ?, '2026-11-20T17:55:00.000Z', '2026-11-20T17:55:00.000Z')");
    insert.run('Printer on fire', 'open');
    insert.run('Old one', 'closed');
    raw.close();

    // Two connections that both read version 4 before either migrates: 0005 runs once.
    migrateFromTwoConnections(t.db, 4);
    expect(backups()).toHaveLength(1);
    expect(backups()[0]).toMatch(/^crm\.db\.v4\..*\.bak$/);

    // Opening it again (as every command does) changes nothing and takes no new copy.
    const db = openDatabase(t.db);
    try {
      expect(schemaVersion(db.sqlite)).toBe(latestVersion);
      expect(indexSql(db.sqlite)).toBe('CREATE INDEX tickets_company_status ON tickets(company_id, status)');
      expect(db.sqlite.prepare('SELECT subject FROM tickets WHERE company_id = 1 ORDER BY id').pluck().all()).toEqual(['Printer on fire', 'Old one']);
      expect(plan(db.sqlite, 'SELECT id FROM tickets WHERE company_id = ?', 1)).toContain(INDEX);
      expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(backups()).toHaveLength(1);

    // The backup is the version-4 file, as it was.
    const copy = new BetterSqlite3(`${t.dir}/${backups()[0]}`, { readonly: true });
    expect(schemaVersion(copy)).toBe(4);
    expect(indexSql(copy)).toBeUndefined();
    copy.close();

    // And the commands work on the upgraded file: the company's unsolved tickets.
    const crm = cliFor(t.db);
    const list = await crm(['ticket', 'list', 'company:acme', '--json']);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.json().map((x: { subject: string }) => x.subject)).toEqual(['Printer on fire']);
    const status = await crm(['db', 'status', '--json']);
    expect(status.json()).toMatchObject({ version: latestVersion, latestVersion, pending: [] });
  });

  it('the CLI upgrades a version-4 file on open and records the latest version', async () => {
    openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 4) }).close();
    const crm = cliFor(t.db);
    // `db status` reports the pending steps.
    const before = await crm(['--no-migrate', 'db', 'status', '--json']);
    expect(before.exitCode).toBe(3);
    expect(before.json()).toMatchObject({ version: 4, latestVersion });
    expect(before.json().pending).toHaveLength(migrations.filter((m) => m.version > 4).length);
    expect((await crm(['company', 'add', 'Acme Ltd'])).exitCode).toBe(0);
    const raw = new BetterSqlite3(t.db, { readonly: true });
    expect(schemaVersion(raw)).toBe(latestVersion);
    expect(indexSql(raw)).toBeDefined();
    raw.close();
    // Nothing in the file yet (a schema and the seeded pipeline, stages, lost reasons and default
    // SLA policy): no data, so no backup.
    expect(backups()).toEqual([]);
  });

  it('a version-4 file with one row of its own still gets exactly one backup', async () => {
    openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 4) }).close();
    const raw = new BetterSqlite3(t.db);
    raw.prepare("INSERT INTO settings (key, value) VALUES ('marker', 'kept')").run();
    raw.close();
    const crm = cliFor(t.db);
    expect((await crm(['company', 'add', 'Acme Ltd'])).exitCode).toBe(0);
    expect((await crm(['company', 'add', 'Beta GmbH'])).exitCode).toBe(0);
    expect(backups()).toEqual([expect.stringMatching(/^crm\.db\.v4\..*\.bak$/)]);
    const copy = new BetterSqlite3(`${t.dir}/${backups()[0]}`, { readonly: true });
    expect(schemaVersion(copy)).toBe(4);
    expect(copy.prepare("SELECT value FROM settings WHERE key = 'marker'").pluck().get()).toBe('kept');
    expect(copy.prepare('SELECT count(*) FROM companies').pluck().get()).toBe(0);
    copy.close();
  });

  it('a change to a seeded row (a renamed stage, a retired lost reason) is data too: one backup', async () => {
    for (const change of ["UPDATE stages SET name = 'Discovery' WHERE name = 'Prospecting'", "UPDATE lost_reasons SET active = 0 WHERE name = 'timing'", "INSERT INTO lost_reasons (name) VALUES ('merger')"]) {
      t.cleanup();
      t = tempDb();
      openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 4) }).close();
      const raw = new BetterSqlite3(t.db);
      raw.exec(change);
      try {
        expect(migrate(raw, t.db), change).toMatchObject({ from: 4, to: latestVersion, backup: expect.stringMatching(/\.bak$/) });
      } finally {
        raw.close();
      }
      expect(backups(), change).toHaveLength(1);
    }
  });
});
