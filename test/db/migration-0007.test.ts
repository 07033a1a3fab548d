/**
 * Migration 0007: the (contact_id, status) index on tickets — on a fresh database, and on a
 * database built by the version-6 migrations, which it upgrades exactly once.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { latestVersion, migrations } from '../../src/db/migrations/index.js';
import { openDatabase, schemaVersion } from '../../src/db/sqlite.js';
import { addContact, searchText } from '../../src/domain/contacts.js';
import type { Session } from '../../src/domain/session.js';
import { listTickets } from '../../src/domain/tickets.js';
import { timelineFor } from '../../src/domain/timeline.js';
import { migrateFromTwoConnections, backupsIn, indexSql as indexSqlOf, queryPlan } from '../helpers/migrations.js';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();

const INDEX = 'tickets_contact_status';
const INDEX_SQL = 'CREATE INDEX tickets_contact_status ON tickets(contact_id, status)';

const indexSql = (db: BetterSqlite3.Database) => indexSqlOf(db, INDEX);
const plan = queryPlan;

/** "SEARCH t USING [COVERING ]INDEX tickets_contact_status (contact_id=? …" */
function searches(alias: string, constraint: string): RegExp {
  return new RegExp(`SEARCH ${alias} USING (COVERING )?INDEX ${INDEX} \\(${constraint.replace(/[?()]/g, '\\$&')}\\)`);
}

const UNSOLVED = "t.status IN ('new','open','pending','on_hold')";

/** The queries that filter tickets by contact, as src/domain (timeline.ts, tickets.ts, contacts.ts) and SQLite's foreign-key check run them. */
const QUERIES: [string, string, unknown[], RegExp][] = [
  [
    "a contact's timeline: its tickets' events",
    'SELECT e.id, t.subject FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.contact_id = ? ORDER BY e.at DESC, e.id DESC LIMIT 20',
    [1],
    searches('t', 'contact_id=?'),
  ],
  ['ticket list contact:12 (unsolved by default)', `SELECT t.id FROM tickets t WHERE ${UNSOLVED} AND (t.contact_id = ?) ORDER BY t.id`, [1], searches('t', 'contact_id=? AND status=?')],
  ['ticket list contact:12 status:any', 'SELECT t.id FROM tickets t WHERE (t.contact_id = ?) ORDER BY t.id', [1], searches('t', 'contact_id=?')],
  [
    'ticket list requester:sara (by name or email)',
    `SELECT t.id FROM tickets t WHERE ${UNSOLVED} AND (t.contact_id IN (SELECT id FROM contacts WHERE instr(search_text, ?) > 0)) ORDER BY t.id`,
    ['sara'],
    searches('t', 'contact_id=? AND status=?'),
  ],
  ['contact merge: B’s tickets move to A', 'UPDATE tickets SET contact_id = ? WHERE contact_id = ?', [1, 2], searches('tickets', 'contact_id=?')],
];

const backups = () => backupsIn(t.dir);

