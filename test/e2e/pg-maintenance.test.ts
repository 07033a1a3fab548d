/**
 * `crm db backup` / `crm db restore` on PostgreSQL run pg_dump / pg_restore from PATH (and `crm db check`
 * reports what the server left invalid or unverified). Stand-in
 * tools (shell scripts that record how they were called) make the test independent of which
 * client version the machine has: the password never reaches their command line, the backup is
 * renamed into place only when pg_dump succeeded, and a missing or refusing tool is one line.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { crmOn, useEngineDb } from '../helpers/engines.js';
import { latestVersion } from '../../src/db/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-pgdump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake tool in its own folder: logs argv and PGPASSWORD, then runs `body`. */
function fakeTool(folder: string, name: string, body: string): string {
  const bin = join(dir, folder);
  if (!existsSync(bin)) mkdirSync(bin);
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(dir, `${folder}-${name}.args`)}"\nprintf '%s' "$PGPASSWORD" > "${join(dir, `${folder}-${name}.pw`)}"\n${body}\n`);
  chmodSync(path, 0o755);
  return bin;
}

describe('crm db backup and restore on PostgreSQL', () => {
  const db = useEngineDb('postgres', 'backup');
  const password = () => new URL(db.url).password;

  it('backup runs pg_dump (custom format) with the password in PGPASSWORD, not on its command line, and writes FILE 0600', () => {
    const bin = fakeTool('ok', 'pg_dump', 'for a in "$@"; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done');
    const file = join(dir, 'crm.dump');
    const r = crmOn(db.url, ['db', 'backup', file, '--json'], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ path: file, engine: 'postgres' });
    expect(r.stderr).toContain('with pg_dump');
    expect(r.stdout + r.stderr).not.toContain(password());
    const args = readFileSync(join(dir, 'ok-pg_dump.args'), 'utf8');
    expect(args).toContain('--format=custom');
    expect(args).not.toContain(password());
    expect(readFileSync(join(dir, 'ok-pg_dump.pw'), 'utf8')).toBe(password());
    expect(readFileSync(file, 'utf8')).toBe('dump\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // An existing file is kept unless --force.
    const again = crmOn(db.url, ['db', 'backup', file], { PATH: `${bin}:${process.env.PATH}` });
    expect(again.code).toBe(1);
    expect(again.stderr.split('\n')[0]).toBe(`error: ${file} already exists.`);
  });

  it('a pg_dump that refuses (e.g. older than the server) is one line; no file is left behind', () => {
    const bin = fakeTool('old', 'pg_dump', 'echo "pg_dump: error: aborting because of server version mismatch" >&2\necho "pg_dump: detail: server version: 17.6; pg_dump version: 15.18" >&2\nexit 1');
    const file = join(dir, 'never.dump');
    const r = crmOn(db.url, ['db', 'backup', file], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: pg_dump failed for postgres:\/\/postgres:\*\*\*@.*: aborting because of server version mismatch\nhint: Nothing was changed\..*\n$/);
    expect(existsSync(file)).toBe(false);
  });

  it('without pg_dump / pg_restore installed: one line saying the server\'s own backups apply, exit 1', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const b = crmOn(db.url, ['db', 'backup', join(dir, 'x.dump')], { PATH: empty });
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^error: `crm db backup` on PostgreSQL needs pg_dump, which is not installed here\.\nhint: .*server's own backups.*\n$/);
    writeFileSync(join(dir, 'in.dump'), 'x');
    const r = crmOn(db.url, ['db', 'restore', join(dir, 'in.dump'), '--yes'], { PATH: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: `crm db restore` on PostgreSQL needs pg_restore, which is not installed here.\n');
  });

  it('restore is for admins, as on SQLite: a rep (connected as her own role) is refused before pg_restore runs', async () => {
    const bin = fakeTool('rep', 'pg_restore', 'exit 0');
    const role = `${new URL(db.url).pathname.slice(1)}_rita`;
    expect(crmOn(db.url, ['user', 'add', 'rita', '--role', 'rep']).code).toBe(0);
    expect(crmOn(db.url, ['db', 'grant', 'rita', '--role', role]).code).toBe(0);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`ALTER ROLE "${role}" PASSWORD 'pw'`).finally(() => client.end());
    const asRita = new URL(db.url);
    asRita.username = role;
    asRita.password = 'pw';
    const file = join(dir, 'rep.dump');
    writeFileSync(file, 'x');
    const r = crmOn(asRita.toString(), ['db', 'restore', file, '--yes'], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*db\.admin/);
    expect(existsSync(join(dir, 'rep-pg_restore.args'))).toBe(false);
  });

  it('restore asks first (piped: needs --yes), then runs pg_restore --clean in one transaction', () => {
    const bin = fakeTool('ok', 'pg_restore', 'exit 0');
    const file = join(dir, 'in.dump');
    writeFileSync(file, 'x');
    const refused = crmOn(db.url, ['db', 'restore', file], { PATH: `${bin}:${process.env.PATH}` });
    expect(refused.code).not.toBe(0);
    expect(existsSync(join(dir, 'ok-pg_restore.args'))).toBe(false);
    const r = crmOn(db.url, ['db', 'restore', file, '--yes'], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code, r.stderr).toBe(0);
    const args = readFileSync(join(dir, 'ok-pg_restore.args'), 'utf8').split('\n');
    expect(args).toEqual(expect.arrayContaining(['--clean', '--if-exists', '--single-transaction', '--exit-on-error', file]));
    expect(args.join(' ')).not.toContain(password());
    expect(r.stderr).toContain('Restored');
    // Then the schema is brought up to this crm's (nothing to do here: the stand-in restored nothing older).
    const json = crmOn(db.url, ['db', 'restore', file, '--yes', '--json'], { PATH: `${bin}:${process.env.PATH}` });
    expect(JSON.parse(json.stdout)).toMatchObject({ engine: 'postgres', restoredFrom: file, migratedTo: latestVersion });
  });
});

