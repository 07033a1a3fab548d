import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.js';
import { migrate } from '../../src/db/sqlite.js';

describe('migration 0029: a contact in more than one company', () => {
  it("copies each contact's company and role into its memberships, and leaves the primary company as it was", () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, ':memory:', { migrations: migrations.filter((m) => m.version < 29) });
    db.exec("INSERT INTO companies (name, name_fold, created_at, updated_at) VALUES ('Acme', 'acme', 'x', 'x')");
    db.exec("INSERT INTO contacts (first_name, last_name, email, company_id, company_role, created_at, updated_at) VALUES ('Sara', 'R', 's@x.com', 1, 'CTO', '2026-01-01T00:00:00Z', 'u')");
    db.exec("INSERT INTO contacts (first_name, last_name, email, created_at, updated_at) VALUES ('Omid', 'K', 'o@x.com', 'c', 'u')");
    migrate(db, ':memory:', { migrations: migrations.filter((m) => m.version <= 30) });
    expect(db.prepare('SELECT contact_id, company_id, role, unit, started_on, ended_on, created_at FROM contact_companies').all()).toEqual([
      { contact_id: 1, company_id: 1, role: 'CTO', unit: null, started_on: null, ended_on: null, created_at: '2026-01-01T00:00:00Z' },
    ]);
    expect(db.prepare('SELECT company_id, company_role, referred_by_company_id FROM contacts ORDER BY id').all()).toEqual([
      { company_id: 1, company_role: 'CTO', referred_by_company_id: null },
      { company_id: null, company_role: null, referred_by_company_id: null },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('0033 removes the copied rows that only repeat the primary company, so moving the person leaves no stale current membership', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, ':memory:', { migrations: migrations.filter((m) => m.version < 29) });
    db.exec("INSERT INTO companies (name, name_fold, created_at, updated_at) VALUES ('Acme', 'acme', 'x', 'x'), ('Beta', 'beta', 'x', 'x')");
    db.exec("INSERT INTO contacts (first_name, last_name, company_id, company_role, created_at, updated_at) VALUES ('Sara', 'R', 1, 'CTO', 'c', 'u'), ('Omid', 'K', 1, NULL, 'c', 'u'), ('Lea', 'M', 2, 'Buyer', 'c', 'u')");
    migrate(db, ':memory:', { migrations: migrations.filter((m) => m.version <= 32) });
    // A membership that says more than the contact (a unit, a start) is kept, as one added by crm contact link.
    db.exec("UPDATE contact_companies SET unit = 'Procurement', started_on = '2024-01-01' WHERE contact_id = 3");
    expect(db.prepare('SELECT COUNT(*) FROM contact_companies').pluck().get()).toBe(3);
    migrate(db, ':memory:');
    expect(db.prepare('SELECT contact_id, company_id, role, unit FROM contact_companies').all()).toEqual([{ contact_id: 3, company_id: 2, role: 'Buyer', unit: 'Procurement' }]);
    // The contacts are untouched: their primary company (and role) is still theirs, implied by contacts.company_id.
    expect(db.prepare('SELECT company_id, company_role FROM contacts ORDER BY id').all()).toEqual([
      { company_id: 1, company_role: 'CTO' },
      { company_id: 1, company_role: null },
      { company_id: 2, company_role: 'Buyer' },
    ]);
    // Moving Sara to Beta (what contact edit --company writes) leaves no row naming Acme as current.
    db.exec('UPDATE contacts SET company_id = 2 WHERE id = 1');
    expect(db.prepare('SELECT COUNT(*) FROM contact_companies WHERE contact_id = 1').pluck().get()).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});
