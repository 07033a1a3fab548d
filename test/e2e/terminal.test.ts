/**
 * The real bin/crm on a real terminal (a pseudo-terminal from script(1)): hostile text in the
 * database reaches neither stdout nor stderr as control bytes; piped, the same command keeps
 * the stored bytes. The in-process tests (test/output/terminal-boundary.test.ts) cover the
 * commands; this covers how the process decides it is talking to a terminal.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNSAFE } from '../helpers/terminal.js';

const BIN = fileURLToPath(new URL('../../bin/crm', import.meta.url));
const HOSTILE = 'Evil\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eX';
let dir: string;
let db: string;
const env = () => ({ PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', CRM_NOW: '2026-11-20T17:55:00Z', CRM_DB: db, NO_COLOR: '1' });

function piped(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: env(), timeout: 30000 });
}

/** Run bin/crm with stdin, stdout and stderr on a pseudo-terminal; returns what the terminal got. */
function onTerminal(args: string[]) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: env(), timeout: 30000 });
  // The terminal turns each newline into CR LF (onlcr); that CR is the terminal's, not crm's.
  return { code: r.status, text: r.stdout.replace(/\r\n/g, '\n') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crm-e2e-tty-'));
  db = join(dir, 'crm.db');
  expect(piped(['db', 'init']).status).toBe(0);
  expect(piped(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']).status).toBe(0);
  expect(piped(['deal', 'add', 'Renewal', '--contact', 'sara@example.com', '--amount', '10 EUR']).status).toBe(0);
  const sql = new Database(db);
  sql.prepare('UPDATE contacts SET first_name = ?').run(HOSTILE);
  sql.prepare('UPDATE deals SET title = ?').run(HOSTILE);
  sql.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/crm on a terminal', () => {
  it('prints stored escape sequences as plain text, on stdout and stderr', () => {
    for (const args of [['contact', 'show', '1'], ['deal', 'list'], ['deal', 'win', '1'], ['export', 'deals']]) {
      const r = onTerminal(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.text, args.join(' ')).toContain('Evil');
      expect(r.text, args.join(' ')).not.toMatch(UNSAFE);
    }
  });

  it('keeps the bytes when piped', () => {
    const r = piped(['export', 'deals', '--raw']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(HOSTILE);
  });
});
