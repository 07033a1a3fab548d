/**
 * crm mail import on both engines: messages to the support address open tickets at their Date,
 * answers (In-Reply-To / References / [#id]) become customer messages the SLA clock sees, other
 * mail to and from contacts becomes email activities, attachments are stored or skipped (never
 * silently dropped), and importing the same mailbox again changes nothing. Hostile mail (encoded
 * headers, HTML-only bodies, bad charsets, escape sequences, huge bodies, "From " in bodies)
 * neither breaks the import nor reaches the terminal. Fixtures are generated here.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { crmOn, ENGINES, querySql, useEngineDb } from '../helpers/engines.js';
import { pgQuery } from '../helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-mail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ESC = '\u001b';

function message(h: Record<string, string>, body: string): string {
  return Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n' + body.replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** An mbox: each message after a From_ line; body lines starting with "From " escaped as writers do. */
function mbox(messages: { from: string; date: string; text: string }[]): string {
  return messages.map((m) => `From ${m.from} ${m.date}\n${m.text.replace(/^From /gm, '>From ')}\n`).join('');
}

const week = mbox([
  {
    from: 'sara@example.com', date: 'Mon Nov 16 09:00:00 2026',
    text: message({ From: '=?UTF-8?B?U2FyYSBSYWhpbWk=?= <sara@example.com>', To: 'Support <support@acme.test>', Subject: '=?UTF-8?Q?Drucker_brennt_=F0=9F=94=A5?=', 'Message-ID': '<m1@example.com>', Date: 'Mon, 16 Nov 2026 10:00:00 +0100', 'Content-Type': 'text/plain; charset=utf-8' },
      'Hello,\n\nFrom what I see the printer is on fire.\nPlease help.'),
  },
  {
    from: 'sara@example.com', date: 'Mon Nov 16 12:00:00 2026',
    text: message({ From: 'sara@example.com', To: 'support@acme.test', Subject: 'Re: Drucker brennt', 'Message-ID': '<m2@example.com>', 'In-Reply-To': '<agent-reply-unknown@acme.test>', References: '<m1@example.com> <agent-reply-unknown@acme.test>', Date: 'Mon, 16 Nov 2026 12:00:00 +0000' },
      'Still burning.'),
  },
  {
    from: 'bob@example.com', date: 'Tue Nov 17 08:00:00 2026',
    text: message({ From: 'Bob <bob@example.com>', To: 'support@acme.test', Subject: `Invoice ${ESC}[2J${ESC}]0;pwned${ESC}\\ wrong`, 'Message-ID': '<m3@example.com>', Date: 'Tue, 17 Nov 2026 08:00:00 +0000', 'Content-Type': 'text/html; charset=utf-8' },
      '<html><body><p>My <b>invoice</b> is wrong.</p><script>alert(1)</script></body></html>'),
  },
  {
    from: 'bob@example.com', date: 'Tue Nov 17 09:00:00 2026',
    text: message({ From: 'bob@example.com', To: 'support@acme.test', Subject: 'About [#1] again', 'Message-ID': '<m4@example.com>', Date: 'Tue, 17 Nov 2026 09:00:00 +0000' }, 'Tagged answer.'),
  },
  {
    from: 'sara@example.com', date: 'Tue Nov 17 10:00:00 2026',
    text: message({ From: 'sara@example.com', To: 'anna@acme.test', Subject: 'Lunch next week?', 'Message-ID': '<m5@example.com>', Date: 'Tue, 17 Nov 2026 10:00:00 +0000', 'Content-Type': 'text/plain; charset=x-no-such-charset' }, 'Caf\u00e9 on Friday?'),
  },
  {
    from: 'support@acme.test', date: 'Tue Nov 17 11:00:00 2026',
    text: message({ From: 'support@acme.test', To: 'sara@example.com', Subject: 'Your order', 'Message-ID': '<m6@acme.test>', Date: 'Tue, 17 Nov 2026 11:00:00 +0000' }, 'It shipped.'),
  },
  {
    from: 'eve@stranger.test', date: 'Tue Nov 17 12:00:00 2026',
    text: message({ From: 'Eve <eve@stranger.test>', To: 'support@acme.test', Subject: 'Hi from a stranger', 'Message-ID': '<m7@stranger.test>', Date: 'Tue, 17 Nov 2026 12:00:00 +0000' }, 'Who are you?'),
  },
]);

