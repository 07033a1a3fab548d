/**
 * A person in more than one company, current and past (issue 21), on both engines: role and
 * organizational unit kept per membership, `contact show` lists the companies, `company show`
 * its people (current first), `company:` matches any current membership, and the primary
 * company (the export's company column) moves when its membership ends.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('contact companies on %s', (engine) => {
  const db = useEngineDb(engine, 'members');
  const crm = (...args: string[]) => crmOn(db.url, args);
  const json = (...args: string[]) => {
    const r = crm(...args, '--json');
    expect(r.stderr).not.toMatch(/error/);
    return JSON.parse(r.stdout);
  };
  const names = (rows: { name: string }[]) => rows.map((r) => r.name);

  it('links a person to a second company with role and unit; both are current', () => {
    expect(crm('db', 'migrate').code).toBe(0);
    expect(crm('company', 'add', 'Acme Ltd').code).toBe(0);
    expect(crm('company', 'add', 'Beta GmbH').code).toBe(0);
    expect(crm('contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd', '--role', 'CTO').code).toBe(0);
    expect(crm('contact', 'add', 'Omid Karimi', '--email', 'omid@example.com', '--company', 'Beta GmbH').code).toBe(0);
    const link = crm('contact', 'link', '1', 'company:2', '--role', 'Buyer', '--unit', 'Procurement', '--from', '2025-01-01');
    expect(link.stderr).toContain('Linked contact #1 Sara Rahimi to company #2 Beta GmbH');
    expect(link.code).toBe(0);
    const shown = json('contact', 'show', '1');
    expect(shown.company).toEqual({ id: 1, name: 'Acme Ltd' });
    expect(shown.companies).toMatchObject([
      { id: 1, name: 'Acme Ltd', role: 'CTO', current: true, primary: true },
      { id: 2, name: 'Beta GmbH', role: 'Buyer', unit: 'Procurement', from: '2025-01-01', until: null, current: true, primary: false },
    ]);
    // company: matches any current membership, not only the primary company.
    expect(names(json('contact', 'list', 'company:beta'))).toEqual(['Sara Rahimi', 'Omid Karimi']);
    const people = json('company', 'show', '2').people;
    expect(people.map((p: { name: string; role: string | null }) => [p.name, p.role])).toEqual([
      ['Omid Karimi', null],
      ['Sara Rahimi', 'Buyer'],
    ]);
    const table = crm('contact', 'show', '1', '--format', 'table').stdout;
    expect(table).toMatch(/Companies \(2\)[\s\S]*Beta GmbH\s*│\s*Buyer\s*│\s*Procurement/);
  });

  it('ending the primary membership makes it past and moves the primary company', () => {
    const r = crm('contact', 'link', '1', 'company:Acme Ltd', '--until', '2026-06-30');
    expect(r.stderr).toContain('Recorded the end of the membership of contact #1 Sara Rahimi in company #1 Acme Ltd (2026-06-30)');
    expect(r.code).toBe(0);
    const shown = json('contact', 'show', '1');
    expect(shown.company).toEqual({ id: 2, name: 'Beta GmbH' });
    expect(shown.companyRole).toBe('Buyer');
    expect(shown.companies.map((m: { name: string; current: boolean; until: string | null }) => [m.name, m.current, m.until])).toEqual([
      ['Beta GmbH', true, null],
      ['Acme Ltd', false, '2026-06-30'],
    ]);
    expect(names(json('contact', 'list', 'company:acme'))).toEqual([]);
    // company show: current people first, then past ones.
    expect(crm('contact', 'add', 'Lena Ahmadi', '--email', 'lena@example.com', '--company', 'Acme Ltd').code).toBe(0);
    expect(json('company', 'show', '1').people.map((p: { name: string; current: boolean; role: string | null }) => [p.name, p.current, p.role])).toEqual([
      ['Lena Ahmadi', true, null],
      ['Sara Rahimi', false, 'CTO'],
    ]);
    // The export's company column is the primary company, as before.
    const csv = crm('export', 'contacts', '--format', 'csv').stdout;
    expect(csv).toMatch(/Sara,Rahimi.*Beta GmbH/);
  });

  it('refuses an end before the start, an unknown company and another kind of target', () => {
    const before = crm('contact', 'link', '1', 'company:2', '--until', '2024-01-01');
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('--until 2024-01-01 is before --from 2025-01-01');
    const unknown = crm('contact', 'link', '1', 'company:99');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No company "99"');
    const deal = crm('contact', 'link', '1', 'deal:3');
    expect(deal.code).toBe(2);
    expect(deal.stderr).toContain('A contact is linked to a company, not to "deal:3"');
    expect(json('contact', 'show', '1').companies).toHaveLength(2);
  });
});

describe.each(ENGINES)('contact link says what it linked on %s', (engine) => {
  const db = useEngineDb(engine, 'link-says');
  const crm = (...args: string[]) => crmOn(db.url, args);

  it('names the contact and company it resolved, not the reference typed, on stderr and in --json', () => {
    for (const args of [['db', 'migrate'], ['company', 'add', 'Acme Ltd'], ['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']]) expect(crm(...args).code, args.join(' ')).toBe(0);
    const byEmail = crm('contact', 'link', 'SARA@example.com', 'acme ltd', '--role', 'Buyer');
    expect(byEmail.code, byEmail.stderr).toBe(0);
    expect(byEmail.stderr).toContain('Linked contact #1 Sara Rahimi to company #1 Acme Ltd');
    expect(byEmail.stderr).not.toContain('SARA@');
    const json = crm('contact', 'link', 'sara rahimi', 'company:1', '--unit', 'Procurement', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      contact: { id: 1, name: 'Sara Rahimi' },
      company: { id: 1, name: 'Acme Ltd' },
      ended: false,
      companies: [{ id: 1, name: 'Acme Ltd', role: 'Buyer', unit: 'Procurement', from: null, until: null, current: true, primary: true }],
    });
    const ended = crm('contact', 'link', 'sara@example.com', 'company:Acme Ltd', '--until', '2026-01-31', '--json');
    expect(JSON.parse(ended.stdout)).toMatchObject({ contact: { id: 1, name: 'Sara Rahimi' }, company: { id: 1, name: 'Acme Ltd' }, ended: true });
    expect(ended.stderr).toContain('Recorded the end of the membership of contact #1 Sara Rahimi in company #1 Acme Ltd (2026-01-31)');
  });
});

describe.each(ENGINES)('contact merge keeps companies on %s', (engine) => {
  const db = useEngineDb(engine, 'members-merge');
  const crm = (...args: string[]) => crmOn(db.url, args);

  it("moves B's memberships to A", () => {
    expect(crm('db', 'migrate').code).toBe(0);
    expect(crm('company', 'add', 'Acme Ltd').code).toBe(0);
    expect(crm('company', 'add', 'Beta GmbH').code).toBe(0);
    expect(crm('contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd').code).toBe(0);
    expect(crm('contact', 'add', 'Sara R.', '--email', 'sara.r@example.com').code).toBe(0);
    expect(crm('contact', 'link', '2', 'company:2', '--role', 'Advisor', '--unit', 'Board').code).toBe(0);
    expect(crm('contact', 'merge', '1', '2', '--yes').code).toBe(0);
    const shown = JSON.parse(crm('contact', 'show', '1', '--json').stdout);
    expect(shown.companies.map((m: { name: string; role: string | null; unit: string | null; primary: boolean }) => [m.name, m.role, m.unit, m.primary])).toEqual([
      ['Acme Ltd', null, null, true],
      ['Beta GmbH', 'Advisor', 'Board', false],
    ]);
  });
});

describe.each(ENGINES)('contact link changes the current membership on %s', (engine) => {
  const db = useEngineDb(engine, 'relink');
  const crm = (...args: string[]) => crmOn(db.url, args);

  it('a membership ending in the future is still the one a second link changes, and is listed once', () => {
    for (const args of [['db', 'migrate'], ['company', 'add', 'Acme Ltd'], ['company', 'add', 'Beta GmbH'], ['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd']]) expect(crm(...args).code, args.join(' ')).toBe(0);
    expect(crm('contact', 'link', '1', 'company:2', '--until', '2099-12-31').code).toBe(0);
    expect(crm('contact', 'link', '1', 'company:2', '--role', 'Buyer').code).toBe(0);
    // The primary company with a future end date too: one row, not the row and the implied primary.
    expect(crm('contact', 'link', '1', 'company:1', '--until', '2099-06-30').code).toBe(0);
    const companies = JSON.parse(crm('contact', 'show', '1', '--json').stdout).companies;
    expect(companies).toMatchObject([
      { id: 1, name: 'Acme Ltd', until: '2099-06-30', current: true, primary: true },
      { id: 2, name: 'Beta GmbH', role: 'Buyer', until: null, current: true, primary: false },
    ]);
    expect(companies).toHaveLength(2);
  });
});

/**
 * The primary company and the memberships agree, whatever moves the primary (src/domain/
 * primary-company.ts): the company left ends today (role and unit kept), the one moved to keeps
 * its membership and lends the contact its role; contact edit, import (SQLite, and PostgreSQL's
 * set-based path), merge.
 */
