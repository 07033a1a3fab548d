import { parse } from 'csv-parse/sync';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliFor, tempDb, useTempDb } from '../helpers/run-cli.js';

const DATA = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const D = join(DATA, 'maven-crm-sales');
const FORMATS = join(DATA, 'crm-export-formats');
const DEAL_MAP = 'opportunity_id=external-id,product=title,account=company,sales_agent=owner,deal_stage=stage,engage_date=created,close_date=closed,close_value=amount';

const t = useTempDb();
const { crm } = t;

function csvRows(path: string, opts: { bom?: boolean } = {}): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true, bom: opts.bom ?? true, skip_empty_lines: true }) as Record<string, string>[];
}

function query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(t.db, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('crm import: the examples of the issue, as written', () => {
  it('imports maven-crm-sales users, companies and deals; counts per stage and close values equal the file', async () => {
    const users = await crm(['import', 'users', `${D}/sales_teams.csv`, '--map', 'sales_agent=name,regional_office=team']);
    expect(users.exitCode).toBe(0);
    expect(users.stdout).toContain('35 rows: 35 created');
    expect(users.stdout).toContain('not imported: manager (users have no custom fields)');
    const companies = await crm(['import', 'companies', `${D}/accounts.csv`, '--map', 'account=name,sector=industry']);
    expect(companies.exitCode).toBe(0);
    expect(companies.stdout).toContain('kept as custom fields: year_established, revenue, employees, office_location, subsidiary_of');
    const flags = ['--map', DEAL_MAP, '--map-stage', 'Engaging=Qualification', '--currency', 'USD'];
    const dry = await crm(['import', 'deals', `${D}/sales_pipeline.csv`, '--dry-run', ...flags]);
    expect(dry.exitCode).toBe(0);
    const file = csvRows(`${D}/sales_pipeline.csv`);
    expect(dry.stdout).toContain(`${file.length} rows: ${file.length} would be created, 0 would be updated, 0 unchanged, 0 rejected`);
    expect(query('SELECT count(*) AS n FROM deals')[0]).toEqual({ n: 0 });

    const real = await crm(['import', 'deals', `${D}/sales_pipeline.csv`, ...flags]);
    expect(real.exitCode).toBe(0);
    const stageOf = (s: string) => (s === 'Engaging' ? 'Qualification' : s);
    const expected = new Map<string, { n: number; cents: number }>();
    for (const r of file) {
      const e = expected.get(stageOf(r.deal_stage!)) ?? { n: 0, cents: 0 };
      e.n++;
      e.cents += r.close_value ? Math.round(Number(r.close_value) * 100) : 0;
      expected.set(stageOf(r.deal_stage!), e);
    }
    const got = query<{ name: string; n: number; cents: number }>('SELECT s.name, count(*) AS n, sum(d.amount_minor) AS cents FROM deals d JOIN stages s ON s.id = d.stage_id GROUP BY s.name');
    expect(new Map(got.map((g) => [g.name, { n: g.n, cents: g.cents }]))).toEqual(expected);
    // Dates intact: created from engage_date, won_at/lost_at from close_date; empty account → no company.
    const sample = file.find((r) => r.deal_stage === 'Won')!;
    expect(query('SELECT created_at, won_at, currency FROM deals WHERE external_id = ?', sample.opportunity_id)[0]).toEqual({
      created_at: `${sample.engage_date}T00:00:00.000Z`,
      won_at: `${sample.close_date}T00:00:00.000Z`,
      currency: 'USD',
    });
    expect(query('SELECT count(*) AS n FROM deals WHERE company_id IS NULL')[0]).toEqual({ n: file.filter((r) => r.account === '').length });
    // One stage-history row per deal, stage_entered_at set.
    expect(query('SELECT count(*) AS n FROM deal_stage_history')[0]).toEqual({ n: file.length });
    expect(query("SELECT count(*) AS n FROM deals WHERE stage_entered_at IS NULL OR (won_at IS NULL AND stage_id = 5)")[0]).toEqual({ n: 0 });

    // Export speaks the deal filter language.
    const won = (await crm(['export', 'deals', 'stage:won', '--json'])).json();
    expect(won).toHaveLength(expected.get('Won')!.n);
    expect(won[0]).toMatchObject({ stage: 'Won', amount: { currency: 'USD' } });
    const again = await crm(['import', 'deals', `${D}/sales_pipeline.csv`, ...flags]);
    expect(again.stdout).toContain(`${file.length} rows: 0 created, 0 updated, ${file.length} unchanged, 0 rejected`);
    expect(again.stdout).toContain('nothing to change');
    for (const [entity, f, map] of [
      ['users', 'sales_teams.csv', 'sales_agent=name,regional_office=team'],
      ['companies', 'accounts.csv', 'account=name,sector=industry'],
    ]) {
      const r = await crm(['import', entity!, `${D}/${f}`, '--map', map!]);
      expect(r.stdout).toMatch(/rows?: 0 created, 0 updated, \d+ unchanged, 0 rejected/);
    }
  });

  it('imports Roundcube gmail contacts and exports contacts to CSV', async () => {
    const r = await crm(['import', 'contacts', `${FORMATS}/roundcube_gmail_contacts.csv`]);
    expect(r.exitCode).toBe(0);
    const [c] = (await crm(['contact', 'list', '--json'])).json();
    expect(c).toMatchObject({ firstName: 'Firstname', lastName: 'Lastname', prefix: 'Prefix', email: 'home@aaa.pl', title: 'jobtitle', notes: 'note"note', company: { name: 'company' } });
    // Nothing dropped: other emails, the address with its line breaks, the non-number phone cell.
    expect(c.customFields).toMatchObject({ 'E-mail 2 - Value': 'work@email.pl', 'Phone 1 - Value': 'pager', 'Address 1 - Formatted': 'home_street\nhome_pobox\nhome_city, home_state home_zip\nhome_country' });
    expect(r.stderr).toContain('row 2, Phone 2 - Value "mainphone": not a phone number; kept as a custom field');
    const out = join(t.dir, 'contacts.csv');
    const e = await crm(['export', 'contacts', '--format', 'csv', '-o', out]);
    expect(e.exitCode).toBe(0);
    const rows = csvRows(out);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ first_name: 'Firstname', last_name: 'Lastname', email: 'home@aaa.pl', company: 'company' });
    expect((await crm(['import', 'contacts', `${FORMATS}/roundcube_gmail_contacts.csv`])).stdout).toContain('1 row: 0 created, 0 updated, 1 unchanged');
  });
});

