/**
 * A person in more than one company, current and past (issue 21), on both engines: role and
 * organizational unit kept per membership, `contact show` lists the companies, `company show`
 * its people (current first), `company:` matches any current membership, and the primary
 * company (the export's company column) moves when its membership ends.
 */
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
    expect(link.stderr).toContain('Linked contact #1 to company #2 Beta GmbH');
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
    expect(r.stderr).toContain('Recorded the end of the membership of company #1 Acme Ltd (2026-06-30)');
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
