/**
 * Any company or contact field, a segment, or the age band as a dimension of `crm report sales
 * --by` and `crm report customers --by` (issue 21): one resolver (src/reports/dimensions), both
 * reports, both engines.
 *
 *   order         company  industry  deal's contact  gender  born        age on 2026-11-20  net
 *   SO-2026-0001  Acme     Retail    Sara            f       1990-05-01  36 (35–44)         200 EUR
 *   SO-2026-0002  Globex   Energy    Omid            m       2003-01-01  23 (under 25)      100 EUR
 *   SO-2026-0003  Initech  —         —               —       —           —                  300 EUR
 * Segment vip = companies with industry:retail.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

const J = '2026-07-01T09:00:00Z';
const SETUP: [string, string[]][] = [
  [J, ['db', 'migrate']],
  [J, ['field', 'enable', 'contact', 'gender', 'birth_date']],
  [J, ['company', 'add', 'Acme', '--industry', 'Retail']],
  [J, ['company', 'add', 'Globex', '--industry', 'Energy']],
  [J, ['company', 'add', 'Initech']],
  [J, ['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme', '--set', 'gender=f', '--set', 'birth_date=1990-05-01']],
  [J, ['contact', 'add', 'Omid Karimi', '--email', 'omid@example.com', '--company', 'Globex', '--set', 'gender=m', '--set', 'birth_date=2003-01-01']],
  [J, ['product', 'add', 'W1', '--name', 'Widget', '--price', '100 EUR']],
  [J, ['deal', 'add', 'D1', '--company', 'Acme', '--contact', 'Sara Rahimi', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '1', 'W1', '--qty', '2']],
  ['2026-10-05T09:00:00Z', ['deal', 'win', '1']],
  [J, ['deal', 'add', 'D2', '--company', 'Globex', '--contact', 'Omid Karimi', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '2', 'W1', '--qty', '1']],
  ['2026-11-12T09:00:00Z', ['deal', 'win', '2']],
  [J, ['deal', 'add', 'D3', '--company', 'Initech', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '3', 'W1', '--qty', '3']],
  ['2026-11-15T09:00:00Z', ['deal', 'win', '3']],
  [J, ['segment', 'add', 'vip', 'industry:retail', '--for', 'company']],
];

const eur = (amount: string) => [{ amount, currency: 'EUR' }];
type Row = { group: string };
const byGroup = (rows: Row[]) => Object.fromEntries(rows.map(({ group, ...rest }) => [group, rest]));

describe.each(ENGINES)('report dimensions on %s', (engine) => {
  const db = useEngineDb(engine, 'dimensions');
  const crm = (...args: string[]) => crmOn(db.url, args, { CRM_NOW: '2026-11-20T12:00:00Z' });
  const report = (...args: string[]) => {
    const r = crm('report', ...args, '--period', '2026', '--json');
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };
  const sales = (by: string) => {
    const r = report('sales', '--by', by);
    return byGroup(r.rows.map(({ group, orders, amount }: { group: string; orders: number; amount: unknown }) => ({ group, orders, amount })));
  };

  it('sets up three orders', () => {
    for (const [now, args] of SETUP) {
      const r = crmOn(db.url, args, { CRM_NOW: now });
      expect(r.stderr, args.join(' ')).not.toMatch(/error/);
      expect(r.code, args.join(' ')).toBe(0);
    }
  });

  it('report sales --by field:industry, a contact field, the age band and a segment', () => {
    expect(sales('field:industry')).toEqual({ Retail: { orders: 1, amount: eur('200.00') }, Energy: { orders: 1, amount: eur('100.00') }, '(none)': { orders: 1, amount: eur('300.00') } });
    expect(sales('gender')).toEqual({ f: { orders: 1, amount: eur('200.00') }, m: { orders: 1, amount: eur('100.00') }, '(none)': { orders: 1, amount: eur('300.00') } });
    expect(sales('age-band')).toEqual({ '35–44': { orders: 1, amount: eur('200.00') }, 'under 25': { orders: 1, amount: eur('100.00') }, '(unknown)': { orders: 1, amount: eur('300.00') } });
    expect(sales('segment:vip')).toEqual({ 'in vip': { orders: 1, amount: eur('200.00') }, 'not in vip': { orders: 2, amount: eur('400.00') } });
    // The built-in groupings are unchanged.
    expect(Object.keys(sales('company')).sort()).toEqual(['Acme', 'Globex', 'Initech']);
    const table = crm('report', 'sales', '--by', 'field:industry', '--period', '2026', '--format', 'table', '--no-chart').stdout;
    expect(table).toMatch(/Sales by industry[\s\S]*│ Industry │ Orders/);
  });

  it('report customers --by field:industry and --by gender (a company read through its first person)', () => {
    const industry = report('customers', '--by', 'field:industry');
    expect(industry.groupBy).toBe('field:industry');
    expect(byGroup(industry.rows)).toMatchObject({ Retail: { customers: 1, active: 1, lifetimeValue: eur('200.00') }, Energy: { customers: 1, lifetimeValue: eur('100.00') }, '(none)': { customers: 1 } });
    expect(industry.companies.map((c: { company: string }) => c.company).sort()).toEqual(['Acme', 'Globex', 'Initech']);
    const gender = report('customers', '--by', 'gender');
    expect(byGroup(gender.rows)).toMatchObject({ f: { customers: 1, purchases: 1 }, m: { customers: 1 }, '(none)': { customers: 1 } });
    // Without --by the report is as before: one row per company.
    expect(report('customers').rows.map((r: { company: string }) => r.company).sort()).toEqual(['Acme', 'Globex', 'Initech']);
  });

  it('refuses an unknown field or segment in one line', () => {
    const r = crm('report', 'sales', '--by', 'field:shoe_size', '--period', '2026');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot group by "field:shoe_size": no such company or contact field.');
    const seg = crm('report', 'customers', '--by', 'segment:nope', '--period', '2026');
    expect(seg.code).toBe(1);
    expect(seg.stderr).toContain('No segment "nope"');
  });

  it('counts a won deal without an order in its group, as --by company and --by team do', () => {
    // D4: Acme, no lines, so winning it makes no order; it is a sale of its own amount.
    for (const [now, args] of [[J, ['deal', 'add', 'D4', '--company', 'Acme', '--contact', 'Sara Rahimi', '--amount', '50 EUR']], ['2026-11-16T09:00:00Z', ['deal', 'win', '4']]] as [string, string[]][]) {
      expect(crmOn(db.url, args, { CRM_NOW: now }).code, args.join(' ')).toBe(0);
    }
    const rows = byGroup(report('sales', '--by', 'field:industry').rows);
    expect(rows.Retail).toMatchObject({ orders: 1, deals: 1, amount: eur('250.00') });
    const totals = ['field:industry', 'segment:vip', 'company', 'team'].map((by) => report('sales', '--by', by).total);
    for (const t of totals) expect(t).toMatchObject({ orders: 3, deals: 1, amount: eur('650.00') });
  });
});