const boundary = 'XYZ';
const withAttachments = message(
  { From: 'sara@example.com', To: 'support@acme.test', Subject: 'Logs attached', 'Message-ID': '<att1@example.com>', Date: 'Wed, 18 Nov 2026 09:00:00 +0000', 'MIME-Version': '1.0', 'Content-Type': `multipart/mixed; boundary="${boundary}"` },
  [
    `--${boundary}`, 'Content-Type: text/plain', '', 'See the logs.',
    `--${boundary}`, 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="../../etc/passwd"', 'Content-Transfer-Encoding: base64', '', Buffer.from('root:x:0:0').toString('base64'),
    `--${boundary}`, 'Content-Type: text/plain', 'Content-Disposition: attachment; filename="log.txt"', '', 'line one',
    `--${boundary}`, 'Content-Type: text/plain', 'Content-Disposition: attachment; filename="log.txt"', '', 'line two',
    `--${boundary}--`, '',
  ].join('\n'),
);

const huge = message({ From: 'bob@example.com', To: 'bob.private@elsewhere.test', Cc: 'support@acme.test', Subject: 'Huge', 'Message-ID': '<huge@example.com>', Date: 'Wed, 18 Nov 2026 10:00:00 +0000' }, 'x'.repeat(3_000_000));

for (const engine of ENGINES) writeFileSync(join(dir, `week-${engine}.mbox`), week);
writeFileSync(join(dir, 'attach.eml'), withAttachments);
mkdirSync(join(dir, 'Maildir', 'cur'), { recursive: true });
mkdirSync(join(dir, 'Maildir', 'new'), { recursive: true });
mkdirSync(join(dir, 'Maildir', 'tmp'), { recursive: true });
writeFileSync(join(dir, 'Maildir', 'new', '1700000000.huge:2,'), huge);

const NOW = { CRM_NOW: '2026-11-20T12:00:00Z' };
const counts = async (db: string) =>
  Object.fromEntries(
    await Promise.all(['tickets', 'ticket_events', 'activities', 'mail_messages', 'contacts', 'audit_log'].map(async (t) => [t, Number((await querySql(db, `SELECT count(*) AS n FROM ${t}`))[0]!.n)])),
  );

