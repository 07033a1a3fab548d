import { existsSync, readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { latestVersion, migrations } from '../../src/db/migrations/index.js';
import { migrate } from '../../src/db/sqlite.js';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();
const { crm } = t;

describe('crm db', () => {
  it('status exits 3 when there is no database and creates nothing', async () => {
    const r = await crm(['db', 'status']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('crm init');
    expect(existsSync(t.db)).toBe(false);
  });

  it('migrate refuses a missing file and creates nothing; after init, status is clean', async () => {
    const missing = await crm(['db', 'migrate', '--json']);
    expect(missing.exitCode).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe('db_missing');
    expect(existsSync(t.db)).toBe(false);
    expect((await crm(['init'])).exitCode).toBe(0);
    expect((await crm(['db', 'migrate'])).exitCode).toBe(0);
    const s = await crm(['db', 'status', '--json']);
    expect(s.exitCode).toBe(0);
    expect(s.json()).toMatchObject({ version: latestVersion, latestVersion, pending: [], journalMode: 'wal' });
  });

  it('with --no-migrate an out-of-date database is reported with exit 3 and left alone', async () => {
    await crm(['contact', 'add', 'Sara', '--email', 'sara@example.com']);
    const raw = new Database(t.db);
    raw.pragma('user_version = 0');
    raw.close();
    // Pretend version 0 so every migration is pending; status must report, not apply.
    const s = await crm(['--no-migrate', 'db', 'status', '--json']);
    expect(s.exitCode).toBe(3);
    expect(s.json().pending.length).toBe(migrations.length);
    expect(s.stderr).toContain('crm db migrate');
    const check = new Database(t.db);
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    check.close();
  });

  it('takes a consistent backup before upgrading a database that holds data, and records the version', async () => {
    await crm(['contact', 'add', 'Sara', '--email', 'sara@example.com']);
    const raw = new Database(t.db);
    const next = { version: latestVersion + 1, name: 'test: add a column', sql: 'ALTER TABLE contacts ADD COLUMN nickname TEXT;' };
    const result = migrate(raw, t.db, { migrations: [...migrations, next] });
    expect(result).toMatchObject({ from: latestVersion, to: latestVersion + 1 });
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion + 1);
    raw.close();
    const backups = readdirSync(t.dir).filter((f) => f.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    const copy = new Database(join(t.dir, backups[0]!), { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(copy.prepare('SELECT email FROM contacts').all()).toEqual([{ email: 'sara@example.com' }]);
    copy.close();
  });

  it('a migration that fails midway leaves the previous version and data intact', async () => {
    await crm(['contact', 'add', 'Sara', '--email', 'sara@example.com']);
    const raw = new Database(t.db);
    const broken = { version: latestVersion + 1, name: 'test: broken', sql: 'ALTER TABLE contacts ADD COLUMN x TEXT; SELECT no_such_function();' };
    expect(() => migrate(raw, t.db, { migrations: [...migrations, broken] })).toThrow(/no_such_function/);
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion);
    const cols = raw.prepare('PRAGMA table_info(contacts)').all() as { name: string }[];
    expect(cols.map((c) => c.name)).not.toContain('x');
    raw.close();
  });
});
