/**
 * Imports into a database already holding many records (issue #15, item 5), on both engines: an
 * update import matches its few rows among thousands of unrelated ones — by email, external id,
 * company name and a ticket requester's email or name — changes exactly those, leaves every other
 * record as it was, refuses a clash with an unrelated record's email, and undoes to the same
 * state. On PostgreSQL the import copies only the rows its file can match into its scratch file
 * (CRM_PG_IMPORT_COPY_ALL_ROWS=100 makes the thousands "large"); the outcomes must not show it.
 * A file of thousands of new rows (sent to PostgreSQL while the pipeline still runs) is refused
 * whole for a bad row near its end and lands whole when good. And import.finished fires a rule
 * through `crm automate run` on both engines.
 * (Run `node scripts/build.mjs` first: bin/crm runs dist/.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, execSql, querySql, useEngineDb, type CrmResult } from '../helpers/engines.js';
import { crmBin } from '../helpers/processes.js';

const CONTACTS = 3000;
const COMPANIES = 400;
const dir = mkdtempSync(join(tmpdir(), 'crm-import-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The unrelated records, as SQL both engines take. */
function seedSql(): string {
  const companies = Array.from({ length: COMPANIES }, (_v, i) => `('Company ${i + 1}', 'company ${i + 1}', 'CO-${i + 1}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
  const contacts = Array.from({ length: CONTACTS }, (_v, i) => {
    const n = i + 1;
    return `('Bulk${n}', 'Person${n % 50}', 'u${n}@bulk.example', 'u${n}@bulk.example', 'X${n}', ${(n % COMPANIES) + 1}, 'bulk${n} person${n % 50} u${n}@bulk.example', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`;
  });
  return [
    `INSERT INTO companies (name, name_fold, external_id, created_at, updated_at) VALUES ${companies.join(', ')};`,
    `INSERT INTO contacts (first_name, last_name, email, email_norm, external_id, company_id, search_text, created_at, updated_at) VALUES ${contacts.join(', ')};`,
  ].join('\n');
}

describe.each(ENGINES)('an update import among many unrelated records on %s', (engine) => {
  const db = useEngineDb(engine, 'largeimport');
  const crm = (args: string[], now = '2026-11-20T17:55:00Z'): Promise<CrmResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [crmBin, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TZ: 'UTC', CRM_NOW: now, NO_COLOR: '1', CRM_DB: db.url, CRM_PG_IMPORT_COPY_ALL_ROWS: '100' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const ok = async (args: string[], now?: string) => {
    const r = await crm(args, now);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  const file = (name: string, text: string) => {
    const path = join(dir, `${engine}-${name}`);
    writeFileSync(path, text);
    return path;
  };
  const exportContacts = async () => (await ok(['export', 'contacts', '--format', 'csv'])).stdout.trimEnd().split('\n');

  it('matches its rows among thousands, changes only them, and undoes to the same state', async () => {
    await ok(['user', 'add', 'sam', '--name', 'Sam Rep', '--role', 'rep']);
    await execSql(db.url, seedSql());
    const before = await exportContacts();
    expect(before).toHaveLength(CONTACTS + 1);

    const csv = file(
      'update.csv',
      [
        'name,email,external id,company,title',
        'Bulk10 Person10,u10@bulk.example,,,CTO', // by email (no external id): title set
        'Bulk20 Person20,u20-new@bulk.example,X20,,', // by external id: email changed
        'Nina New,nina@new.example,,Company 7,Buyer', // new, linked to an existing company by name
        'Bulk2999 Person49,U2999@BULK.EXAMPLE,,company 2,', // by email in any case (kept as written): company found by folded name
      ].join('\n') + '\n',
    );
    const res = JSON.parse((await ok(['import', 'contacts', csv, '--match', 'external-id,email', '--json'])).stdout);
    expect([res.created, res.updated, res.unchanged, res.rejected]).toEqual([1, 3, 0, 0]);
    expect(res.createdReferences).toEqual({ users: [], companies: [], contacts: 0 });
    expect(res.details.map((d: { row: number; outcome: string; id: number; changes?: string[] }) => [d.row, d.outcome, d.id, d.changes ?? null])).toEqual([
      [2, 'updated', 10, ['title']],
      [3, 'updated', 20, ['email']],
      [4, 'created', CONTACTS + 1, null],
      [5, 'updated', 2999, ['email', 'company']],
    ]);
    const nina = JSON.parse((await ok(['contact', 'show', String(CONTACTS + 1), '--json'])).stdout);
    expect(nina).toMatchObject({ email: 'nina@new.example', company: { id: 7, name: 'Company 7' }, title: 'Buyer' });
    expect(Number((await querySql(db.url, 'SELECT count(*) AS n FROM companies'))[0]!.n)).toBe(COMPANIES);

    // Every other contact is exactly as it was.
    const after = await exportContacts();
    expect(after).toHaveLength(CONTACTS + 2);
    const changed = after.filter((line) => !before.includes(line));
    expect(changed).toHaveLength(4);
    expect(before.filter((line) => !after.includes(line)).map((l) => l.match(/u\d+@bulk\.example/)?.[0])).toEqual(['u10@bulk.example', 'u20@bulk.example', 'u2999@bulk.example']);

    // An unrelated contact's email is still found: the clash is the same one-line reject.
    const clash = await crm(['import', 'contacts', file('clash.csv', 'name,email,external id\nBulk31 Person31,u30@bulk.example,X31\n'), '--match', 'external-id', '--json']);
    expect(clash.code).toBe(1);
    expect(JSON.parse(clash.stdout).details[0].error).toMatchObject({ column: 'email', reason: 'another contact already has this email' });

    // Tickets find their requesters among them by email and by name; none is created.
    const tickets = file('tickets.csv', 'subject,requester email,requester name\nPrinter on fire,u50@bulk.example,\nCannot log in,,Bulk60 Person10\n');
    const t = JSON.parse((await ok(['import', 'tickets', tickets, '--json'])).stdout);
    expect([t.created, t.rejected, t.createdReferences.contacts]).toEqual([2, 0, 0]);
    expect((await querySql(db.url, 'SELECT contact_id FROM tickets ORDER BY id')).map((r) => Number(r.contact_id))).toEqual([50, 60]);

    // Undo restores the contacts exactly.
    await ok(['import', 'undo', String(t.runId), '--yes']);
    await ok(['import', 'undo', String(res.runId), '--yes']);
    expect(await exportContacts()).toEqual(before);
  });

  it('a file of thousands of new rows (sent to PostgreSQL while the pipeline runs) is refused whole for a bad row near its end, and lands whole when good', async () => {
    const rows = Array.from({ length: 4500 }, (_v, i) => `Stream${i} Row,s${i}@stream.example,S${i}`);
    const count = async () => Number((await querySql(db.url, "SELECT count(*) AS n FROM contacts WHERE email_norm LIKE '%@stream.example'"))[0]!.n);
    const bad = [...rows];
    bad[4400] = 'Stream4400 Row,not-an-email,S4400';
    const refused = await crm(['import', 'contacts', file('stream-bad.csv', ['name,email,external id', ...bad].join('\n') + '\n'), '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ created: 4499, rejected: 1, committed: false });
    expect(await count()).toBe(0);
    // A later row repeating an earlier one's key with other values conflicts, as on SQLite; --skip-invalid keeps the rest.
    const dup = [...rows, 'Other Name,s10@stream.example,S10'];
    const skipped = JSON.parse((await ok(['import', 'contacts', file('stream.csv', ['name,email,external id', ...dup].join('\n') + '\n'), '--skip-invalid', '--json'])).stdout);
    expect([skipped.created, skipped.updated, skipped.rejected]).toEqual([4500, 0, 1]);
    expect(skipped.details.filter((d: { outcome: string }) => d.outcome === 'rejected')).toMatchObject([{ row: 4502, error: { reason: expect.stringContaining('conflicts with row 12') } }]);
    expect(await count()).toBe(4500);
    expect(await querySql(db.url, "SELECT first_name, last_name, external_id FROM contacts WHERE email_norm = 's10@stream.example'")).toEqual([{ first_name: 'Stream10', last_name: 'Row', external_id: 'S10' }]);
    // The next contact crm adds comes right after them.
    const max = Number((await querySql(db.url, 'SELECT max(id) AS m FROM contacts'))[0]!.m);
    expect(JSON.parse((await ok(['contact', 'add', 'After Stream', '--email', 'after@stream.example', '--json'])).stdout).id).toBe(max + 1);
  });

  it('import.finished fires a rule through crm automate run', async () => {
    await ok(['rule', 'add', 'imported', '--on', 'import.finished', '--notify', 'user:sam', '--message', 'Import done: {{record}}', '--enable']);
    const csv = file('people.csv', 'name,email\nAda Lovelace,ada@example.com\nAlan Turing,alan@example.com\n');
    const res = JSON.parse((await ok(['import', 'contacts', csv, '--json'])).stdout);
    // A dry run and a refused file write no event.
    await ok(['import', 'contacts', file('dry.csv', 'name,email\nGrace Hopper,grace@example.com\n'), '--dry-run']);
    expect((await crm(['import', 'contacts', file('bad.csv', 'name,email\nBad Row,not-an-email\n')])).code).toBe(1);
    const run = JSON.parse((await ok(['automate', 'run', '--json'], '2026-11-20T18:10:00Z')).stdout);
    expect(run.fired.map((f: { rule: string; record: string; actions: string[] }) => [f.rule, f.record, f.actions])).toEqual([['imported', `import run #${res.runId}`, ['notified sam']]]);
    const inbox = JSON.parse((await ok(['inbox', '--json', '--as', 'sam'])).stdout);
    expect(inbox.map((n: { body: string }) => n.body)).toEqual([`Import done: import run #${res.runId}`]);
    // Nothing fires twice.
    expect(JSON.parse((await ok(['automate', 'run', '--json'], '2026-11-20T18:11:00Z')).stdout).fired).toEqual([]);
  });
});

