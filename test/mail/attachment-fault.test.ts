/**
 * crm mail import when the attachment files cannot be named after the messages' commit (the
 * folder became read-only, the disk is full): the user gets one line saying so, no temporary file
 * stays, every message stays imported and no row points to a missing file; importing the same
 * mailbox again stores the missing attachments, and a third run changes nothing. The fault is
 * injected into the link that names the files (CI runs as root, where chmod stops nothing).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { execSql, querySql } from '../helpers/engines.js';
import { useTempDb } from '../helpers/run-cli.js';

const fault = vi.hoisted(() => ({ under: null as string | null }));

vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  const linkSync: typeof real.linkSync = (from, to) => {
    if (fault.under && String(to).startsWith(fault.under)) {
      throw Object.assign(new Error(`EACCES: permission denied, link '${String(from)}' -> '${String(to)}'`), { code: 'EACCES', errno: -13, syscall: 'link' });
    }
    return real.linkSync(from, to);
  };
  return { ...real, default: { ...real, linkSync }, linkSync };
});

function message(id: string, subject: string, files: [string, string][]): string {
  const head = `From: sara@example.com\r\nTo: support@acme.test\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\nDate: Thu, 19 Nov 2026 09:00:00 +0000\r\n`;
  if (!files.length) return `${head}\r\n${subject} body.\r\n`;
  const parts = [`--B`, 'Content-Type: text/plain', '', `${subject} body.`];
  for (const [name, content] of files) parts.push('--B', 'Content-Type: text/plain', `Content-Disposition: attachment; filename="${name}"`, '', content);
  parts.push('--B--', '');
  return `${head}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n${parts.join('\r\n')}`;
}

describe.each(['sqlite', 'postgres'] as const)('mail import attachments that cannot be named on %s', (engine) => {
  const t = useTempDb({ engine, now: '2026-11-20T12:00:00Z' });

  it('keeps the messages without their files, leaves no temporary file, and a re-run stores them', async () => {
    await t.ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    await t.ok(['mail', 'support-address', 'support@acme.test']);
    const box = join(t.dir, 'week.mbox');
    const store = join(t.dir, 'files');
    writeFileSync(box, [
      message('f1@example.com', 'First', [['log.txt', 'line one'], ['log.txt', 'line two']]),
      message('f2@example.com', 'Second', []),
      message('f3@example.com', 'Third', [['photo.txt', 'a photo']]),
    ].map((m) => `From sara@example.com Thu Nov 19 09:00:00 2026\n${m}\n`).join(''));
    const files = () => (existsSync(store) ? readdirSync(store, { recursive: true }).map(String).filter((f) => /\.txt$|crm-partial/.test(f)).sort() : []);
    const rows = async () => querySql(t.db, 'SELECT message_id, attachment_count, attachment_dir FROM mail_messages ORDER BY message_id');

    fault.under = store;
    const failed = await t.crm(['mail', 'import', box, '--attachments', store]);
    fault.under = null;
    expect(failed.exitCode).toBe(1);
    const lines = failed.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error: Cannot write .*log\.txt: EACCES: permission denied; 2 messages imported without their attachments \(no file left behind\)\.$/);
    expect(lines[0]).not.toContain('crm-partial');
    expect(failed.stderr).toContain('run the same import again');
    expect(files()).toEqual([]);
    // Every message is in, and no row points to a folder without its files.
    expect(await rows()).toEqual([
      { message_id: 'f1@example.com', attachment_count: 2, attachment_dir: null },
      { message_id: 'f2@example.com', attachment_count: 0, attachment_dir: null },
      { message_id: 'f3@example.com', attachment_count: 1, attachment_dir: null },
    ]);
    expect((await t.ok(['ticket', 'list', '--json'])).json()).toHaveLength(3);

    // An import killed mid-way (a process that no longer runs) left a temporary file: the re-run removes it.
    const folder = join(store, createHash('sha256').update('f1@example.com').digest('hex').slice(0, 16));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.crm-partial-99999999-abcdef'), 'half a file');
    const again = await t.ok(['mail', 'import', box, '--attachments', store, '--json']);
    const out = again.json();
    expect(out.counts).toMatchObject({ ticket: 0, reply: 0, unchanged: 3 });
    expect(out.attachments).toMatchObject({ total: 3, stored: 3 });
    expect(out.results[0].reason).toBe('imported before; its attachments stored now');
    expect(files().map((f) => f.replace(/^.*\//, '')).sort()).toEqual(['log (2).txt', 'log.txt', 'photo.txt']);
    for (const r of await rows()) {
      if (!Number(r.attachment_count)) continue;
      expect(r.attachment_dir).toEqual(expect.any(String));
      expect(readdirSync(String(r.attachment_dir))).toHaveLength(Number(r.attachment_count));
    }
    const first = (await rows())[0]!;
    expect(readFileSync(join(String(first.attachment_dir), 'log.txt'), 'utf8')).toContain('line one');
    expect(readFileSync(join(String(first.attachment_dir), 'log (2).txt'), 'utf8')).toContain('line two');

    const third = await t.ok(['mail', 'import', box, '--attachments', store]);
    expect(third.stdout).toBe('3 messages: opened 0 tickets, 0 replies on tickets, 0 email activities, 3 unchanged, 0 rejected, attachments: 0\n');
    expect(files()).toHaveLength(3);
  });

  it('removes the named files when the rows cannot be pointed at them, and a re-run stores them', async () => {
    await t.ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    await t.ok(['mail', 'support-address', 'support@acme.test']);
    const box = join(t.dir, 'one.eml');
    const store = join(t.dir, 'files');
    writeFileSync(box, message('p1@example.com', 'Pointer', [['report.txt', 'the report']]));
    const files = () => (existsSync(store) ? readdirSync(store, { recursive: true }).map(String).filter((f) => /\.txt$|crm-partial/.test(f)) : []);
    // A trigger stands in for a database that refuses the short write after the files are named.
    await execSql(t.db, engine === 'postgres'
      ? `CREATE FUNCTION no_dir() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.attachment_dir IS NOT NULL THEN RAISE EXCEPTION 'disk I/O error (simulated)'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER no_dir BEFORE UPDATE ON mail_messages FOR EACH ROW EXECUTE FUNCTION no_dir();`
      : `CREATE TRIGGER no_dir BEFORE UPDATE ON mail_messages WHEN NEW.attachment_dir IS NOT NULL BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END;`);
    const failed = await t.crm(['mail', 'import', box, '--attachments', store]);
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr.split('\n')[0]).toMatch(/^error: Cannot record where the attachments are stored: .*disk I\/O error \(simulated\); 1 message imported without its attachments \(no file left behind\)\.$/);
    expect(files()).toEqual([]);
    expect(await querySql(t.db, 'SELECT message_id, attachment_dir FROM mail_messages')).toEqual([{ message_id: 'p1@example.com', attachment_dir: null }]);

    await execSql(t.db, engine === 'postgres' ? 'DROP TRIGGER no_dir ON mail_messages; DROP FUNCTION no_dir();' : 'DROP TRIGGER no_dir;');
    const again = (await t.ok(['mail', 'import', box, '--attachments', store, '--json'])).json();
    expect(again.attachments).toMatchObject({ total: 1, stored: 1 });
    expect(files().map((f) => f.replace(/^.*\//, ''))).toEqual(['report.txt']);
  });
});
