/**
 * A quoted CSV cell with CRLF line ends (a spreadsheet on Windows) is stored with LF, as the same
 * text from --body-file or typed is: the file's CR never reaches the database, where it would
 * make an export differ and a terminal line jump. Both engines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmSeries, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('%s: CRLF inside imported cells', (engine) => {
  const db = useEngineDb(engine, 'crlfcells');

  it('becomes LF; importing the LF file again changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-crlf-'));
    writeFileSync(join(dir, 'crlf.csv'), 'first_name,last_name,email,title\r\n"Ana\r\nMaria",Lopez,ana@example.com,"Head of\r\nSales"\r\n');
    writeFileSync(join(dir, 'lf.csv'), 'first_name,last_name,email,title\n"Ana\nMaria",Lopez,ana@example.com,"Head of\nSales"\n');
    const [, first, show, again] = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['import', 'contacts', join(dir, 'crlf.csv')],
      ['contact', 'show', 'ana@example.com', '--json'],
      ['import', 'contacts', join(dir, 'lf.csv')],
    ]);
    expect(first!.code, first!.stderr).toBe(0);
    expect(JSON.parse(show!.stdout)).toMatchObject({ firstName: 'Ana\nMaria', title: 'Head of\nSales' });
    expect(again!.stdout).toMatch(/0 created, 0 updated, 1 unchanged/);
  }, 120_000);
});
