import BetterSqlite3 from 'better-sqlite3';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';
import { latestVersion } from '../../src/db/migrations/index.js';

const t = useTempDb();
const { crm } = t;

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('db init', () => {
  it('creates a private database (0600) and prints its path', async () => {
    const r = await crm(['db', 'init']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(t.db + '\n');
    expect(r.stderr).toContain('mode 0600, private to you');
    expect(modeOf(t.db)).toBe('600');
    const again = await crm(['db', 'init', '--json']);
    expect(again.json()).toMatchObject({ created: false, mode: '0600', schemaVersion: latestVersion, journalMode: 'wal' });
  });

  it('shares the file with a group: 0660, and the -wal/-shm files follow', async () => {
    const gid = process.getgid!();
    const r = await crm(['db', 'init', '--shared-group', String(gid), '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.json()).toMatchObject({ created: true, mode: '0660', group: gid });
    expect(modeOf(t.db)).toBe('660');
    expect(statSync(t.db).gid).toBe(gid);
    // While a connection is open the companions exist; they carry the same mode and group.
    const open = new BetterSqlite3(t.db);
    open.prepare('SELECT count(*) FROM contacts').get();
    expect((await crm(['contact', 'add', 'Ana', '--email', 'ana@example.com'])).exitCode).toBe(0);
    for (const f of [t.db + '-wal', t.db + '-shm']) {
      expect(existsSync(f)).toBe(true);
      expect(modeOf(f)).toBe('660');
      expect(statSync(f).gid).toBe(gid);
    }
    open.close();
  });

  it('names an unknown group', async () => {
    const r = await crm(['db', 'init', '--shared-group', 'no-such-group-xyz']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Unknown group "no-such-group-xyz"');
    expect(existsSync(t.db)).toBe(false);
  });
});

describe('db backup', () => {
  it('writes a verified copy with the permissions of the database, and refuses to overwrite', async () => {
    await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    const target = join(t.dir, 'copy.db');
    const r = await crm(['db', 'backup', target]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(target + '\n');
    expect(r.stderr).toContain('integrity ok');
    expect(modeOf(target)).toBe('600');
    const copy = new BetterSqlite3(target, { readonly: true });
    expect(copy.prepare('SELECT email FROM contacts').pluck().all()).toEqual(['sara@example.com']);
    expect(copy.pragma('user_version', { simple: true })).toBe(latestVersion);
    copy.close();
    expect(readdirSync(t.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const again = await crm(['db', 'backup', target]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(again.stderr).toContain('--force');
    expect((await crm(['db', 'backup', target, '--force', '--json'])).json()).toMatchObject({ path: target, integrity: 'ok', schemaVersion: latestVersion });
  });

  it('refuses to write over the database itself or into a missing folder', async () => {
    await crm(['db', 'init']);
    expect((await crm(['db', 'backup', t.db, '--force'])).stderr).toContain('cannot replace the database itself');
    expect((await crm(['db', 'backup', join(t.dir, 'nope', 'x.db')])).stderr).toContain('mkdir -p');
  });
});

describe('db restore', () => {
  it('checks the file, keeps a copy of the current content, and swaps the content in', async () => {
    await crm(['contact', 'add', 'Before Backup', '--email', 'before@example.com']);
    const backup = join(t.dir, 'b.db');
    await crm(['db', 'backup', backup]);
    await crm(['contact', 'add', 'After Backup', '--email', 'after@example.com']);
    const refused = await crm(['db', 'restore', backup]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('Refusing without confirmation');
    expect(refused.stderr).toContain('crm db restore');
    const r = await crm(['db', 'restore', backup, '--yes', '--json']);
    expect(r.exitCode).toBe(0);
    const result = r.json();
    expect(result).toMatchObject({ schemaVersion: latestVersion, migratedTo: latestVersion });
    expect((await crm(['contact', 'list', '--json'])).json().map((c: { email: string }) => c.email)).toEqual(['before@example.com']);
    // The replaced content is kept.
    const kept = new BetterSqlite3(result.previousCopy, { readonly: true });
    expect(kept.prepare('SELECT email FROM contacts ORDER BY id').pluck().all()).toEqual(['before@example.com', 'after@example.com']);
    kept.close();
    // New ids continue after the restored ones.
    expect((await crm(['contact', 'add', 'Next', '--email', 'next@example.com'])).stdout).toBe('2\n');
    expect((await crm(['db', 'check'])).exitCode).toBe(0);
  });

  it('restores full-text indexes too (virtual tables and their shadow tables)', async () => {
    await crm(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com']);
    const backup = join(t.dir, 'b.db');
    await crm(['db', 'backup', backup]);
    const b = new BetterSqlite3(backup);
    b.exec("CREATE VIRTUAL TABLE notes_fts USING fts5(body); INSERT INTO notes_fts VALUES ('renewal call with Ana'), ('quote sent');");
    b.exec("CREATE VIRTUAL TABLE contacts_fts USING fts5(email, content='contacts', content_rowid='id'); INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild');");
    b.close();
    const r = await crm(['db', 'restore', backup, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    const raw = new BetterSqlite3(t.db, { readonly: true });
    expect(raw.prepare("SELECT body FROM notes_fts WHERE notes_fts MATCH 'renewal'").pluck().all()).toEqual(['renewal call with Ana']);
    expect(raw.prepare("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH 'ana'").pluck().all()).toEqual([1]);
    raw.close();
    expect((await crm(['db', 'check'])).exitCode).toBe(0);
  });

  it('asks on a terminal', async () => {
    await crm(['db', 'init']);
    const backup = join(t.dir, 'b.db');
    await crm(['db', 'backup', backup]);
    const no = await crm(['db', 'restore', backup], { answers: ['n'], tty: true });
    expect(no.exitCode).toBe(1);
    expect(no.stderr).toContain('Replace the content of');
    expect(no.stderr).toContain('Cancelled; nothing was changed.');
    expect((await crm(['db', 'restore', backup], { answers: ['y'], tty: true })).exitCode).toBe(0);
  });

  it('refuses garbage, a non-crm SQLite file, a damaged copy and a newer schema, before asking anything', async () => {
    await crm(['contact', 'add', 'Keep Me', '--email', 'keep@example.com']);
    const garbage = join(t.dir, 'garbage.db');
    writeFileSync(garbage, 'hello, this is not a database at all'.repeat(200));
    expect((await crm(['db', 'restore', garbage, '--yes'])).stderr).toContain('is not a SQLite database');
    const other = join(t.dir, 'other.db');
    const o = new BetterSqlite3(other);
    o.exec('CREATE TABLE notes (x); PRAGMA user_version = 1');
    o.close();
    expect((await crm(['db', 'restore', other, '--yes'])).stderr).toContain('is not a crm database');
    const newer = join(t.dir, 'newer.db');
    await crm(['db', 'backup', newer]);
    const n = new BetterSqlite3(newer);
    n.pragma('user_version = 99');
    n.close();
    const r = await crm(['db', 'restore', newer, '--yes']);
    expect(r.stderr).toContain(`schema version 99; this crm knows versions 1 to ${latestVersion}`);
    expect(r.stderr).toContain('Upgrade crm');
    expect((await crm(['db', 'restore', join(t.dir, 'missing.db'), '--yes'])).stderr).toContain('No file');
    expect((await crm(['contact', 'list', '--json'])).json()).toHaveLength(1);
  });

  it('restores over a damaged file by moving it aside', async () => {
    await crm(['contact', 'add', 'Good', '--email', 'good@example.com']);
    const backup = join(t.dir, 'b.db');
    await crm(['db', 'backup', backup]);
    writeFileSync(t.db, Buffer.alloc(4096, 0x42));
    expect((await crm(['contact', 'list'])).exitCode).toBe(1);
    const r = await crm(['db', 'restore', backup, '--yes']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('damaged file was moved to');
    expect((await crm(['contact', 'list', '--json'])).json().map((c: { email: string }) => c.email)).toEqual(['good@example.com']);
  });
});

describe('db check and vacuum', () => {
  it('reports ok on a healthy database', async () => {
    await crm(['contact', 'add', 'Ana', '--email', 'ana@example.com']);
    const r = await crm(['db', 'check', '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, integrity: [], foreignKeys: [] });
  });

  it('exits 3 with the broken references listed', async () => {
    await crm(['contact', 'add', 'Ana', '--email', 'ana@example.com', '--company', 'Acme']);
    const raw = new BetterSqlite3(t.db);
    raw.pragma('foreign_keys = OFF');
    raw.exec('DELETE FROM companies');
    raw.close();
    const r = await crm(['db', 'check', '--json']);
    expect(r.exitCode).toBe(3);
    expect(r.json()).toMatchObject({ ok: false, foreignKeys: [{ table: 'contacts', parent: 'companies' }] });
    expect(JSON.parse(r.stderr).error.code).toBe('db_check_failed');
    const human = await crm(['db', 'check']);
    expect(human.exitCode).toBe(3);
    expect(human.stderr).toContain('reference: contacts row 1 points to a missing companies row');
  });

  it('exits 3 on a file that is not a database', async () => {
    writeFileSync(t.db, Buffer.alloc(4096, 0x42));
    const r = await crm(['db', 'check']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('is not a SQLite database');
  });

  it('vacuum shrinks the file after deletions', async () => {
    await crm(['db', 'init']);
    const raw = new BetterSqlite3(t.db);
    raw.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO settings (key, value) SELECT 'k' || i, hex(randomblob(300)) FROM n");
    raw.exec('DELETE FROM settings');
    raw.close();
    const r = await crm(['db', 'vacuum', '--json']);
    expect(r.exitCode).toBe(0);
    const { beforeBytes, afterBytes } = r.json();
    expect(afterBytes).toBeLessThan(beforeBytes);
  });
});

describe('optimistic locking with --if-version', () => {
  it('company edit refuses a stale version', async () => {
    await crm(['company', 'add', 'Acme Ltd']);
    const v = (await crm(['company', 'show', '1', '--json'])).json().version;
    expect((await crm(['company', 'edit', '1', '--tier', 'A', '--if-version', String(v)])).exitCode).toBe(0);
    const stale = await crm(['company', 'edit', '1', '--tier', 'B', '--if-version', String(v)]);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain(`error: Company #1 was changed by someone else: it is at version ${v + 1}, not ${v}.`);
    expect(stale.stderr).toContain(`hint: Look again: crm company show 1 — then repeat with --if-version ${v + 1} if the change still applies.`);
    expect(JSON.parse((await crm(['company', 'edit', '1', '--tier', 'B', '--if-version', String(v), '--json'])).stderr).error.code).toBe('stale');
    expect((await crm(['company', 'show', '1', '--json'])).json()).toMatchObject({ tier: 'A', version: v + 1 });
  });

  it('user edit refuses a stale version', async () => {
    await crm(['user', 'add', 'sara', '--name', 'Sara']);
    const v = (await crm(['user', 'show', 'sara', '--json'])).json().version;
    expect((await crm(['user', 'edit', 'sara', '--team', 'East', '--if-version', String(v)])).exitCode).toBe(0);
    const stale = await crm(['user', 'edit', 'sara', '--team', 'West', '--if-version', String(v)]);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain(`error: User sara was changed by someone else: it is at version ${v + 1}, not ${v}.`);
    expect((await crm(['user', 'show', 'sara', '--json'])).json().team).toBe('East');
    expect((await crm(['user', 'edit', 'sara', '--team', 'West', '--if-version', 'x'])).exitCode).toBe(2);
  });
});

describe('crm help sharing', () => {
  it('explains the one-host rule and the way around it', async () => {
    const r = await crm(['help', 'sharing']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('--journal delete');
    expect(r.stdout).toContain('crm db backup');
  });
});
