/**
 * Issue 14 item 6: a command on a missing database must not create an empty one and report
 * zeros (`crm --db /tmp/typo.db report kpi`, cron with another HOME). Only `crm init`
 * (`crm db init`), `crm demo` and `crm db restore` create a database; an empty --db or CRM_DB
 * is a usage error, not the default database.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();
const typo = () => join(t.dir, 'typo.db');
const oneLine = (path: string) => `error: no crm database at ${path} — create one with \`crm init\`\n`;

describe('a missing database', () => {
  it('report kpi on a mistyped path: exit 1, one line naming the path and crm init, nothing created', async () => {
    const r = await runCli(['--db', typo(), 'report', 'kpi']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(oneLine(typo()));
    expect(existsSync(typo())).toBe(false);
    const json = await runCli(['--db', typo(), 'report', 'kpi', '--json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'db_missing', message: expect.stringContaining(typo()) });
  });

  it('every other command refuses it the same way, reading or writing', async () => {
    for (const argv of [
      ['contact', 'list'],
      ['contact', 'add', 'Ana', '--email', 'ana@example.com'],
      ['agenda'],
      ['queue'],
      ['export', 'contacts'],
      ['db', 'backup', join(t.dir, 'b.db')],
      ['db', 'check'],
      ['db', 'vacuum'],
      ['db', 'migrate'],
      ['--no-migrate', 'deal', 'list'],
    ]) {
      const r = await runCli(argv, { db: typo() });
      expect(r.exitCode, argv.join(' ')).toBe(1);
      expect(r.stderr, argv.join(' ')).toBe(oneLine(typo()));
    }
    expect(readdirSync(t.dir)).toEqual([]);
  });

  it('cron with another HOME: the default database is missing, and neither it nor its folder is created', async () => {
    const home = join(t.dir, 'home');
    mkdirSync(home);
    const r = await runCli(['report', 'kpi'], { env: { HOME: home } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(oneLine(join(home, '.local', 'share', 'crm', 'crm.db')));
    expect(readdirSync(home)).toEqual([]);
  });

  it('an empty --db or CRM_DB is a usage error (exit 2), not the default database', async () => {
    const home = join(t.dir, 'home');
    mkdirSync(home);
    for (const [argv, env] of [
      [['--db', '', 'report', 'kpi'], {}],
      [['--db=', 'contact', 'add', 'Ana'], {}],
      [['report', 'kpi'], { CRM_DB: '' }],
      [['init'], { CRM_DB: '' }],
    ] as [string[], Record<string, string>][]) {
      const r = await runCli(argv, { env: { HOME: home, ...env } });
      expect(r.exitCode, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: (--db was given an empty path|CRM_DB is set but empty)\.\nhint: /);
    }
    expect(readdirSync(home)).toEqual([]);
  });
});

describe('the commands that create a database', () => {
  it('crm init creates a private file (the same command as crm db init); then commands work', async () => {
    const r = await runCli(['--db', typo(), 'init', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ path: typo(), created: true, mode: '0600', journalMode: 'wal' });
    expect(statSync(typo()).mode & 0o777).toBe(0o600);
    const again = await runCli(['init', '--db', typo(), '--json']);
    expect(again.json()).toMatchObject({ created: false });
    const kpi = await runCli(['--db', typo(), 'report', 'kpi', '--json']);
    expect(kpi.exitCode, kpi.stderr).toBe(0);
  });

  it('crm db init --db PATH and crm demo create one', async () => {
    const viaDb = join(t.dir, 'a', 'db-init.db');
    expect((await runCli(['db', 'init', '--db', viaDb])).exitCode).toBe(0);
    expect(existsSync(viaDb)).toBe(true);
    const demo = join(t.dir, 'demo.db');
    expect((await runCli(['--db', demo, 'demo', '--json'])).exitCode).toBe(0);
    expect(statSync(demo).mode & 0o777).toBe(0o600);
  });

  it('crm db restore into a missing path creates it from the backup', async () => {
    const source = join(t.dir, 'source.db');
    expect((await runCli(['--db', source, 'init'])).exitCode).toBe(0);
    expect((await runCli(['--db', source, 'contact', 'add', 'Ana', '--email', 'ana@example.com'])).exitCode).toBe(0);
    const backup = join(t.dir, 'backup.db');
    expect((await runCli(['--db', source, 'db', 'backup', backup])).exitCode).toBe(0);
    const r = await runCli(['--db', typo(), 'db', 'restore', backup, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await runCli(['--db', typo(), 'contact', 'list', '--json'])).json().map((c: { email: string }) => c.email)).toEqual(['ana@example.com']);
  });
});
