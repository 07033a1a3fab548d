/**
 * An imported name, title or note keeps Persian digits as written, as `crm contact add` and
 * `crm product add` keep them ("Room ۱۲" stays "Room ۱۲"); numbers, amounts and phones in the
 * same file still read them as ASCII. Before, a cell of Latin letters and Persian digits lost its
 * digits on import ("Room ۱۲ kit" became "Room 12 kit"), so a product export → import changed
 * the names. Both engines.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmSeries, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('%s: Persian digits in imported text', (engine) => {
  const db = useEngineDb(engine, 'textdigits');

  it('stay as written in text fields; numbers and phones read them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-digits-'));
    writeFileSync(join(dir, 'products.csv'), 'sku,name,prices,warranty\nKIT-12,Room ۱۲ kit,۱۲۰۰ EUR,۲۴\n');
    writeFileSync(join(dir, 'contacts.csv'), 'first_name,last_name,email,title,phone\nAnn,Lee ۲,ann@example.com,Room ۱۲,۰۹۱۲ ۱۲۳ ۴۵۶۷\n');
    const [a, b, c, d, product, contact, , again] = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['import', 'products', join(dir, 'products.csv')],
      ['import', 'contacts', join(dir, 'contacts.csv')],
      ['product', 'add', 'CLI-12', '--name', 'Room ۱۲ kit (typed)', '--price', '۵ EUR'],
      ['product', 'show', 'KIT-12', '--json'],
      ['contact', 'show', 'ann@example.com', '--json'],
      ['export', 'products', '-o', join(dir, 'p1.csv')],
      ['import', 'products', join(dir, 'p1.csv')],
      ['export', 'products', '-o', join(dir, 'p2.csv')],
    ]);
    expect([a, b, c, d].map((r) => r!.code)).toEqual([0, 0, 0, 0]);
    expect(JSON.parse(product!.stdout)).toMatchObject({ name: 'Room ۱۲ kit', warrantyMonths: 24, prices: [{ amount: '1200.00', currency: 'EUR' }] });
    expect(JSON.parse(contact!.stdout)).toMatchObject({ lastName: 'Lee ۲', title: 'Room ۱۲', phone: '0912 123 4567' });
    expect(again!.stdout).toMatch(/0 created, 0 updated, 2 unchanged/);
    expect(readFileSync(join(dir, 'p2.csv'), 'utf8')).toBe(readFileSync(join(dir, 'p1.csv'), 'utf8'));
  }, 120_000);
});