describe('migration 0007: tickets by contact', () => {
  it('is numbered 7, right after 6, and the latest numbers strictly increase', () => {
    const versions = migrations.map((m) => m.version);
    expect(versions.indexOf(7)).toBe(versions.indexOf(6) + 1);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(latestVersion).toBeGreaterThanOrEqual(7);
  });

  it('a fresh database has the index, and the queries by contact use it', () => {
    const db = openDatabase(t.db);
    try {
      expect(schemaVersion(db.sqlite)).toBe(latestVersion);
      expect(indexSql(db.sqlite)).toBe(INDEX_SQL);
      for (const [what, query, params, uses] of QUERIES) {
        const p = plan(db.sqlite, query, ...params);
        expect(p, what).toMatch(uses);
        expect(p, what).not.toMatch(/SCAN t(ickets)?\b/);
      }
      // Deleting a contact (import undo): the foreign-key check no longer scans tickets.
      const fk = plan(db.sqlite, 'DELETE FROM contacts WHERE id = ?', 1);
      expect(fk).toMatch(searches('tickets', 'contact_id=?'));
      expect(fk).not.toContain('SCAN tickets');
    } finally {
      db.close();
    }
  });

  it('the queries the commands really run (captured from the domain) use it', async () => {
    const db = openDatabase(t.db);
    const sqlite = db.sqlite;
    const s: Session = { db, now: () => new Date('2026-11-20T17:55:00Z'), actor: 'tester', timeZone: 'UTC' };
    await addContact(s, { name: 'Sara Rahimi', email: 'sara@example.com' });
    const seen: string[] = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => (seen.push(source), prepare(source))) as typeof sqlite.prepare;
    try {
      await timelineFor(s, { contactId: 1 });
      await listTickets(s, { filter: ['contact:1'] });
      await listTickets(s, { filter: ['contact:1', 'status:any'] });
      await listTickets(s, { filter: ['requester:sara'] });
    } finally {
      sqlite.prepare = prepare;
    }
    const byContact = [...new Set(seen.filter((q) => /"tickets"/.test(q) && /"t"\."contact_id" (=|in)/.test(q)))];
    expect(byContact.length).toBe(4);
    for (const q of byContact) {
      const p = plan(sqlite, q, ...Array.from({ length: (q.match(/\?/g) ?? []).length }, () => 1));
      expect(p, q).toMatch(new RegExp(`SEARCH t USING (COVERING )?INDEX ${INDEX} \\(contact_id=\\?( AND status=\\?)?\\)`));
      expect(p, q).not.toMatch(/SCAN t\b/);
    }
    db.close();
  });

  it('without it (version 6) the same queries read every ticket or the whole unsolved list', () => {
    const db = openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 6) });
    try {
      expect(indexSql(db.sqlite)).toBeUndefined();
      const plans = QUERIES.map(([, query, params]) => plan(db.sqlite, query, ...params));
      for (const p of plans) expect(p).not.toContain(INDEX);
      expect(plans[0]).toMatch(/SCAN (e|t)\b/);
      expect(plan(db.sqlite, 'DELETE FROM contacts WHERE id = ?', 1)).toContain('SCAN tickets');
    } finally {
      db.close();
    }
  });

  it('upgrades a version-6 database holding tickets exactly once, with one backup, keeping the data', async () => {
    // A database as the previous release left it: built by the migrations up to 6.
    // (Rows go in by SQL: today's domain code speaks today's schema, not version 6's.)
    openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 6) }).close();
    const raw = new BetterSqlite3(t.db);
    const sara = { first_name: 'Sara', last_name: 'Rahimi', email: 'sara@example.com' };
    raw
      .prepare("INSERT INTO contacts (first_name, last_name, email, email_norm, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '2026-11-20T17:55:00.000Z', '2026-11-20T17:55:00.000Z')")
      .run(sara.first_name, sara.last_name, sara.email, sara.email, searchText(sara));
    expect(schemaVersion(raw)).toBe(6);
    expect(indexSql(raw)).toBeUndefined();
    const insert = raw.prepare("INSERT INTO tickets (subject, contact_id, status, created_at, updated_at) VALUES (?, 1, ?, '2026-11-20T17:55:00.000Z', '2026-11-20T17:55:00.000Z')");
    const event = raw.prepare("INSERT INTO ticket_events (ticket_id, kind, body, to_value, actor, at) VALUES (?, 'created', ?, 'new', 'seed', '2026-11-20T17:55:00.000Z')");
    event.run(insert.run('Printer on fire', 'open').lastInsertRowid, 'Printer on fire');
    event.run(insert.run('Old one', 'closed').lastInsertRowid, 'Old one');
    raw.close();

    // Two connections that both read version 6 before either migrates: 0007 runs once.
    migrateFromTwoConnections(t.db, 6);
    expect(backups()).toHaveLength(1);
    expect(backups()[0]).toMatch(/^crm\.db\.v6\..*\.bak$/);

    // Opening it again (as every command does) changes nothing and takes no new copy.
    const db = openDatabase(t.db);
    try {
      expect(schemaVersion(db.sqlite)).toBe(latestVersion);
      expect(indexSql(db.sqlite)).toBe(INDEX_SQL);
      expect(db.sqlite.prepare('SELECT subject FROM tickets WHERE contact_id = 1 ORDER BY id').pluck().all()).toEqual(['Printer on fire', 'Old one']);
      expect(plan(db.sqlite, 'SELECT id FROM tickets WHERE contact_id = ?', 1)).toContain(INDEX);
      expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(backups()).toHaveLength(1);

    // The backup is the version-6 file, as it was.
    const copy = new BetterSqlite3(`${t.dir}/${backups()[0]}`, { readonly: true });
    expect(schemaVersion(copy)).toBe(6);
    expect(indexSql(copy)).toBeUndefined();
    copy.close();

    // And the commands work on the upgraded file: the contact's unsolved tickets, and its timeline.
    const list = await t.crm(['ticket', 'list', 'contact:1', '--json']);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.json().map((x: { subject: string }) => x.subject)).toEqual(['Printer on fire']);
    expect((await t.ok(['ticket', 'list', 'requester:sara', 'status:any', '--json'])).json().map((x: { subject: string }) => x.subject)).toEqual(['Printer on fire', 'Old one']);
    const timeline = (await t.ok(['contact', 'show', 'sara@example.com', '--json'])).json().timeline;
    expect(timeline.filter((e: { source: string }) => e.source === 'ticket').map((e: { summary: string }) => e.summary)).toEqual(['Ticket #1 opened: Printer on fire', 'Ticket #2 opened: Old one']);
    const status = await t.crm(['db', 'status', '--json']);
    expect(status.json()).toMatchObject({ version: latestVersion, latestVersion, pending: [] });
  });

  it('the CLI upgrades a version-6 file on open and records the latest version', async () => {
    openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 6) }).close();
    // `db status` without migrating reports the pending step.
    const before = await t.crm(['--no-migrate', 'db', 'status', '--json']);
    expect(before.exitCode).toBe(3);
    expect(before.json()).toMatchObject({ version: 6, latestVersion });
    expect(before.json().pending).toHaveLength(migrations.filter((m) => m.version > 6).length);
    const added = await t.crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    expect(added.exitCode, added.stderr).toBe(0);
    const raw = new BetterSqlite3(t.db, { readonly: true });
    expect(schemaVersion(raw)).toBe(latestVersion);
    expect(indexSql(raw)).toBe(INDEX_SQL);
    raw.close();
    // The version-6 file held no data (a schema and the seeded rows only): nothing to copy.
    expect(backups()).toEqual([]);
  });
});
