/**
 * An amount crm has to assume a currency for takes the database's home currency (`crm init
 * --currency`, `crm config set currency`), not USD: a deal added or converted from a lead without
 * an amount, and a quota given as a bare number. (They were USD whatever the home currency, so
 * a EUR team's pipeline and quota reports asked for USD→EUR rates.) Both engines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmSeries, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('%s: the home currency', (engine) => {
  const db = useEngineDb(engine, 'homecur');

  it('a deal without an amount, a converted lead and a bare quota are in the home currency', async () => {
    const r = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['config', 'set', 'currency', 'EUR'],
      ['user', 'add', 'sara', '--name', 'Sara', '--role', 'rep'],
      ['deal', 'add', 'No amount yet', '--json'],
      ['contact', 'add', 'Lea Lead', '--email', 'lea@example.com'],
      ['lead', 'convert', 'lea@example.com', '--json'],
      ['quota', 'set', 'sara', '2026-Q4', '50000', '--json'],
      ['deal', 'add', 'Named', '--currency', 'JPY', '--json'],
    ]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(JSON.parse(r[3]!.stdout).amount).toEqual({ amount: '0.00', currency: 'EUR' });
    expect(JSON.parse(r[5]!.stdout).deal.amount).toEqual({ amount: '0.00', currency: 'EUR' });
    expect(JSON.parse(r[6]!.stdout).amount).toEqual({ amount: '50000.00', currency: 'EUR' });
    expect(JSON.parse(r[7]!.stdout).amount).toEqual({ amount: '0', currency: 'JPY' });
  }, 120_000);

  it('an imported deal with no amount column is in the home currency; a currency cell still wins', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'crm-homecur-')), 'deals.csv');
    writeFileSync(file, 'title,stage\nImported plain,Prospecting\n');
    const withCurrency = join(mkdtempSync(join(tmpdir(), 'crm-homecur-')), 'deals2.csv');
    writeFileSync(withCurrency, 'title,stage,currency\nImported yen,Prospecting,JPY\n');
    const r = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['config', 'set', 'currency', 'EUR'],
      ['import', 'deals', file],
      ['import', 'deals', withCurrency],
      ['deal', 'list', '--json'],
    ]);
    expect(r.map((x) => x.code), r.map((x) => x.stderr).join('\n')).toEqual([0, 0, 0, 0, 0]);
    const deals = JSON.parse(r[4]!.stdout) as { title: string; amount: unknown }[];
    expect(deals.filter((d) => d.title.startsWith('Imported')).map((d) => [d.title, d.amount])).toEqual([
      ['Imported plain', { amount: '0.00', currency: 'EUR' }],
      ['Imported yen', { amount: '0', currency: 'JPY' }],
    ]);
  }, 120_000);
});
