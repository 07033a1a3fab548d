/**
 * Migration 0008: indexes on the remaining links to a contact (deals.contact_id, deal_contacts by
 * contact, contacts.referred_by_id) — on a fresh database, and on a database built by the
 * version-7 migrations, which it upgrades exactly once.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { latestVersion, migrations } from '../../src/db/migrations/index.js';
import { openDatabase, schemaVersion } from '../../src/db/sqlite.js';
import { mergeContacts } from '../../src/domain/contact-merge.js';
import { addContact } from '../../src/domain/contacts.js';
import { addDeal, addDealContact, listDeals } from '../../src/domain/deals.js';
import type { Session } from '../../src/domain/session.js';
import { timelineFor } from '../../src/domain/timeline.js';
import { migrateFromTwoConnections, backupsIn, indexSql, queryPlan } from '../helpers/migrations.js';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();

const INDEXES: Record<string, string> = {
  deals_contact: 'CREATE INDEX deals_contact ON deals(contact_id)',
  deal_contacts_contact: 'CREATE INDEX deal_contacts_contact ON deal_contacts(contact_id, deal_id)',
  contacts_referred_by: 'CREATE INDEX contacts_referred_by ON contacts(referred_by_id) WHERE referred_by_id IS NOT NULL',
};

const plan = queryPlan;

/** "SEARCH d USING [COVERING ]INDEX deals_contact (contact_id=?)" */
function searches(alias: string, index: string, column: string): RegExp {
  return new RegExp(`SEARCH ${alias} USING (COVERING )?INDEX ${index} \\(${column}=\\?\\)`);
}

const BY_CONTACT = '(d.contact_id = ? OR d.id IN (SELECT deal_id FROM deal_contacts WHERE contact_id = ?))';

/** The queries that look up deals, deal roles and referrals by contact, as src/domain (timeline.ts, deals.ts, contacts.ts) runs them. */
const QUERIES: [string, string, unknown[], RegExp[]][] = [
  [
    "a contact's timeline: its deals' stage moves",
    `SELECT h.id FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id WHERE ${BY_CONTACT} ORDER BY h.at DESC, h.id DESC LIMIT 20`,
    [1, 1],
    [searches('d', 'deals_contact', 'contact_id'), searches('deal_contacts', 'deal_contacts_contact', 'contact_id')],
  ],
  [
    "a contact's deals (contact show, deal list by contact)",
    `SELECT d.id FROM deals d JOIN stages st ON st.id = d.stage_id WHERE d.archived_at IS NULL AND ${BY_CONTACT} ORDER BY d.id`,
    [1, 1],
    [searches('d', 'deals_contact', 'contact_id'), searches('deal_contacts', 'deal_contacts_contact', 'contact_id')],
  ],
  ['contact merge: B’s deals move to A', 'UPDATE deals SET contact_id = ? WHERE contact_id = ?', [1, 2], [searches('deals', 'deals_contact', 'contact_id')]],
  ['contact merge: B’s deal roles', 'SELECT * FROM deal_contacts WHERE contact_id = ?', [2], [searches('deal_contacts', 'deal_contacts_contact', 'contact_id')]],
  ['contact merge: B’s deal roles removed', 'DELETE FROM deal_contacts WHERE contact_id = ?', [2], [searches('deal_contacts', 'deal_contacts_contact', 'contact_id')]],
  ['contact merge: B’s referrals move to A', 'UPDATE contacts SET referred_by_id = ? WHERE referred_by_id = ? AND id != ?', [1, 2, 1], [searches('contacts', 'contacts_referred_by', 'referred_by_id')]],
];

/** Deleting contacts (import undo deletes by id and by id range): SQLite's foreign-key checks. */
const DELETES: [string, unknown[]][] = [
  ['DELETE FROM contacts WHERE id = ?', [1]],
  ['DELETE FROM contacts WHERE id BETWEEN ? AND ?', [1, 9]],
];

const SCANS = /SCAN (d|deals|deal_contacts|contacts)\b/;

const backups = () => backupsIn(t.dir);

const session = (db: Session['db'], actor = 'tester'): Session => ({ db, now: () => new Date('2026-11-20T17:55:00Z'), actor, timeZone: 'UTC' });

