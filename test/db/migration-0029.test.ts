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
    migrate(db, ':memory:');
    expect(db.prepare('SELECT contact_id, company_id, role, unit, started_on, ended_on, created_at FROM contact_companies').all()).toEqual([
      { contact_id: 1, company_id: 1, role: 'CTO', unit: null, started_on: null, ended_on: null, created_at: '2026-01-01T00:00:00Z' },
    ]);
    expect(db.prepare('SELECT company_id, company_role, referred_by_company_id FROM contacts ORDER BY id').all()).toEqual([
      { company_id: 1, company_role: 'CTO', referred_by_company_id: null },
      { company_id: null, company_role: null, referred_by_company_id: null },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});
