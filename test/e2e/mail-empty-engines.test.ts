/**
 * An empty or blank mailbox file (a week without mail, in a cron job) imports nothing and exits
 * 0: it was read as one message without headers, rejected for "no sender address", and wrote a
 * rejects file that the next run refused to replace. An empty file in a Maildir is skipped too.
 */
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmSeries, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('%s: an empty mailbox', (engine) => {
  const db = useEngineDb(engine, 'mailempty');

  it('imports no message and writes no rejects file, run after run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-mail-empty-'));
    writeFileSync(join(dir, 'week.mbox'), '');
    writeFileSync(join(dir, 'blank.eml'), '\n\r\n  \n');
    mkdirSync(join(dir, 'Maildir', 'cur'), { recursive: true });
    writeFileSync(join(dir, 'Maildir', 'cur', '1700000000.empty'), '');
    const mbox = join(dir, 'week.mbox');
    const [, , first, again, blank, maildir] = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['mail', 'support-address', 'support@example.com'],
      ['mail', 'import', mbox],
      ['mail', 'import', mbox, '--json'],
      ['mail', 'import', join(dir, 'blank.eml')],
      ['mail', 'import', join(dir, 'Maildir')],
    ]);
    for (const r of [first, again, blank, maildir]) {
      expect(r!.stderr).toBe('');
      expect(r!.code).toBe(0);
    }
    expect(first!.stdout).toMatch(/^0 messages: opened 0 tickets, .* 0 rejected/);
    expect(JSON.parse(again!.stdout)).toMatchObject({ messages: 0, rejectsFile: null, results: [] });
    expect(existsSync(join(dir, 'week.rejects.csv'))).toBe(false);
  }, 120_000);
});
