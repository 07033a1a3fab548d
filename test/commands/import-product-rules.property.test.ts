/**
 * Issue #19: `crm import products` reads every value with the domain's parsers (parseSku,
 * parsePrice, parseRate, parseWarranty), so a cell is accepted by import exactly when
 * `crm product add` accepts the same text, and stored the same. fast-check feeds both paths the
 * same random values.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli, tempDb } from '../helpers/run-cli.js';

const sku = fc.constantFrom('W-1', 'w.2/x', 'BAD SKU', '-LEADING', 'X'.repeat(64), 'X'.repeat(65), 'ÄPFEL', 'ok_3');
const price = fc.constantFrom('1200 EUR', '1,200.50 EUR', 'EUR 99', '-5 EUR', '12.3456 EUR', '500 JPY', '500.5 JPY', '1.125 KWD', '12 XYZ', '12', '€12', '$5');
const tax = fc.constantFrom('19%', '19', '8.875%', '0', '100%', '101%', 'abc', '7.12345%', '19 %');
const warranty = fc.constantFrom('24', '2y', '24 months', 'none', '1000', 'x', '0', '3 years', '12m');

/** product add's verdict for one value: accepted (and what it stored) or not. */
async function viaCommand(db: string, code: string, args: string[]): Promise<{ ok: true; product: any } | { ok: false }> {
  const r = await runCli(['product', 'add', code, '--name', 'Same values', '--json', ...args], { db });
  if (r.exitCode === 0) return { ok: true, product: r.json() };
  expect([1, 2, 3], r.stderr).toContain(r.exitCode);
  return { ok: false };
}

describe('property: import products accepts a value exactly when crm product add does', () => {
  it('SKUs, prices, tax rates and warranty terms, through both paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ sku, price, tax, warranty }), { minLength: 1, maxLength: 3 }), async (values) => {
        const tmp = tempDb();
        try {
          expect((await runCli(['db', 'init', '--db', tmp.db])).exitCode).toBe(0);
          const f = join(tmp.dir, 'products.csv');
          // Each row its own SKU (the random one only where the SKU itself is tested).
          writeFileSync(f, stringify([['sku', 'name', 'tax_rate', 'warranty_months', 'prices'], ...values.map((v, i) => [i === 0 ? v.sku : `ROW-${i}`, 'Same values', v.tax, v.warranty, v.price])]));
          const imported = await runCli(['import', 'products', f, '--dry-run', '--json'], { db: tmp.db });
          expect(imported.exitCode, imported.stderr).toBe(0);
          const outcomes = new Map<number, any>(imported.json().details.map((d: any) => [d.row, d]));
          for (const [i, v] of values.entries()) {
            const rejected = outcomes.get(i + 2)?.outcome === 'rejected' ? outcomes.get(i + 2).error : undefined;
            const label = `${JSON.stringify(v)} → import ${rejected ? `rejected (${rejected.column}: ${rejected.reason})` : 'accepted'}`;
            // One value at a time through the command; import names the first bad value of a row
            // in the order it reads them: sku, tax_rate, warranty_months, prices.
            const order = ['sku', 'tax_rate', 'warranty_months', 'prices'];
            const before = (col: string) => !rejected || order.indexOf(rejected.column) >= order.indexOf(col);
            if (i === 0) {
              const viaSku = await viaCommand(tmp.db, v.sku, []);
              expect(viaSku.ok, `sku ${label}`).toBe(rejected?.column !== 'sku');
            }
            if (before('tax_rate')) expect((await viaCommand(tmp.db, `ZT-${i}`, [`--tax=${v.tax}`])).ok, `tax ${label}`).toBe(rejected?.column !== 'tax_rate');
            if (before('warranty_months')) expect((await viaCommand(tmp.db, `ZW-${i}`, [`--warranty=${v.warranty}`])).ok, `warranty ${label}`).toBe(rejected?.column !== 'warranty_months');
            if (before('prices')) {
              const viaPrice = await viaCommand(tmp.db, `ZP-${i}`, [`--price=${v.price}`]);
              expect(viaPrice.ok, `price ${label}`).toBe(rejected?.column !== 'prices');
            }
          }
        } finally {
          tmp.cleanup();
        }
      }),
      { numRuns: 20 },
    );
  }, 180_000);

  it('what import stores equals what product add stores for the same values', async () => {
    const tmp = tempDb();
    try {
      expect((await runCli(['db', 'init', '--db', tmp.db])).exitCode).toBe(0);
      const added = await runCli(['product', 'add', 'CMD-1', '--name', 'Widget', '--description', 'Big', '--unit', 'piece', '--price', '1,200.50 EUR', '--price', 'KWD 1.125', '--price', '500 JPY', '--tax', '8.875', '--warranty', '2y', '--json'], { db: tmp.db });
      expect(added.exitCode, added.stderr).toBe(0);
      const f = join(tmp.dir, 'p.csv');
      writeFileSync(f, stringify([['sku', 'name', 'description', 'unit', 'prices', 'tax_rate', 'warranty_months'], ['IMP-1', 'Widget', 'Big', 'piece', '1,200.50 EUR; KWD 1.125; 500 JPY', '8.875', '2y']]));
      const imported = await runCli(['import', 'products', f], { db: tmp.db });
      expect(imported.exitCode, imported.stderr).toBe(0);
      const list = (await runCli(['product', 'list', '--json'], { db: tmp.db })).json() as any[];
      const strip = (p: any) => ({ ...p, id: undefined, sku: undefined, createdAt: undefined, updatedAt: undefined });
      expect(list).toHaveLength(2);
      expect(strip(list.find((p) => p.sku === 'IMP-1'))).toEqual(strip(list.find((p) => p.sku === 'CMD-1')));
    } finally {
      tmp.cleanup();
    }
  });
});
