/**
 * Persian locale (issue 21, item 7) on both engines: Persian and Arabic-Indic digits in amounts,
 * dates, ids and filters; --calendar persian and a user's own calendar read and show Jalali
 * dates; a Jalali-looking year without it is refused, never stored as the year 1405.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('Persian dates and digits on %s', (engine) => {
  const db = useEngineDb(engine, 'persian');
  const crm = (...args: string[]) => crmOn(db.url, args);

  it('۱۴۰۵/۱۰/۱۵ with --calendar persian is stored as 2027-01-05 and shown back as Jalali', () => {
    expect(crm('db', 'migrate').code).toBe(0);
    const add = crm('deal', 'add', 'Tehran order', '--amount', '۱۲۵۰۰٫۵۰ EUR', '--close', '۱۴۰۵/۱۰/۱۵', '--calendar', 'persian', '--json');
    expect(add.stderr).not.toMatch(/error/);
    expect(add.code).toBe(0);
    const deal = JSON.parse(add.stdout);
    expect(deal.expectedClose).toBe('2027-01-05');
    expect(deal.amount).toEqual({ amount: '12500.50', currency: 'EUR' });
    const shown = crm('deal', 'show', '۱', '--calendar', 'persian', '--format', 'table');
    expect(shown.stdout).toMatch(/Expected close:\s+1405\/10\/15/);
    // JSON stays ISO whatever the calendar.
    expect(JSON.parse(crm('deal', 'show', '1', '--calendar', 'persian', '--json').stdout).expectedClose).toBe('2027-01-05');
  });

  it('refuses 1405-10-15 without --calendar persian and stores nothing', () => {
    const r = crm('deal', 'add', 'Wrong year', '--close', '1405-10-15');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"1405-10-15" looks like a Jalali year (1405) — use --calendar persian.');
    expect(r.stderr).toContain('2027-01-05');
    expect(JSON.parse(crm('deal', 'list', '--json').stdout)).toHaveLength(1);
  });

  it('reads Jalali dates in filters and Arabic-Indic digits anywhere a number goes', () => {
    expect(crm('deal', 'add', 'Later', '--close', '٢٠٢٧-٠٣-٠١', '--amount', '٥٠٠ EUR').code).toBe(0);
    const before = JSON.parse(crm('deal', 'list', 'close:<۱۴۰۵-۱۱-۰۱', '--calendar', 'persian', '--json').stdout);
    expect(before.map((d: { title: string }) => d.title)).toEqual(['Tehran order']);
    const big = JSON.parse(crm('deal', 'list', 'amount:>۱۰۰۰', '--json').stdout);
    expect(big.map((d: { title: string }) => d.title)).toEqual(['Tehran order']);
  });

  it('a user who chose the Persian calendar reads and writes Jalali dates without the flag', () => {
    const [me] = JSON.parse(crm('user', 'list', '--json').stdout); // the OS login: this database's admin
    const edit = crm('user', 'edit', me.handle, '--calendar', 'persian', '--json');
    expect(edit.code).toBe(0);
    expect(JSON.parse(edit.stdout).calendar).toBe('persian');
    const add = crm('deal', 'add', 'Nowruz', '--close', '1406-01-01', '--json');
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout).expectedClose).toBe('2027-03-21');
    expect(crm('deal', 'show', String(JSON.parse(add.stdout).id), '--format', 'table').stdout).toMatch(/Expected close:\s+1406\/01\/01/);
    // --calendar gregorian for one command overrides the setting.
    expect(crm('deal', 'show', String(JSON.parse(add.stdout).id), '--calendar', 'gregorian', '--format', 'table').stdout).toMatch(/Expected close:\s+2027-03-21/);
  });
});
