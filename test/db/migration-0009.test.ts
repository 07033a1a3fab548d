import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.js';
import { migrate } from '../../src/db/sqlite.js';

describe('migration 0009: user logins, week starts and more roles', () => {
  it('keeps every user and every owner link, accepts the new roles, and still refuses an unknown owner', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, ':memory:', { migrations: migrations.filter((m) => m.version < 9) });
    db.exec("INSERT INTO users (handle, name, role, team, created_at, updated_at) VALUES ('sara', 'Sara', 'manager', 'East', 'x', 'x')");
    db.exec("INSERT INTO companies (name, name_fold, owner_id, created_at, updated_at) VALUES ('Acme', 'acme', 1, 'x', 'x')");
    expect(() => db.exec("INSERT INTO users (handle, name, role, created_at, updated_at) VALUES ('fin', 'Fin', 'finance', 'x', 'x')")).toThrow(/CHECK/);
    migrate(db, ':memory:');
    expect(db.prepare('SELECT handle, role, team, login, week_start FROM users').all()).toEqual([{ handle: 'sara', role: 'manager', team: 'East', login: null, week_start: null }]);
    expect(db.prepare('SELECT owner_id FROM companies').pluck().all()).toEqual([1]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.exec("INSERT INTO users (handle, name, role, login, week_start, created_at, updated_at) VALUES ('fin', 'Fin', 'finance', 'f.in', 7, 'x', 'x')");
    expect(() => db.exec("INSERT INTO users (handle, name, login, created_at, updated_at) VALUES ('other', 'O', 'f.in', 'x', 'x')")).toThrow(/UNIQUE/);
    expect(() => db.exec("INSERT INTO companies (name, name_fold, owner_id, created_at, updated_at) VALUES ('B', 'b', 99, 'x', 'x')")).toThrow(/FOREIGN KEY/);
  });
});
