/**
 * Terminal safety is a property of the writer of stdout and stderr (terminalSafe in src/io.ts),
 * tested at that boundary: hostile text already in the database (written by an older crm, another
 * client of a shared database, or SQL) goes through many commands on a terminal, and no control
 * or escape byte reaches either stream — confirmations, errors and raw formats included. On a
 * file or pipe the raw formats keep the stored bytes exactly. Input refuses control characters.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';
import { UNSAFE, withoutOwnCodes } from '../helpers/terminal.js';

/** Clear screen, set title (OSC 0), write the clipboard (OSC 52), bell, C1 CSI, bidi override, CR, backspace, DEL. */
const HOSTILE = 'Evil\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\u009b31m\u202eRTL\u202c\r\bX\u007f';

const own = withoutOwnCodes;


describe('the writer of stdout and stderr on a terminal', () => {
  const t = useTempDb({ tty: true, shared: true, timeout: 60_000 });

  it('lets no control or escape byte of stored text through, in any command', async () => {
    await t.ok(['db', 'init']);
    await t.ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd']);
    await t.ok(['deal', 'add', 'Acme renewal', '--contact', 'sara@example.com', '--amount', '100 EUR', '--close', '2026-12-15']);
    await t.ok(['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com']);
    await t.ok(['task', 'add', 'Send quote', '--due', 'tomorrow 9am', '--contact', '1']);
    await t.ok(['log', 'call', '1', 'Hello']);
    const sql = new Database(t.db);
    sql.prepare('UPDATE contacts SET first_name = ?, last_name = ?, title = ?, notes = ?').run(HOSTILE, HOSTILE, HOSTILE, HOSTILE);
    sql.prepare('UPDATE companies SET name = ?').run(HOSTILE);
    sql.prepare('UPDATE deals SET title = ?').run(HOSTILE);
    sql.prepare('UPDATE tickets SET subject = ?, description = ?').run(HOSTILE, HOSTILE);
    sql.prepare('UPDATE activities SET subject = ?, body = ?').run(HOSTILE, HOSTILE);
    sql.close();
    const csv = join(t.dir, 'hostile.csv');
    writeFileSync(csv, `name,email\n"${HOSTILE}",evil@example.com\n`);

    // exits: without colour, then with it (a repeated change is refused the second time).
    const commands: { argv: string[]; exits?: [number, number] }[] = [
      { argv: ['contact', 'list'] },
      { argv: ['contact', 'show', '1'] },
      { argv: ['contact', 'find', 'sara'] },
      { argv: ['contact', 'edit', '1', '--lifecycle', 'customer'], exits: [0, 1] },
      { argv: ['company', 'list'] },
      { argv: ['company', 'show', '1'] },
      { argv: ['deal', 'list'] },
      { argv: ['deal', 'show', '1'] },
      { argv: ['deal', 'move', '1', 'quote'], exits: [0, 1] },
      { argv: ['deal', 'win', '1'], exits: [0, 1] },
      { argv: ['pipeline'] },
      { argv: ['log', 'call', '1', 'Again'] },
      { argv: ['log', 'note', 'deal:1', 'About the deal'] },
      { argv: ['ticket', 'list'] },
      { argv: ['ticket', 'show', '1'] },
      { argv: ['ticket', 'note', '1', 'Checked'] },
      { argv: ['task'] },
      { argv: ['agenda', '--days', '7'] },
      { argv: ['activity', 'list'] },
      { argv: ['history', 'contact', '1'] },
      { argv: ['task', 'export', '--ics'] },
      { argv: ['export', 'contacts'] },
      { argv: ['export', 'tickets', '--raw'] },
      { argv: ['contact', 'list', '--format', 'csv'] },
      { argv: ['contact', 'list', '--format', 'tsv'] },
      { argv: ['contact', 'list', '--json'] },
      { argv: ['deal', 'show', '1', '--json'] },
      { argv: ['report', 'kpi'] },
      { argv: ['import', 'contacts', csv], exits: [1, 1] },
      { argv: ['import', 'contacts', csv, '--dry-run'] },
    ];
    let shown = 0;
    for (const { argv, exits = [0, 0] } of commands) {
      for (const color of [false, true]) {
        const r = await t.crm(argv, { color });
        const where = `crm ${argv.join(' ')}${color ? ' (colour)' : ''}`;
        expect(r.exitCode, `${where}: ${r.stderr}`).toBe(exits[color ? 1 : 0]);
        expect(own(r.stdout), `${where}: stdout`).not.toMatch(UNSAFE);
        expect(own(r.stderr), `${where}: stderr`).not.toMatch(UNSAFE);
        if (!color) expect(own(r.stdout + r.stderr), where).not.toContain('\u001b');
        if ((r.stdout + r.stderr).includes('Evil')) shown++;
      }
    }
    // The hostile records were printed (made safe), not skipped.
    expect(shown).toBeGreaterThan(40);
    // JSON on a terminal is still the stored value: the writer had nothing to remove, as JSON
    // writes C0 and (crm's JSON) C1 and bidi controls as \u escapes.
    const json = await t.crm(['contact', 'show', '1', '--json']);
    expect(json.json().firstName).toBe(HOSTILE);
    expect(json.stdout).toContain('\\u202e');
  });

  it('keeps the stored bytes exactly when the stream is a file or pipe (CSV, ICS)', async () => {
    const ics = await t.ok(['task', 'export', '--ics'], { tty: false });
    // ICS escapes ; , and line breaks; every other byte is written as stored.
    expect(ics.stdout).toContain('SUMMARY:Evil\u001b[2J\u001b]0\\;pwned\u0007');
    const csv = await t.ok(['export', 'deals', '--raw'], { tty: false });
    expect(csv.stdout).toContain(HOSTILE.slice(0, 10));
    expect(csv.stdout).toContain('\u001b]52;c;');
  });
});

