/** A few tests that spawn the real bin/crm (built by `npm test` before vitest runs). */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/crm', import.meta.url));
let dir: string;

function crm(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', CRM_NOW: '2026-11-20T17:55:00Z', ...env },
    timeout: 20000,
  });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/crm', () => {
  it('crm init creates the default database under XDG_DATA_HOME with mode 0600, and commands print ids for scripts', () => {
    const xdg = join(dir, 'xdg');
    expect(crm(['init'], { XDG_DATA_HOME: xdg }).code).toBe(0);
    const add = crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com'], { XDG_DATA_HOME: xdg });
    expect(add).toMatchObject({ code: 0, stdout: '1\n' });
    const db = join(xdg, 'crm', 'crm.db');
    expect(crm(['db', 'path'], { XDG_DATA_HOME: xdg }).stdout).toBe(db + '\n');
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });

  it('falls back to ~/.local/share/crm/crm.db', () => {
    expect(crm(['db', 'path']).stdout).toBe(join(dir, '.local', 'share', 'crm', 'crm.db') + '\n');
    expect(existsSync(join(dir, '.local'))).toBe(false);
  });

  it('suggests the closest command and flag, with exit 2', () => {
    const cmd = crm(['contcat', 'list']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toBe("error: Unknown command 'contcat'\nhint: Did you mean contact?\n");
    const flag = crm(['contact', 'list', '--jsn', '--db', join(dir, 'a.db')]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Did you mean --json?');
    // Under --json the code is snake_case, as every crm error code (was "unknownCommand").
    const codes = [crm(['contcat', 'list', '--json']), crm(['contact', 'list', '--jsn', '--json', '--db', join(dir, 'a.db')]), crm(['contact', 'show', '--json'])].map((r) => JSON.parse(r.stderr).error.code);
    expect(codes).toEqual(['unknown_command', 'unknown_option', 'missing_argument']);
  });

  it('reports bad databases in one line: not SQLite, newer schema, unwritable path', () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database, just text that is long enough');
    const g = crm(['contact', 'list', '--db', garbage]);
    expect(g.code).toBe(1);
    expect(g.stderr).toBe(`error: ${garbage} is not a SQLite database.\nhint: Point --db at a crm database, or create one with: crm init --db NEW-PATH\n`);

    const newer = join(dir, 'newer.db');
    crm(['init', '--db', newer]);
    spawnSync('sqlite3', [newer, 'PRAGMA user_version = 99']);
    const n = crm(['contact', 'list', '--db', newer]);
    expect(n.code).toBe(1);
    expect(n.stderr).toContain('has schema version 99, newer than this crm knows');

    const locked = join(dir, 'ro');
    rmSync(locked, { force: true, recursive: true });
    spawnSync('mkdir', [locked]);
    chmodSync(locked, 0o500);
    const u = crm(['init', '--db', join(locked, 'sub', 'x.db')]);
    // root ignores directory permissions; either way the command must not crash with a stack
    if (u.code !== 0) {
      expect(u.code).toBe(1);
      expect(u.stderr.split('\n')[0]).toMatch(/^error: Cannot create database/);
    }
    const p = crm(['init', '--db', '/etc/passwd/x.db']);
    expect(p.code).toBe(1);
    expect(p.stderr).toBe('error: Cannot create database /etc/passwd/x.db: ENOTDIR\nhint: Choose a writable location with --db PATH or CRM_DB.\n');
  });

  it('writes JSON errors on stderr under --json', () => {
    expect(crm(['db', 'init', '--db', join(dir, 'x.db')]).code).toBe(0);
    const r = crm(['contact', 'show', '42', '--json', '--db', join(dir, 'x.db')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'not_found', message: 'No contact "42".', hint: 'Search with: crm contact find "42"' } });
  });

  it('shows a stack for user errors only with CRM_DEBUG=1', () => {
    const plain = crm(['contact', 'show', '42', '--db', join(dir, 'x.db')]);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = crm(['contact', 'show', '42', '--db', join(dir, 'x.db')], { CRM_DEBUG: '1' });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('stops quietly when the reader of a pipe goes away', () => {
    const db = join(dir, 'demo.db');
    expect(crm(['demo', '--db', db]).code).toBe(0);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" contact list --db "${db}" | head -1`], { encoding: 'utf8', env: { ...process.env, CRM_NOW: '2026-11-20T17:55:00Z' } });
    expect(r.stdout).toBe('id\tname\temail\tphone\tcompany\tlifecycle\towner\ttags\n');
    expect(r.stderr).not.toContain('EPIPE');
  });

  it('crm demo refuses to overwrite without --yes and refreshes with it', () => {
    const db = join(dir, 'demo.db');
    const first = crm(['demo', '--db', db]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Try these:');
    expect(first.stdout).toContain('crm --db ' + db + ' pipeline');
    const again = crm(['demo', '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('crm demo --yes');
    expect(crm(['demo', '--db', db, '--yes']).code).toBe(0);
  });
});