describe('crm import: every shared dataset imports correctly', () => {
  it('maps Outlook and Thunderbird layouts automatically', async () => {
    expect((await crm(['import', 'contacts', `${FORMATS}/roundcube_outlook_style_all.csv`])).exitCode).toBe(0);
    expect((await crm(['import', 'contacts', `${FORMATS}/roundcube_thunderbird_plain.csv`])).exitCode).toBe(0);
    const list = (await crm(['contact', 'list', '--json'])).json();
    const outlook = csvRows(`${FORMATS}/roundcube_outlook_style_all.csv`)[0]!;
    // Outlook: "Title" is the prefix when there is a "Job Title"; the work email is preferred, the home one kept.
    expect(list[0]).toMatchObject({ firstName: outlook['First Name'], lastName: outlook['Last Name'], prefix: outlook.Title, title: outlook['Job Title'], email: outlook['Email Work'], company: { name: outlook.Company } });
    expect(list[0].customFields).toMatchObject({ 'Email Home': outlook['Email Home'] });
    expect(list[1]).toMatchObject({ firstName: 'Firstname', lastName: 'Lastname', email: 'test@domain.tld', title: 'title', company: { name: 'Organization' } });
    expect(list[1].customFields).toMatchObject({ 'Secondary Email': 'next@domain.tld', 'Work Phone': 'phone work' });
    for (const f of ['roundcube_outlook_style_all.csv', 'roundcube_thunderbird_plain.csv']) {
      expect((await crm(['import', 'contacts', `${FORMATS}/${f}`])).stdout).toContain('1 unchanged');
    }
  });

  it('decodes the Salesforce UTF-8 BOM and UTF-16LE BOM files to the same characters', async () => {
    for (const f of ['salesforce_csvtext_BOM_UTF8.csv', 'salesforce_csvtext_BOM_UTF16LE.csv']) {
      const r = await crm(['import', 'contacts', `${FORMATS}/${f}`, '--map', 'column1=name', '--json']);
      expect(r.exitCode).toBe(0);
      expect(r.json()).toMatchObject({ encoding: f.includes('16') ? 'utf-16le' : 'utf-8', created: f.includes('16') ? 0 : 2, unchanged: f.includes('16') ? 2 : 0 });
    }
    const list = (await crm(['contact', 'list', '--json'])).json();
    expect(list.map((c: { firstName: string; customFields: unknown }) => [c.firstName, c.customFields])).toEqual([
      ['row1-1', { column2: 'row1-2', column3: 'row1-3' }],
      ['row2-1', { column2: 'row2-2', column3: 'row2-3' }],
    ]);
  });

  it('refuses the Windows-1252 Salesforce accounts as UTF-8 naming the byte, and decodes them with --encoding', async () => {
    const bad = await crm(['import', 'companies', `${FORMATS}/salesforce_accountData.csv`]);
    expect(bad.exitCode).toBe(1);
    const bytes = readFileSync(`${FORMATS}/salesforce_accountData.csv`);
    const offset = bytes.findIndex((b) => b >= 0x80);
    expect(bad.stderr).toContain(`byte 0x${bytes[offset]!.toString(16).toUpperCase()} at offset ${offset}`);
    expect(bad.stderr).toContain('--encoding windows-1252');
    const ok = await crm(['import', 'companies', `${FORMATS}/salesforce_accountData.csv`, '--encoding', 'windows-1252']);
    expect(ok.exitCode).toBe(0);
    const names = query<{ name: string }>('SELECT name FROM companies').map((c) => c.name);
    expect(names).toContain('Crédito Inmobiliario Terras');
    expect(names).toContain('Pébéo of America');
    expect(names.join('')).not.toContain('\uFFFD');
    expect(names).toHaveLength((parse(readFileSync(`${FORMATS}/salesforce_accountData.csv`, 'latin1'), { columns: true }) as unknown[]).length);
    // Opportunities reference those accounts by their Salesforce id.
    const opp = await crm([
      'import', 'deals', `${FORMATS}/salesforce_opportunityData.csv`, '--currency', 'USD', '--create-missing', 'users',
      '--map-stage', 'Value Proposition=Qualification,Id. Decision Makers=Qualification,Needs Analysis=Qualification',
    ]);
    expect(opp.exitCode).toBe(0);
    expect(query("SELECT count(*) AS n FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.name = 'Won' AND d.won_at IS NOT NULL")[0]).toEqual({
      n: csvRows(`${FORMATS}/salesforce_opportunityData.csv`).filter((r) => r.STAGENAME === 'Closed Won').length,
    });
  });

  it('imports the Kaggle support tickets (multi-line quoted descriptions, CRLF, no final newline) and re-imports nothing', async () => {
    const file = join(DATA, 'support-tickets-kaggle/customer_support_tickets.csv');
    const rows = csvRows(file);
    const r = await crm(['import', 'tickets', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`${rows.length} rows: ${rows.length} created`);
    const statusOf: Record<string, string> = { Open: 'open', Closed: 'closed', 'Pending Customer Response': 'pending' };
    const expected: Record<string, number> = {};
    for (const row of rows) expected[statusOf[row['Ticket Status']!]!] = (expected[statusOf[row['Ticket Status']!]!] ?? 0) + 1;
    const got = Object.fromEntries(query<{ status: string; n: number }>('SELECT status, count(*) AS n FROM tickets GROUP BY status').map((g) => [g.status, g.n]));
    expect(got).toEqual(expected);
    const multi = rows.find((x) => x['Ticket Description']!.includes('\n'))!;
    expect(query('SELECT description FROM tickets WHERE external_id = ?', multi['Ticket ID'])[0]).toEqual({ description: multi['Ticket Description'] });
    // Events the SLA engine reads: created, the first reply, resolution.
    const closed = rows.find((x) => x['Ticket Status'] === 'Closed')!;
    const events = query<{ kind: string; to_value: string | null }>('SELECT kind, to_value FROM ticket_events WHERE ticket_id = (SELECT id FROM tickets WHERE external_id = ?) ORDER BY at, id', closed['Ticket ID']);
    expect(events.map((e) => e.kind + (e.to_value ? ':' + e.to_value : ''))).toEqual(['created:new', 'reply', 'status:solved', 'status:closed']);
    const again = await crm(['import', 'tickets', file]);
    expect(again.stdout).toContain(`0 created, 0 updated, ${rows.length} unchanged, 0 rejected`);
  });

  it('imports the ITSM incident log with --date-format DMY: one ticket per incident, replaying its states', async () => {
    const file = join(DATA, 'itsm-incident-log/incident_event_log.csv');
    const noFormat = await crm(['import', 'tickets', file, '--create-missing', 'users']);
    expect(noFormat.exitCode).toBe(1);
    expect(noFormat.stderr).toMatch(/is ambiguous \(day-month or month-day\?\); pass --date-format DMY/);
    const r = await crm(['import', 'tickets', file, '--date-format', 'DMY', '--create-missing', 'users']);
    expect(r.exitCode).toBe(0);
    const rows = csvRows(file);
    const incidents = new Set(rows.map((x) => x.number));
    expect(query('SELECT count(*) AS n FROM tickets')[0]).toEqual({ n: incidents.size });
    const last = new Map(rows.map((x) => [x.number!, x]));
    const closedInFile = [...last.values()].filter((x) => x.incident_state === 'Closed').length;
    expect(query("SELECT count(*) AS n FROM tickets WHERE status = 'closed'")[0]).toEqual({ n: closedInFile });
    // "?" is a missing value, not text; day-first dates read as such.
    expect(query("SELECT count(*) AS n FROM tickets WHERE custom_fields LIKE '%\"?\"%'")[0]).toEqual({ n: 0 });
    const first = rows[0]!;
    const [dd, mm, rest] = first.opened_at!.split('-');
    expect(query('SELECT created_at FROM tickets WHERE external_id = ?', first.number)[0]).toEqual({ created_at: `${rest!.slice(0, 4)}-${mm}-${dd}T${rest!.slice(5)}:00.000Z` });
    const again = await crm(['import', 'tickets', file, '--date-format', 'DMY', '--create-missing', 'users']);
    expect(again.stdout).toContain(`${rows.length} rows: 0 created, 0 updated, ${rows.length} unchanged, 0 rejected`);
  });

  it('round-trips names in every script: import → export → import into an empty database → export, byte-identical', async () => {
    const dir = join(DATA, 'non-latin-names');
    const map = ['--map', 'Localized Name=name,Romanized Name=name'];
    for (const f of ['common-forenames-by-country.csv', 'common-surnames-by-country.csv']) {
      const r = await crm(['import', 'contacts', join(dir, f), ...map]);
      expect(r.exitCode).toBe(0);
      const again = await crm(['import', 'contacts', join(dir, f), ...map]);
      expect(again.stdout).toMatch(/rows?: 0 created, 0 updated, \d+ unchanged, 0 rejected/);
    }
    const first = join(t.dir, 'first.csv');
    expect((await crm(['export', 'contacts', '-o', first])).exitCode).toBe(0);
    const exported = csvRows(first);
    const localized = new Set([...csvRows(join(dir, 'common-forenames-by-country.csv')), ...csvRows(join(dir, 'common-surnames-by-country.csv'))].map((r) => r['Localized Name'] || r['Romanized Name']));
    expect(new Set(exported.map((r) => r.first_name))).toEqual(new Set([...localized].map((n) => n!.split(/\s+/)[0])));
    for (const script of [/\p{Script=Han}/u, /\p{Script=Hangul}/u, /\p{Script=Arabic}/u, /\p{Script=Hebrew}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u, /\p{Script=Georgian}/u, /\p{Script=Armenian}/u, /\p{Script=Khmer}/u, /\p{Script=Devanagari}/u, /\p{Script=Bengali}/u]) {
      expect(exported.some((r) => script.test(r.first_name!))).toBe(true);
    }
    const other = tempDb();
    try {
      const crm2 = cliFor(other.db);
      const imp = await crm2(['import', 'contacts', first]);
      expect(imp.exitCode).toBe(0);
      const second = join(t.dir, 'second.csv');
      await crm2(['export', 'contacts', '-o', second]);
      expect(readFileSync(second).equals(readFileSync(first))).toBe(true);
      expect((await crm2(['import', 'contacts', second])).stdout).toMatch(/0 created, 0 updated, \d+ unchanged/);
    } finally {
      other.cleanup();
    }
  });
});

describe('crm import: checking, dry runs, rejects and undo', () => {
  function write(name: string, text: string | Buffer): string {
    const p = join(t.dir, name);
    writeFileSync(p, text);
    return p;
  }

  it('lists every bad row with column, value and reason, writes nothing, exits 1', async () => {
    const f = write('people.csv', 'Name,Email,Phone,Created\nAna Lima,ana@example.com,+49 30 1234,2026-03-04\nBad Mail,not-an-email,,\nNo Date,nd@example.com,,03/04/2026\n,nn@example.com,,\n"Ragged",x@example.com\n');
    const r = await crm(['import', 'contacts', f]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('row 3, Email "not-an-email": "not-an-email" is not a valid email address');
    expect(r.stderr).toContain('row 4, Created "03/04/2026": "03/04/2026" is ambiguous');
    expect(r.stderr).toContain('row 5, Name: a contact needs a name');
    expect(r.stderr).toContain('row 6: has 2 fields but the header has 4');
    expect(r.stderr).toContain('error: 4 of 5 rows in');
    expect((await crm(['contact', 'list', '--json'])).json()).toEqual([]);
    expect((await crm(['import', 'history', '--json'])).json()[0]).toMatchObject({ status: 'rejected', rejected: 4, created: 0 });
  });

  it('names the line of a broken quote, reads a quote inside an unquoted field as text, and needs a name column', async () => {
    const broken = write('broken.csv', 'name,email\nAna,ana@example.com\n"Bo Chen,bo@example.com\n');
    const r = await crm(['import', 'contacts', broken]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('cannot read the CSV near line 3: Quote Not Closed');
    const inch = write('inch.csv', 'name,email,notes\nAna Lima,ana@example.com,wants the 27" display\n');
    expect((await crm(['import', 'contacts', inch])).exitCode).toBe(0);
    expect((await crm(['contact', 'show', 'ana@example.com', '--json'])).json().notes).toBe('wants the 27" display');
    const nameless = write('nameless.csv', 'mail\nx@example.com\n');
    const n = await crm(['import', 'contacts', nameless]);
    expect(n.exitCode).toBe(2);
    expect(n.stderr).toContain('The file has no column for the contact name.');
  });

  it('--dry-run --json gives every row its outcome; --skip-invalid imports the good rows and writes a re-importable rejects file', async () => {
    await crm(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com']);
    const f = write('people.csv', 'Name,Email,Phone\nAna Lima,ANA@example.com,+49 30 1234\nBo Chen,bo@example.com,\nBad,nope,\n');
    const dry = await crm(['import', 'contacts', f, '--dry-run', '--json']);
    expect(dry.exitCode).toBe(0);
    expect(dry.json().details.map((d: { row: number; outcome: string; changes?: string[] }) => [d.row, d.outcome, d.changes])).toEqual([
      [2, 'updated', ['email', 'phone']],
      [3, 'created', undefined],
      [4, 'rejected', undefined],
    ]);
    expect((await crm(['contact', 'list', '--json'])).json()).toHaveLength(1);
    const r = await crm(['import', 'contacts', f, '--skip-invalid']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('3 rows: 1 created, 1 updated, 0 unchanged, 1 rejected');
    const rejects = join(t.dir, 'people.rejects.csv');
    expect(readFileSync(rejects, 'utf8')).toBe('Name,Email,Phone,crm_import_error\nBad,nope,,"Email: ""nope"" is not a valid email address"\n');
    writeFileSync(rejects, readFileSync(rejects, 'utf8').replace('nope', 'bad@example.com'));
    const fixed = await crm(['import', 'contacts', rejects]);
    expect(fixed.stdout).toContain('1 row: 1 created');
    expect((await crm(['contact', 'list', '--json'])).json().map((c: { email: string; phone: string }) => [c.email, c.phone])).toEqual([
      ['ANA@example.com', '+49 30 1234'],
      ['bo@example.com', null],
      ['bad@example.com', null],
    ]);
  });

  it('undo deletes what a run created and restores what it updated, and refuses after later edits', async () => {
    await crm(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--phone', '+1 555 0100']);
    const f = write('p.csv', 'name;email;phone;company\nAna Lima;ana@example.com;+1 555 0199;\nBo Chen;bo@example.com;;Chen GmbH\n');
    const r = await crm(['import', 'contacts', f, '--json']);
    expect(r.json()).toMatchObject({ delimiter: ';', created: 1, updated: 1, runId: 1, createdReferences: { companies: ['Chen GmbH'] } });
    const undo = await crm(['import', 'undo', '1', '--yes']);
    expect(undo.exitCode).toBe(0);
    expect(undo.stderr).toContain('deleted 2 records, restored 1');
    expect((await crm(['contact', 'list', '--json'])).json().map((c: { phone: string }) => c.phone)).toEqual(['+1 555 0100']);
    expect(query('SELECT count(*) AS n FROM companies')[0]).toEqual({ n: 0 });
    expect((await crm(['import', 'history', '--json'])).json()[0]).toMatchObject({ id: 1, status: 'undone' });
    // Again, then edit an imported record: undo refuses and names it.
    await crm(['import', 'contacts', f]);
    await crm(['contact', 'edit', 'bo@example.com', '--phone', '+1 555 0111']);
    const refused = await crm(['import', 'undo', '2', '--yes']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('changed since the import (contacts #');
  });

  it('undo of a ticket update restores the status and removes the events it wrote; progress shows on a terminal only', async () => {
    const a = write('t1.csv', 'Ticket ID,Subject,Status,Created\nT1,Printer on fire,Open,2026-11-01 09:00\n');
    const b = write('t2.csv', 'Ticket ID,Subject,Status,Created,Resolved At\nT1,Printer on fire,Resolved,2026-11-01 09:00,2026-11-02 10:00\n');
    const first = await crm(['import', 'tickets', a], { tty: true });
    expect(first.stderr).toContain('100%');
    expect((await crm(['import', 'tickets', a])).stderr).not.toContain('%');
    expect((await crm(['import', 'tickets', b])).stdout).toContain('1 updated');
    const events = () => query<{ kind: string; to_value: string | null }>('SELECT kind, to_value FROM ticket_events ORDER BY id').map((e) => `${e.kind}:${e.to_value}`);
    expect(events()).toEqual(['created:new', 'status:open', 'status:solved']);
    expect((await crm(['import', 'undo', '3', '--yes'])).exitCode).toBe(0);
    expect(events()).toEqual(['created:new', 'status:open']);
    expect(query('SELECT status, solved_at FROM tickets')).toEqual([{ status: 'open', solved_at: null }]);
  });

  it('takes phone and mobile from a Google export by each row\'s phone types', async () => {
    const f = write('google.csv', 'Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Phone 3 - Type,Phone 3 - Value\nLin Wei,Lin,Wei,* Work,lin@example.com,Pager,+1 555 0001,Mobile,+86 138 0000 0000,Work,+86 10 5555 0199\n');
    expect((await crm(['import', 'contacts', f])).exitCode).toBe(0);
    const c = (await crm(['contact', 'show', 'lin@example.com', '--json'])).json();
    expect(c).toMatchObject({ firstName: 'Lin', lastName: 'Wei', phone: '+86 10 5555 0199', mobile: '+86 138 0000 0000' });
    expect(c.customFields).toMatchObject({ 'Phone 1 - Type': 'Pager', 'Phone 1 - Value': '+1 555 0001' });
    expect(c.customFields['Phone 3 - Value']).toBeUndefined();
    expect((await crm(['import', 'contacts', f])).stdout).toContain('1 unchanged');
  });

  it('maps columns with --map, reports with --show-mapping, sniffs tabs and pipes', async () => {
    const f = write('t.tsv', 'E-mail Address\tFull Name\tShoe Size\nx@example.com\tXi Li\t42\n');
    const show = await crm(['import', 'contacts', f, '--show-mapping']);
    expect(show.stdout).toBe(`${f} (contacts):\n  E-mail Address → email\n  Full Name → name\n  Shoe Size → custom field\n`);
    const p = write('p.csv', 'Mail|Who\ny@example.com|Yu Ma\n');
    const r = await crm(['import', 'contacts', p, '--map', 'Mail=email,Who=name']);
    expect(r.exitCode).toBe(0);
    expect((await crm(['contact', 'show', 'y@example.com', '--json'])).json()).toMatchObject({ firstName: 'Yu', lastName: 'Ma' });
    const unknown = await crm(['import', 'contacts', p, '--map', 'Mail=shoe']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Unknown contacts field "shoe" in --map');
  });

  it('imports weekly activity reports from many reps, each activity attributed to its rep', async () => {
    await crm(['user', 'add', 'sara', '--name', 'Sara Rahimi']);
    await crm(['user', 'add', 'kenji', '--name', 'Kenji Sato']);
    await crm(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com']);
    mkdirSync(join(t.dir, 'weekly'));
    const a = write('weekly/sara.csv', 'Rep,Type,Date,Contact,Subject,Minutes\nSara Rahimi,Call,2026-11-16 09:30,ana@example.com,Intro call,15\nSara Rahimi,Meeting,2026-11-17 14:00,ana@example.com,Demo,60\n');
    const b = write('weekly/kenji.csv', 'Rep,Type,Date,Contact,Subject,Minutes\nkenji,Email,2026-11-18 10:00,ana@example.com,Quote sent,\n');
    const r = await crm(['import', 'activities', a, b, '--rep-column', 'Rep']);
    expect(r.exitCode).toBe(0);
    const got = query<{ kind: string; handle: string; created_by: string; occurred_at: string }>('SELECT a.kind, u.handle, a.created_by, a.occurred_at FROM activities a JOIN users u ON u.id = a.owner_id ORDER BY a.id');
    expect(got).toEqual([
      { kind: 'call', handle: 'sara', created_by: 'sara', occurred_at: '2026-11-16T09:30:00.000Z' },
      { kind: 'meeting', handle: 'sara', created_by: 'sara', occurred_at: '2026-11-17T14:00:00.000Z' },
      { kind: 'email', handle: 'kenji', created_by: 'kenji', occurred_at: '2026-11-18T10:00:00.000Z' },
    ]);
    const again = await crm(['import', 'activities', a, b, '--rep-column', 'Rep']);
    expect(again.stdout).toContain('2 rows: 0 created, 0 updated, 2 unchanged');
    expect(again.stdout).toContain('1 row: 0 created, 0 updated, 1 unchanged');
  });

  it('names the byte offset of an invalid UTF-8 byte and of a byte undefined in Windows-1252', async () => {
    const f = write('bad.csv', Buffer.concat([Buffer.from('name,email\nJos'), Buffer.from([0xe9]), Buffer.from(' Li,j@example.com\n')]));
    const r = await crm(['import', 'contacts', f]);
    expect(r.stderr).toContain('not valid UTF-8: byte 0xE9 at offset 14');
    const ok = await crm(['import', 'contacts', f, '--encoding', 'windows-1252']);
    expect(ok.exitCode).toBe(0);
    expect((await crm(['contact', 'show', 'j@example.com', '--json'])).json().firstName).toBe('José');
    const euro = write('euro.csv', Buffer.concat([Buffer.from('name,email\n'), Buffer.from([0x80, 0x93, 0x81]), Buffer.from(',k@example.com\n')]));
    const bad = await crm(['import', 'contacts', euro, '--encoding', 'windows-1252']);
    expect(bad.stderr).toContain('not valid windows-1252: the bytes at offset 13');
  });
});