describe('input with control characters', () => {
  const t = useTempDb();
  const { crm, ok } = t;

  it('is refused on the command line with one line, and nothing is stored', async () => {
    await ok(['db', 'init']);
    for (const argv of [
      ['contact', 'add', 'Evil\u001b[2J', '--email', 'e@example.com'],
      ['contact', 'add', 'Eve', '--email', 'e\u0007@example.com'],
      ['company', 'add', 'Acme\u009b31m'],
      ['task', 'add', 'Do it\r', '--due', 'tomorrow'],
    ]) {
      const r = await crm(argv);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: The argument ".*" contains the control character U\+00[0-9A-F]{2} at position \d+; only tab and newline are allowed\.\nhint: .+\n$/);
      expect(r.stderr).not.toMatch(UNSAFE);
    }
    expect((await ok(['contact', 'list', '--json'])).json()).toEqual([]);
    expect((await ok(['company', 'list', '--json'])).json()).toEqual([]);
    // An error that echoes a value with a line break is still one line.
    const echoed = await crm(['contact', 'show', 'no\nbody']);
    expect(echoed.exitCode).toBe(1);
    expect(echoed.stderr).toMatch(/^error: [^\n]*no\\nbody[^\n]*\n(?:hint: [^\n]*\n)?$/);
    // Tab, newline and CRLF are text; bidi marks are text too (made safe on output only).
    await ok(['task', 'add', 'Line one\r\nline two\twith a tab', '--due', 'tomorrow']);
    await ok(['contact', 'add', 'سارا \u202bرحیمی\u202c', '--email', 'sara@example.com']);
  });

  it('is refused in an import row, naming the row and column', async () => {
    await ok(['db', 'init']);
    const file = join(t.dir, 'c.csv');
    writeFileSync(file, 'name,email,title\nAna Lima,ana@example.com,ok\nEve,eve@example.com,"Boss\u001b]0;x\u0007"\n');
    const r = await crm(['import', 'contacts', file, '--skip-invalid']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/row 3, title "Boss.*": contains the control character U\+001B at position 5/);
    expect(r.stderr).not.toMatch(UNSAFE);
    expect((await ok(['contact', 'list', '--json'])).json().map((c: { email: string }) => c.email)).toEqual(['ana@example.com']);
    // A header is input too (it names a custom field): the file is refused in one line.
    writeFileSync(file, 'name,email,"Ev\u001b[2Jil"\nBo Ek,bo@example.com,x\n');
    const header = await crm(['import', 'contacts', file]);
    expect(header.exitCode).toBe(1);
    expect(header.stderr).toMatch(/^error: The column header "Ev\\u001b\[2Jil" contains the control character U\+001B at position 3; only tab and newline are allowed\.\nhint: .*\n$/);
  });
});