describe.each(ENGINES)('moving the primary company on %s', (engine) => {
  const db = useEngineDb(engine, 'primary-moves');
  const crm = (...args: string[]) => crmOn(db.url, args);
  type M = { name: string; role: string | null; unit: string | null; until: string | null; current: boolean; primary: boolean };
  const companies = (id: string) => {
    const r = crm('contact', 'show', id, '--json');
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout);
    return { company: shown.company?.name ?? null, role: shown.companyRole, list: (shown.companies as M[]).map((m) => [m.name, m.role, m.unit, m.until, m.current, m.primary]) };
  };
  const names = (filter: string) => JSON.parse(crm('contact', 'list', filter, '--json').stdout).map((c: { name: string }) => c.name);
  const today = '2026-11-20'; // CRM_NOW of the e2e helpers, in UTC

  it('contact edit --company ends the linked primary membership and takes the new one', () => {
    for (const args of [
      ['db', 'migrate'],
      ['company', 'add', 'Acme Ltd'],
      ['company', 'add', 'Beta GmbH'],
      ['company', 'add', 'Gamma Co'],
      ['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd', '--role', 'CTO'],
      ['contact', 'link', '1', 'company:Acme Ltd', '--unit', 'Board'],
      ['contact', 'link', '1', 'company:Beta GmbH', '--role', 'Buyer'],
    ]) expect(crm(...args).code, args.join(' ')).toBe(0);
    expect(crm('contact', 'edit', '1', '--company', 'Gamma Co').code).toBe(0);
    expect(companies('1')).toEqual({
      company: 'Gamma Co',
      role: 'CTO',
      list: [
        ['Gamma Co', 'CTO', null, null, true, true],
        ['Beta GmbH', 'Buyer', null, null, true, false],
        ['Acme Ltd', 'CTO', 'Board', today, false, false],
      ],
    });
    expect(names('company:acme')).toEqual([]);
    // To a company with a membership: its role comes along; the implied Gamma primary is recorded as past.
    expect(crm('contact', 'edit', '1', '--company', 'Beta GmbH').code).toBe(0);
    expect(companies('1')).toEqual({
      company: 'Beta GmbH',
      role: 'Buyer',
      list: [
        ['Beta GmbH', 'Buyer', null, null, true, true],
        ['Acme Ltd', 'CTO', 'Board', today, false, false],
        ['Gamma Co', 'CTO', null, today, false, false],
      ],
    });
    expect(names('company:gamma')).toEqual([]);
    // A new role at the primary company is the membership's role too.
    expect(crm('contact', 'edit', '1', '--role', 'Head of Buying').code).toBe(0);
    expect(companies('1').list[0]).toEqual(['Beta GmbH', 'Head of Buying', null, null, true, true]);
    // No company: the primary's membership ends.
    expect(crm('contact', 'edit', '1', '--company', 'none').code).toBe(0);
    expect(companies('1').list.filter((m) => m[4])).toEqual([]);
    expect(crm('contact', 'edit', '1', '--company', 'Beta GmbH', '--role', 'Buyer').code).toBe(0);
  });

  it('an import that moves people between companies ends their old memberships', () => {
    expect(crm('contact', 'add', 'Omid Karimi', '--email', 'omid@example.com', '--company', 'Beta GmbH').code).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'crm-moves-')), 'people.csv');
    writeFileSync(file, 'Name,Email,Company\nSara Rahimi,sara@example.com,Acme Ltd\nOmid Karimi,omid@example.com,Gamma Co\n');
    const r = crm('import', 'contacts', file);
    expect(r.code, r.stderr).toBe(0);
    const sara = companies('1');
    expect(sara.company).toBe('Acme Ltd');
    expect(sara.list.filter((m) => m[4])).toEqual([['Acme Ltd', 'Buyer', null, null, true, true]]);
    expect(sara.list).toContainEqual(['Beta GmbH', 'Buyer', null, today, false, false]);
    expect(companies('2').list).toEqual([
      ['Gamma Co', null, null, null, true, true],
      ['Beta GmbH', null, null, today, false, false],
    ]);
    expect(names('company:beta')).toEqual([]);
    // Imported again: nothing moves, nothing is added.
    expect(crm('import', 'contacts', file).code).toBe(0);
    expect(companies('2').list).toHaveLength(2);
  });

  it("an import gives a moved contact the role recorded at its new company, and undo gives the old one back", () => {
    for (const args of [
      ['contact', 'add', 'Nima Sadeghi', '--email', 'nima@example.com', '--company', 'Acme Ltd', '--role', 'CTO'],
      ['contact', 'link', 'nima@example.com', 'company:Beta GmbH', '--role', 'Buyer'],
    ]) expect(crm(...args).code, args.join(' ')).toBe(0);
    const id = String(JSON.parse(crm('contact', 'show', 'nima@example.com', '--json').stdout).id);
    const file = join(mkdtempSync(join(tmpdir(), 'crm-moves-')), 'nima.csv');
    writeFileSync(file, 'Email,Name,Company\nnima@example.com,Nima Sadeghi,Beta GmbH\n');
    const r = crm('import', 'contacts', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(companies(id)).toEqual({
      company: 'Beta GmbH',
      role: 'Buyer',
      list: [
        ['Beta GmbH', 'Buyer', null, null, true, true],
        ['Acme Ltd', 'CTO', null, today, false, false],
      ],
    });
    const runId = String(JSON.parse(crm('import', 'history', '--json').stdout)[0].id);
    expect(crm('import', 'undo', runId, '--yes').code).toBe(0);
    const back = companies(id);
    expect([back.company, back.role]).toEqual(['Acme Ltd', 'CTO']);
  });

  it("merge keeps B's primary company as one of A's current companies", () => {
    expect(crm('contact', 'add', 'Lena Ahmadi', '--email', 'lena@example.com', '--company', 'Beta GmbH', '--role', 'Advisor').code).toBe(0);
    const lena = String(JSON.parse(crm('contact', 'show', 'lena@example.com', '--json').stdout).id);
    expect(crm('contact', 'merge', '2', lena, '--yes').code).toBe(0);
    expect(companies('2').list).toEqual([
      ['Gamma Co', null, null, null, true, true],
      ['Beta GmbH', 'Advisor', null, null, true, false],
      ['Beta GmbH', null, null, today, false, false],
    ]);
    // B's membership at A's primary company: A's role there wins, and it is listed once.
    for (const args of [
      ['contact', 'add', 'Reza Moradi', '--email', 'reza@example.com', '--company', 'Gamma Co', '--role', 'CFO'],
      ['contact', 'add', 'R. Moradi', '--email', 'r.moradi@example.com'],
      ['contact', 'link', 'r.moradi@example.com', 'company:Gamma Co', '--role', 'Buyer', '--unit', 'Finance'],
    ]) expect(crm(...args).code, args.join(' ')).toBe(0);
    const reza = String(JSON.parse(crm('contact', 'show', 'reza@example.com', '--json').stdout).id);
    const dup = String(JSON.parse(crm('contact', 'show', 'r.moradi@example.com', '--json').stdout).id);
    expect(crm('contact', 'merge', reza, dup, '--yes').code).toBe(0);
    expect(companies(reza)).toEqual({ company: 'Gamma Co', role: 'CFO', list: [['Gamma Co', 'CFO', 'Finance', null, true, true]] });
    // Nima's Beta membership (linked before the import and its undo) is current too.
    expect(names('company:beta')).toEqual(['Omid Karimi', 'Nima Sadeghi']);
  });
});
