/**
 * Issue 14 items 13 and 3 (the file part): every file crm writes with customer data is created
 * mode 0600 like the database (src/output/files.ts is the one place that creates them); the
 * rejects file never replaces an existing file without --force and never writes through a
 * symbolic link; stale temp files of killed backups are removed by the next backup.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useTempDb } from '../helpers/run-cli.js';

const t = useTempDb({ init: true });
const { crm, ok } = t;
const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('files with customer data are private (0600)', () => {
  it('exports, -o FILE (CSV, JSON, .ics), rejects and backups', async () => {
    await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com']);
    await ok(['task', 'add', 'Call Ana', '--due', '2026-11-25']);
    const files = {
      export: join(t.dir, 'export.csv'),
      list: join(t.dir, 'list.csv'),
      json: join(t.dir, 'list.json'),
      ics: join(t.dir, 'tasks.ics'),
      backup: join(t.dir, 'backup.db'),
    };
    await ok(['export', 'contacts', '--format', 'csv', '-o', files.export]);
    await ok(['contact', 'list', '-o', files.list]);
    await ok(['contact', 'list', '--json', '-o', files.json]);
    await ok(['task', 'export', '--ics', '--owner', 'all', '-o', files.ics]);
    await ok(['db', 'backup', files.backup]);
    const csv = join(t.dir, 'in.csv');
    writeFileSync(csv, 'name,email\nBad Row,not-an-email\nBo Chen,bo@example.com\n');
    await ok(['import', 'contacts', csv, '--skip-invalid']);
    const rejects = join(t.dir, 'in.rejects.csv');
    for (const f of [...Object.values(files), rejects]) expect(modeOf(f), f).toBe('600');
    expect(readFileSync(files.ics, 'utf8')).toContain('BEGIN:VCALENDAR');
  });

  it('a database created through a symbolic link: the file it points at is 0600', async () => {
    const target = join(t.dir, 'real', 'crm.db');
    mkdirSync(join(t.dir, 'real'));
    const link = join(t.dir, 'link.db');
    symlinkSync(target, link);
    expect((await runCli(['--db', link, 'init'])).exitCode).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(modeOf(target)).toBe('600');
    const demo = join(t.dir, 'demo-link.db');
    symlinkSync(join(t.dir, 'real', 'demo.db'), demo);
    expect((await runCli(['--db', demo, 'demo', '--json'])).exitCode).toBe(0);
    expect(modeOf(join(t.dir, 'real', 'demo.db'))).toBe('600');
  });
});

describe('the rejects file of --skip-invalid', () => {
  const csv = () => join(t.dir, 'leads.csv');
  const rejects = () => join(t.dir, 'leads.rejects.csv');
  const writeCsv = () => writeFileSync(csv(), 'name,email\nBad Row,not-an-email\nBo Chen,bo@example.com\n');

  it('does not replace an existing file without --force, and then imports nothing', async () => {
    writeCsv();
    writeFileSync(rejects(), 'my own notes\n');
    const r = await crm(['import', 'contacts', csv(), '--skip-invalid']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`the rejects file ${rejects()} already exists`);
    expect(r.stderr).toContain('--force');
    expect(readFileSync(rejects(), 'utf8')).toBe('my own notes\n');
    expect((await crm(['contact', 'list', '--json'])).json()).toEqual([]);
    const forced = await crm(['import', 'contacts', csv(), '--skip-invalid', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(rejects(), 'utf8')).toContain('Bad Row');
  });

  it('never writes through a symbolic link planted in its place, even with --force', async () => {
    writeCsv();
    const victim = join(t.dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, rejects());
    for (const extra of [[], ['--force']]) {
      const r = await crm(['import', 'contacts', csv(), '--skip-invalid', ...extra]);
      expect(r.exitCode, extra.join(' ')).toBe(1);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(2); // one error line and its hint
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    // A dangling link (its target does not exist yet) is not followed either.
    const dangling = join(t.dir, 'other.rejects.csv');
    symlinkSync(join(t.dir, 'would-be-created.csv'), dangling);
    const r = await crm(['import', 'contacts', csv(), '--skip-invalid', '--rejects', dangling, '--force']);
    expect(r.exitCode).toBe(1);
    expect(existsSync(join(t.dir, 'would-be-created.csv'))).toBe(false);
  });
});

describe('temp files of killed backups', () => {
  it('the next backup removes those of dead processes and keeps one a running backup is writing', async () => {
    const dead = join(t.dir, `old.db.crm-tmp-999999999-abc`);
    const running = join(t.dir, `other.db.crm-tmp-${process.pid + 0}-def`); // this process is alive
    writeFileSync(dead, Buffer.alloc(1 << 20));
    writeFileSync(running, 'in progress');
    const abandoned = join(t.dir, `older.db.crm-tmp-${process.ppid}-ghi`); // alive pid, untouched for two hours
    writeFileSync(abandoned, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(abandoned, twoHoursAgo, twoHoursAgo);
    await ok(['db', 'backup', join(t.dir, 'new.db')]);
    const left = readdirSync(t.dir).filter((f) => f.includes('.crm-tmp-'));
    expect(left).toEqual([`other.db.crm-tmp-${process.pid}-def`]);
  });
});