describe.each(ENGINES)('crm mail import on %s', (engine) => {
  const db = useEngineDb(engine, 'mail');
  const crm = (args: string[]) => crmOn(db.url, args, NOW);
  let before: Record<string, number>;

  it('needs a support address, then sorts a week of mail into tickets, replies and activities', () => {
    expect(crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']).code).toBe(0);
    expect(crm(['contact', 'add', 'Bob Jones', '--email', 'bob@example.com']).code).toBe(0);
    const none = crm(['mail', 'import', join(dir, `week-${engine}.mbox`)]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: No support address.*\nhint: Set it once: crm mail support-address/);
    expect(crm(['mail', 'support-address', 'Support <support@acme.test>']).stdout).toBe('support@acme.test\n');

    const dry = crm(['mail', 'import', join(dir, `week-${engine}.mbox`), '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    // A dry run knows the threads it would open, but not the ids they would get: "[#1]" names no ticket yet.
    expect(JSON.parse(dry.stdout).counts).toEqual({ ticket: 3, reply: 1, activity: 2, unchanged: 0, rejected: 1 });
    expect(crm(['ticket', 'list', 'status:any', '--json']).stdout).toBe('[]\n');

    const r = crm(['mail', 'import', join(dir, `week-${engine}.mbox`), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.counts).toEqual({ ticket: 2, reply: 2, activity: 2, unchanged: 0, rejected: 1 });
    expect(out.results.map((x: { outcome: string; direction: string }) => `${x.outcome}/${x.direction}`)).toEqual(['ticket/in', 'reply/in', 'ticket/in', 'reply/in', 'activity/in', 'activity/out', 'rejected/in']);
    expect(r.stderr).toContain('Rejected messages are listed in');
    const rejects = readFileSync(join(dir, `week-${engine}.rejects.csv`), 'utf8');
    expect(rejects).toMatch(/^source,message_id,from,to,subject,date,crm_import_error\n/);
    expect(rejects).toContain('eve@stranger.test');
    expect(statSync(join(dir, `week-${engine}.rejects.csv`)).mode & 0o777).toBe(0o600);
  });

  it('puts the messages on the ticket at their own times, so the SLA clock sees them', () => {
    const t = JSON.parse(crm(['ticket', 'show', '1', '--json']).stdout);
    expect(t.subject).toBe('Drucker brennt 🔥');
    expect(t.channel).toBe('email');
    expect(t.requester.email).toBe('sara@example.com');
    expect(t.createdAt).toBe('2026-11-16T09:00:00.000Z');
    expect(t.description).toContain('From what I see the printer is on fire.');
    expect(t.events.map((e: { kind: string; at: string; actor: string }) => [e.kind, e.at, e.actor])).toEqual([
      ['created', '2026-11-16T09:00:00.000Z', expect.any(String)],
      ['message', '2026-11-16T12:00:00.000Z', 'sara@example.com'],
      ['message', '2026-11-17T09:00:00.000Z', 'sara@example.com'],
    ]);
    // Breached by now (20 Nov): its clock started at the message's Date, not at the import.
    expect(t.sla.firstReply.state).toBe('breached');
  });

  it('turns an HTML-only body into text and keeps escape sequences off the terminal', () => {
    const shown = crm(['ticket', 'show', '2']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toContain(ESC);
    expect(shown.stdout).toContain('My invoice is wrong.');
    expect(shown.stdout).not.toContain('<b>');
    const stored = JSON.parse(crm(['ticket', 'show', '2', '--json']).stdout);
    expect(stored.subject).not.toContain(ESC);
    const list = crm(['activity', 'list', '--json']);
    const acts = JSON.parse(list.stdout);
    expect(acts.map((a: { kind: string; subject: string }) => `${a.kind}:${a.subject}`).sort()).toEqual(['email:Lunch next week?', 'email:Your order']);
    const lunch = acts.find((a: { subject: string }) => a.subject === 'Lunch next week?');
    expect(lunch.body).toMatch(/^From: sara@example.com\nTo: anna@acme.test\n\nCaf/);
    expect(lunch.occurredAt).toBe('2026-11-17T10:00:00.000Z');
  });

  it('changes nothing when the same mailbox is imported again', async () => {
    before = await counts(db.url);
    const again = crm(['mail', 'import', join(dir, `week-${engine}.mbox`), '--rejects', join(dir, `again-${engine}.csv`)]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('7 messages: opened 0 tickets, 0 replies on tickets, 0 email activities, 6 unchanged, 1 rejected, attachments: 0\n');
    expect(await counts(db.url)).toEqual(before);
  });

  it('stores attachments outside the database (0600, names sanitised, never overwriting) or refuses to drop them silently', async () => {
    const refused = crm(['mail', 'import', join(dir, 'attach.eml')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('attach.eml has attachments; say where they go.');
    expect(await counts(db.url)).toEqual(before);
    const store = join(dir, `files-${engine}`);
    const r = crm(['mail', 'import', join(dir, 'attach.eml'), '--attachments', store, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.attachments).toMatchObject({ total: 3, stored: 3, skipped: 0 });
    expect(out.counts.reply + out.counts.ticket).toBe(1);
    const [folder] = readdirSync(store);
    const files = readdirSync(join(store, folder!)).sort();
    expect(files).toEqual(['log (2).txt', 'log.txt', 'passwd']);
    for (const f of files) expect(statSync(join(store, folder!, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(store, folder!, 'log.txt'), 'utf8')).toContain('line one');
    expect(readFileSync(join(store, folder!, 'log (2).txt'), 'utf8')).toContain('line two');
    expect(existsSync(join(dir, 'etc'))).toBe(false);
  });

  it('reads a Maildir, cuts a huge body, and with --unknown create adds the stranger as a contact', () => {
    const r = crm(['mail', 'import', join(dir, 'Maildir'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.truncated).toBe(1);
    expect(out.results[0].outcome).toBe('ticket');
    const t = JSON.parse(crm(['ticket', 'show', String(out.results[0].ticketId), '--json']).stdout);
    expect(t.description.length).toBeLessThan(210_000);
    expect(t.description).toMatch(/more characters not imported\]$/);
    const created = crm(['mail', 'import', join(dir, `week-${engine}.mbox`), '--unknown', 'create', '--json']);
    expect(JSON.parse(created.stdout)).toMatchObject({ contactsCreated: 1, counts: { ticket: 1, unchanged: 6, rejected: 0 } });
    expect(JSON.parse(crm(['contact', 'show', 'eve@stranger.test', '--json']).stdout).name).toBe('Eve');
  });
});

/**
 * Batches: many messages are written per transaction, yet a message the database refuses is
 * rejected alone (named in the rejects file with the reason), the good ones of its batch are
 * kept — including an answer, in the same batch, to a message before it — and the refused one's
 * attachments leave no file behind. A trigger stands in for any database refusal.
 */
describe.each(ENGINES)('crm mail import batches on %s', (engine) => {
  const db = useEngineDb(engine, 'mailbatch');
  const crm = (args: string[]) => crmOn(db.url, args, NOW);
  const exec = async (text: string) => {
    if (engine === 'postgres') return void (await pgQuery(db.url, text));
    const sqlite = new BetterSqlite3(db.url);
    try {
      sqlite.exec(text);
    } finally {
      sqlite.close();
    }
  };
  const box = join(dir, `batch-${engine}.mbox`);
  const store = join(dir, `batch-files-${engine}`);
  const msg = (n: number, extra: Record<string, string>, body = `Message ${n}.`) =>
    ({ from: 'sara@example.com', date: `Thu Nov 19 0${n}:00:00 2026`, text: message({ From: 'sara@example.com', To: 'support@acme.test', 'Message-ID': `<b${n}@example.com>`, Date: `Thu, 19 Nov 2026 0${n}:00:00 +0000`, ...extra }, body) });
  const poisoned = message(
    { From: 'sara@example.com', To: 'support@acme.test', Subject: 'Poison', 'Message-ID': '<b3@example.com>', Date: 'Thu, 19 Nov 2026 03:00:00 +0000', 'MIME-Version': '1.0', 'Content-Type': 'multipart/mixed; boundary="P"' },
    ['--P', 'Content-Type: text/plain', '', 'Bad one.', '--P', 'Content-Type: text/plain', 'Content-Disposition: attachment; filename="poison.txt"', '', 'poison', '--P--', ''].join('\n'),
  );
  const withFile = message(
    { From: 'sara@example.com', To: 'support@acme.test', Subject: 'Fine with a file', 'Message-ID': '<b4@example.com>', Date: 'Thu, 19 Nov 2026 04:00:00 +0000', 'MIME-Version': '1.0', 'Content-Type': 'multipart/mixed; boundary="F"' },
    ['--F', 'Content-Type: text/plain', '', 'Good one.', '--F', 'Content-Type: text/plain', 'Content-Disposition: attachment; filename="fine.txt"', '', 'fine', '--F--', ''].join('\n'),
  );
  writeFileSync(box, mbox([
    msg(1, { Subject: 'Batch start' }),
    msg(2, { Subject: 'Re: Batch start', 'In-Reply-To': '<b1@example.com>' }),
    { from: 'sara@example.com', date: 'Thu Nov 19 03:00:00 2026', text: poisoned },
    { from: 'sara@example.com', date: 'Thu Nov 19 04:00:00 2026', text: withFile },
    msg(5, { Subject: 'Re: Batch start again', References: '<b1@example.com> <b2@example.com>' }),
  ]));
  const files = (): string[] => (existsSync(store) ? readdirSync(store, { recursive: true }).map(String).filter((f) => /\.txt$|crm-partial/.test(f)).sort() : []);

  it('keeps the good messages of a batch when the database refuses one, and leaves no file of the refused one', async () => {
    expect(crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']).code).toBe(0);
    expect(crm(['mail', 'support-address', 'support@acme.test']).code).toBe(0);
    await exec(engine === 'postgres'
      ? `CREATE FUNCTION no_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.subject = 'Poison' THEN RAISE EXCEPTION 'poisoned subject'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER no_poison BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION no_poison();`
      : `CREATE TRIGGER no_poison BEFORE INSERT ON tickets WHEN NEW.subject = 'Poison' BEGIN SELECT RAISE(ABORT, 'poisoned subject'); END;`);
    const r = crm(['mail', 'import', box, '--attachments', store, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.counts).toEqual({ ticket: 2, reply: 2, activity: 0, unchanged: 0, rejected: 1 });
    expect(out.results.map((x: { outcome: string }) => x.outcome)).toEqual(['ticket', 'reply', 'rejected', 'ticket', 'reply']);
    expect(out.results[2].reason).toMatch(/^not imported: .*poisoned subject/);
    const rejects = readFileSync(join(dir, `batch-${engine}.rejects.csv`), 'utf8');
    expect(rejects).toContain(`batch-${engine}.mbox#3,b3@example.com`);
    expect(rejects).toContain('poisoned subject');
    // The answers in the same batch found their ticket: one thread of three messages.
    const t = JSON.parse(crm(['ticket', 'show', String(out.results[0].ticketId), '--json']).stdout);
    expect(t.events.map((e: { kind: string; at: string }) => `${e.kind}@${e.at}`)).toEqual(['created@2026-11-19T01:00:00.000Z', 'message@2026-11-19T02:00:00.000Z', 'message@2026-11-19T05:00:00.000Z']);
    expect(out.results[4].ticketId).toBe(out.results[0].ticketId);
    // The good message's file is there under its name; nothing of the refused one, no temporary file.
    expect(files()).toEqual([expect.stringMatching(/fine\.txt$/)]);
    expect(out.attachments).toMatchObject({ total: 1, stored: 1 });
  });

  it('imports the refused message once the database takes it, changing nothing else', async () => {
    await exec(engine === 'postgres' ? 'DROP TRIGGER no_poison ON tickets; DROP FUNCTION no_poison();' : 'DROP TRIGGER no_poison;');
    const r = crm(['mail', 'import', box, '--attachments', store, '--json', '--rejects', join(dir, `batch-again-${engine}.csv`)]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.counts).toEqual({ ticket: 1, reply: 0, activity: 0, unchanged: 4, rejected: 0 });
    const now = files();
    expect(now).toHaveLength(2);
    expect(now.some((f) => f.endsWith('poison.txt'))).toBe(true);
    expect(now.some((f) => f.endsWith('fine.txt'))).toBe(true);
  });
});
