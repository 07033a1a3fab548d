import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliFor, tempDb, useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();
const { crm } = t;

describe('crm export', () => {
  it('neutralises formulas but keeps phone numbers as they are; --raw writes cells as stored', async () => {
    await crm(['contact', 'add', '=HYPERLINK("http://x")', '--email', 'a@example.com', '--phone', '+49 30 1234']);
    const csv = await crm(['export', 'contacts']);
    expect(csv.exitCode).toBe(0);
    const line = csv.stdout.split('\n')[1]!;
    expect(line.startsWith(`"'=HYPERLINK(""http://x"")",,a@example.com,+49 30 1234,`)).toBe(true);
    const raw = await crm(['export', 'contacts', '--raw']);
    expect(raw.stdout.split('\n')[1]!.startsWith('"=HYPERLINK(""http://x"")",,a@example.com,+49 30 1234,')).toBe(true);
    // The neutralised export imports back to the original text.
    const file = join(t.dir, 'c.csv');
    writeFileSync(file, csv.stdout);
    const other = tempDb();
    try {
      const crm2 = cliFor(other.db);
      expect((await crm2(['import', 'contacts', file])).exitCode).toBe(0);
      expect((await crm2(['contact', 'show', 'a@example.com', '--json'])).json()).toMatchObject({ firstName: '=HYPERLINK("http://x")', phone: '+49 30 1234' });
    } finally {
      other.cleanup();
    }
  });

  it('--excel writes a UTF-8 BOM and CRLF; -o picks the format from the extension; filters apply', async () => {
    await crm(['contact', 'add', 'Lin Wei', '--email', 'lin@example.com', '--tag', 'vip']);
    await crm(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com']);
    const excel = join(t.dir, 'x.csv');
    const r = await crm(['export', 'contacts', '--excel', '-o', excel]);
    expect(r.stderr).toContain('Exported 2 contacts to');
    const bytes = readFileSync(excel);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8').split('\r\n')).toHaveLength(4);
    const json = join(t.dir, 'x.ndjson');
    await crm(['export', 'contacts', '+vip', '-o', json]);
    const lines = readFileSync(json, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ firstName: 'Lin', lastName: 'Wei', email: 'lin@example.com', tags: ['vip'], customFields: null })]);
    const all = await crm(['export', 'contacts', '--json']);
    expect(all.json().map((c: { email: string }) => c.email)).toEqual(['lin@example.com', 'ana@example.com']);
    expect((await crm(['export', 'users', '--json'])).json().map((u: { handle: string }) => u.handle)).toEqual(['tester']); // crm init made the login its admin
    const bad = await crm(['export', 'widgets']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Use one of: contacts, companies, deals, activities, tickets, users');
  });

  it('keeps a leading apostrophe across export → import → export (#14 item 4)', async () => {
    await crm(['contact', 'add', '--email', 'apos@example.com', '--title', "'quoted", '--notes', "'=1+1 Apos", '--', "'=1+1 Apos"]);
    const first = await crm(['export', 'contacts']);
    expect(first.stdout.split('\n')[1]).toMatch(/^''=1\+1,Apos,apos@example.com,,,,''quoted,.*,''=1\+1 Apos,/);
    const file = join(t.dir, 'apos.csv');
    writeFileSync(file, first.stdout);
    const other = tempDb();
    try {
      const crm2 = cliFor(other.db);
      expect((await crm2(['db', 'init'])).exitCode).toBe(0);
      expect((await crm2(['import', 'contacts', file])).exitCode).toBe(0);
      expect((await crm2(['contact', 'show', 'apos@example.com', '--json'])).json()).toMatchObject({ firstName: "'=1+1", lastName: 'Apos', title: "'quoted", notes: "'=1+1 Apos" });
      expect((await crm2(['export', 'contacts'])).stdout).toBe(first.stdout);
    } finally {
      other.cleanup();
    }
  });
});

describe('every CSV crm writes goes through the one writer (#14 item 12)', () => {
  it('list --format csv, -o FILE.csv and report CSVs neutralise formulas, -1-1 included', async () => {
    await crm(['contact', 'add', '--email', 'f@example.com', '--title', '-1-1', '--', '=cmd|"/c calc"!A0']);
    await crm(['contact', 'add', 'Phone Person', '--email', 'p@example.com', '--phone', '+49 30 1234']);
    const listed = await crm(['contact', 'list', '--format', 'csv']);
    expect(listed.stdout).toContain(`"'=cmd|""/c calc""!A0"`);
    expect(listed.stdout).not.toMatch(/(^|,)-1-1/m);
    const file = join(t.dir, 'list.csv');
    expect((await crm(['contact', 'list', '-o', file])).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(listed.stdout);
    const shown = await crm(['contact', 'show', 'f@example.com', '--format', 'csv']);
    expect(shown.stdout).toContain("'-1-1");
    expect(shown.stdout).not.toMatch(/(^|,)[=+\-@]/m);
    // A report's CSV: the untouched contacts, the formula-named one among them.
    const report = await crm(['report', 'untouched', '--format', 'csv', '--table', 'contacts']);
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.stdout).toContain(`"'=cmd|""/c calc""!A0"`);
  });
});
