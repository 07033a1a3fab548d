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
    expect((await crm(['export', 'users', '--json'])).json()).toEqual([]);
    const bad = await crm(['export', 'widgets']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Use one of: contacts, companies, deals, activities, tickets, users');
  });
});
