/**
 * A referrer may be a contact or a company (issue 21), and `crm report referrals` counts per
 * referrer the contacts referred, their deals, the deals won and the won value (--in converts),
 * on both engines.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('referrals on %s', (engine) => {
  const db = useEngineDb(engine, 'referrals');
  const crm = (...args: string[]) => crmOn(db.url, args);
  const ok = (...args: string[]) => {
    const r = crm(...args);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    return r.stdout;
  };

  it('a contact or a company refers; contact show says which', () => {
    ok('db', 'migrate');
    ok('company', 'add', 'Acme Ltd');
    ok('contact', 'add', 'Ali Navaei', '--email', 'ali@example.com');
    ok('contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--referred-by', '1');
    ok('contact', 'add', 'Omid Karimi', '--email', 'omid@example.com', '--referred-by', 'company:1');
    ok('contact', 'add', 'Lena Ahmadi', '--email', 'lena@example.com', '--referred-by', 'company:Acme Ltd');
    expect(JSON.parse(ok('contact', 'show', '3', '--json')).referredBy).toEqual({ kind: 'company', id: 1, name: 'Acme Ltd' });
    expect(JSON.parse(ok('contact', 'show', '2', '--json')).referredBy).toEqual({ kind: 'contact', id: 1, name: 'Ali Navaei' });
    expect(ok('contact', 'show', '3', '--format', 'table')).toMatch(/Referred by:\s+Acme Ltd \(company #1\)/);
    // Switching to a contact clears the company (one referrer), and an unknown company is refused.
    expect(JSON.parse(ok('contact', 'edit', '3', '--referred-by', 'ali@example.com', '--json')).referredBy).toEqual({ kind: 'contact', id: 1, name: 'Ali Navaei' });
    ok('contact', 'edit', '3', '--referred-by', 'company:1');
    const unknown = crm('contact', 'edit', '3', '--referred-by', 'company:Nowhere');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No company "Nowhere"');
  });

  it('report referrals: contacts, deals, won and won value per referrer, in one envelope', () => {
    ok('deal', 'add', 'Big order', '--contact', 'Sara Rahimi', '--amount', '1000 EUR');
    ok('deal', 'add', 'Small order', '--contact', 'Lena Ahmadi', '--amount', '500 EUR');
    ok('deal', 'win', '2');
    const report = JSON.parse(ok('report', 'referrals', '--period', '2026', '--json'));
    expect(report.schema).toBe('crm.report/1');
    expect(report.rows).toEqual([
      { referrer: 'Acme Ltd', kind: 'company', id: 1, contacts: 2, deals: 1, dealsWon: 1, wonValue: [{ amount: '500.00', currency: 'EUR' }] },
      { referrer: 'Ali Navaei', kind: 'contact', id: 1, contacts: 1, deals: 1, dealsWon: 0, wonValue: [] },
    ]);
    expect(report.total).toMatchObject({ contacts: 3, deals: 2, dealsWon: 1 });
    ok('fx', 'set', 'EUR', 'USD', '1.1', '--date', '2026-01-01');
    const usd = JSON.parse(ok('report', 'referrals', '--period', '2026', '--in', 'USD', '--json'));
    expect(usd.rows[0].wonValue).toEqual([{ amount: '550.00', currency: 'USD' }]);
    // Another period: nothing referred then.
    expect(JSON.parse(ok('report', 'referrals', '--period', '2025', '--json')).rows).toEqual([]);
    expect(ok('report', 'referrals', '--period', '2026', '--explain')).toContain('Referrer = the contact or company named by crm contact add/edit --referred-by');
  });
});