describe('migration 0008: deals, deal roles and referrals by contact', () => {
  it('is numbered 8, right after 7, and the numbers strictly increase', () => {
    const versions = migrations.map((m) => m.version);
    expect(versions.indexOf(8)).toBe(versions.indexOf(7) + 1);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(latestVersion).toBeGreaterThanOrEqual(8);
  });

  it('SQLite checks exactly these links to contacts when one is deleted', () => {
    const db = openDatabase(t.db);
    try {
      const links = (db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]).flatMap((table) =>
        (db.sqlite.prepare(`PRAGMA foreign_key_list(${table})`).all() as { table: string; from: string }[]).filter((k) => k.table === 'contacts').map((k) => `${table}.${k.from}`),
      );
      // Every one has an index on the contact (the deletes below and the plans tests check the first ones).
      expect(links.sort()).toEqual(['activities.contact_id', 'contact_companies.contact_id', 'contacts.referred_by_id', 'deal_contacts.contact_id', 'deals.contact_id', 'mail_messages.contact_id', 'orders.contact_id', 'psych_notes.contact_id', 'quotes.contact_id', 'tickets.contact_id']);
    } finally {
      db.close();
    }
  });

  it('a fresh database has the indexes, and the queries by contact use them', () => {
    const db = openDatabase(t.db);
    try {
      expect(schemaVersion(db.sqlite)).toBe(latestVersion);
      for (const [name, sql] of Object.entries(INDEXES)) expect(indexSql(db.sqlite, name)).toBe(sql);
      for (const [what, query, params, uses] of QUERIES) {
        const p = plan(db.sqlite, query, ...params);
        for (const u of uses) expect(p, what).toMatch(u);
        expect(p, what).not.toMatch(SCANS);
      }
      // Deleting a contact (import undo): no foreign-key check scans a table any more.
      for (const [query, params] of DELETES) {
        const fk = plan(db.sqlite, query, ...params);
        expect(fk).toMatch(searches('deals', 'deals_contact', 'contact_id'));
        expect(fk).toMatch(searches('deal_contacts', 'deal_contacts_contact', 'contact_id'));
        expect(fk).toMatch(searches('contacts', 'contacts_referred_by', 'referred_by_id'));
        expect(fk).not.toContain('SCAN');
      }
    } finally {
      db.close();
    }
  });

  it('the queries the commands really run (captured from the domain) use them', async () => {
    const db = openDatabase(t.db);
    const sqlite = db.sqlite;
    const s = session(db);
    await addContact(s, { name: 'Sara Rahimi', email: 'sara@example.com' });
    await addContact(s, { name: 'Sam Rahimi', email: 'sam@example.com', referredBy: 'sara@example.com' });
    await addContact(s, { name: 'Ali Rahimi', email: 'ali@example.com', referredBy: 'sam@example.com' });
    await addDeal(s, { title: 'Printers', contact: 'sam@example.com' });
    await addDealContact(s, '1', 'sam@example.com', 'champion');
    const seen: string[] = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => (seen.push(source), prepare(source))) as typeof sqlite.prepare;
    try {
      await timelineFor(s, { contactId: 2 });
      await listDeals(s, { contactId: 2 });
      await mergeContacts(s, '1', '2');
    } finally {
      sqlite.prepare = prepare;
    }
    // Every statement that looks a contact up in deals, deal_contacts or contacts.referred_by_id
    // (a role looked up by its whole primary key, deal_id and contact_id, is not one).
    const queries = [...new Set(seen.filter((q) => /("d"\.)?"contact_id" (=|in)|"referred_by_id" =/.test(q) && /"(deals|deal_contacts)"|"referred_by_id" =/.test(q) && !/"deal_id" = \?/.test(q)))];
    // The timeline's stage moves, the deal list; merge: deals, roles (read, delete), referrals.
    expect(queries).toHaveLength(6);
    for (const q of queries) {
      const p = plan(sqlite, q, ...Array.from({ length: (q.match(/\?/g) ?? []).length }, () => 1));
      expect(p, q).toMatch(/INDEX (deals_contact|deal_contacts_contact|contacts_referred_by)\b/);
      expect(p, q).not.toMatch(SCANS);
    }
    db.close();
  });

  it('without them (version 7) the same queries and the delete checks scan', () => {
    const db = openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 7) });
    try {
      for (const name of Object.keys(INDEXES)) expect(indexSql(db.sqlite, name)).toBeUndefined();
      for (const [what, query, params] of QUERIES) expect(plan(db.sqlite, query, ...params), what).toMatch(SCANS);
      const fk = plan(db.sqlite, 'DELETE FROM contacts WHERE id = ?', 1);
      expect(fk).toContain('SCAN deals');
      expect(fk).toMatch(/SCAN deal_contacts\b/);
      expect(fk).toMatch(/SCAN contacts\b/);
    } finally {
      db.close();
    }
  });

  it('upgrades a version-7 database holding deals exactly once, with one backup, keeping the data', async () => {
    // A database as the previous release left it: built by the migrations up to 7.
    // Its rows written as plain SQL, as that release stored them (today's domain code expects today's tables).
    const old = openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 7) });
    const at = '2026-11-20T17:55:00.000Z';
    old.sqlite.exec(`
      INSERT INTO contacts (id, first_name, last_name, email, email_norm, search_text, created_at, updated_at) VALUES (1, 'Sara', 'Rahimi', 'sara@example.com', 'sara@example.com', 'sara rahimi sara@example.com', '${at}', '${at}');
      INSERT INTO contacts (id, first_name, last_name, email, email_norm, search_text, referred_by_id, created_at, updated_at) VALUES (2, 'Sam', 'Rahimi', 'sam@example.com', 'sam@example.com', 'sam rahimi sam@example.com', 1, '${at}', '${at}');
      INSERT INTO deals (id, title, pipeline_id, stage_id, contact_id, stage_entered_at, created_at, updated_at)
        SELECT 1, 'Printers', p.id, (SELECT min(id) FROM stages WHERE pipeline_id = p.id), 1, '${at}', '${at}', '${at}' FROM pipelines p ORDER BY p.id LIMIT 1;
      INSERT INTO deals (id, title, pipeline_id, stage_id, contact_id, stage_entered_at, created_at, updated_at)
        SELECT 2, 'Toner', pipeline_id, stage_id, 2, '${at}', '${at}', '${at}' FROM deals WHERE id = 1;
      INSERT INTO deal_contacts (deal_id, contact_id, role) VALUES (2, 1, 'champion');
    `);
    old.close();
    const raw = new BetterSqlite3(t.db);
    expect(schemaVersion(raw)).toBe(7);
    for (const name of Object.keys(INDEXES)) expect(indexSql(raw, name)).toBeUndefined();
    raw.close();

    // Two connections that both read version 7 before either migrates: 0008 runs once.
    migrateFromTwoConnections(t.db, 7);
    expect(backups()).toEqual([expect.stringMatching(/^crm\.db\.v7\..*\.bak$/)]);

    // Opening it again (as every command does) changes nothing and takes no new copy.
    const db = openDatabase(t.db);
    try {
      expect(schemaVersion(db.sqlite)).toBe(latestVersion);
      for (const [name, sql] of Object.entries(INDEXES)) expect(indexSql(db.sqlite, name)).toBe(sql);
      expect(db.sqlite.prepare('SELECT title FROM deals WHERE contact_id = 1').pluck().all()).toEqual(['Printers']);
      expect(db.sqlite.prepare('SELECT deal_id FROM deal_contacts WHERE contact_id = 1').pluck().all()).toEqual([2]);
      expect(db.sqlite.prepare('SELECT id FROM contacts WHERE referred_by_id = 1').pluck().all()).toEqual([2]);
      expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(backups()).toHaveLength(1);

    // The backup is the version-7 file, as it was.
    const copy = new BetterSqlite3(`${t.dir}/${backups()[0]}`, { readonly: true });
    expect(schemaVersion(copy)).toBe(7);
    for (const name of Object.keys(INDEXES)) expect(indexSql(copy, name)).toBeUndefined();
    copy.close();

    // And the commands work on the upgraded file: Sara's deals (her own and the one she has a role on), and a merge.
    const deals = (await t.ok(['deal', 'list', 'contact:sara', '--json'])).json();
    expect(deals.map((d: { title: string }) => d.title).sort()).toEqual(['Printers', 'Toner']);
    const merged = await t.crm(['contact', 'merge', 'sara@example.com', 'sam@example.com', '--yes', '--json']);
    expect(merged.exitCode, merged.stderr).toBe(0);
    const status = await t.crm(['db', 'status', '--json']);
    expect(status.json()).toMatchObject({ version: latestVersion, latestVersion, pending: [] });
  });
});