describe('crm db check on PostgreSQL', () => {
  const db = useEngineDb('postgres', 'check');

  it('a sound database: ok, exit 0, and it says what it could not check (amcheck not installed)', () => {
    expect(crmOn(db.url, ['user', 'add', 'anna']).code).toBe(0);
    const r = crmOn(db.url, ['db', 'check', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ engine: 'postgres', ok: true, integrity: [], schemaVersion: latestVersion });
    expect(result.path).toContain(':***@');
    expect(result.notChecked).toEqual([expect.stringMatching(/^index structure: the amcheck extension is not installed/)]);
    expect(crmOn(db.url, ['db', 'check']).stderr).toMatch(/no problems found \(not checked: index structure\)\.\n$/);
  });

  it('a constraint the server never validated is a problem: one line each, exit 3', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('ALTER TABLE users ADD CONSTRAINT users_handle_short CHECK (length(handle) < 100) NOT VALID');
    } finally {
      await client.end();
    }
    const r = crmOn(db.url, ['db', 'check']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('integrity: constraint users_handle_short on users is not validated (ALTER TABLE users VALIDATE CONSTRAINT users_handle_short)\n');
    expect(r.stderr).toMatch(/error: postgres:\/\/.*:\*\*\*@.* has 1 problem\(s\)\.\n/);
  });
});

describe('crm db vacuum on PostgreSQL', () => {
  const db = useEngineDb('postgres', 'vacuum');

  it('runs VACUUM (ANALYZE): the planner has statistics afterwards', async () => {
    expect(crmOn(db.url, ['contact', 'add', 'Vera Vacuum', '--email', 'vera@example.com']).code).toBe(0);
    const r = crmOn(db.url, ['db', 'vacuum', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ engine: 'postgres', path: expect.stringContaining(':***@') });
    expect(r.stderr).toMatch(/^Vacuumed and analyzed postgres:\/\/.*:\*\*\*@.*\(VACUUM \(ANALYZE\)/);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const analyzed = await client.query("SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL AS done FROM pg_stat_user_tables WHERE relname = 'contacts'");
      expect(analyzed.rows).toEqual([{ done: true }]);
    } finally {
      await client.end();
    }
  });
});
