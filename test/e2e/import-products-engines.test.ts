/**
 * `crm import products` on SQLite and PostgreSQL (#19 item 1): all-or-nothing per file, --dry-run,
 * --skip-invalid with a rejects file, price_CUR columns beside the prices cell, undo restoring
 * the price list, and export → import → export giving the same bytes. The same command lines
 * run against both engines and must print the same.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type EngineDb } from '../helpers/engines.js';
import { runCrm } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-import-products-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function crm(db: string, args: string[]) {
  const r = await runCrm(args, { CRM_DB: db, HOME: tmpdir(), CRM_NOW: '2026-11-20T10:00:00Z', NO_COLOR: '1' }).done;
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

const CATALOGUE = [
  'sku,name,description,unit,prices,tax_rate,warranty_months,active',
  'WIDGET-01,Widget Pro,"Big, shiny",piece,"1,250.00 EUR; 1300 USD; 400.125 KWD",19%,24,true',
  'GIZMO,Gizmo,,,12.35 EUR,7%,2y,yes',
  'OLD-1,Old thing,,,500 JPY,0,,false',
  'BAD SKU,Bad,,,,,,',
  'BAD-P,Bad price,,,-5 EUR,,,',
  'BAD-T,Bad tax,,,,150%,,',
].join('\n');

describe.each(ENGINES)('crm import products on %s', (engine) => {
  let db: EngineDb;
  const file = (name: string, text: string) => {
    const p = join(dir, `${engine}-${name}`);
    writeFileSync(p, text + '\n');
    return p;
  };

  it('checks every row, writes all or nothing, skips and reports the bad rows', async () => {
    db = await freshDatabase(engine, 'importproducts');
    expect((await crm(db.url, ['db', 'migrate'])).code).toBe(0);
    const cat = file('catalogue.csv', CATALOGUE);
    const whole = await crm(db.url, ['import', 'products', cat]);
    expect(whole.code).not.toBe(0);
    expect(whole.stderr).toContain('3 of 6 rows');
    expect(whole.stderr).toContain('row 5, sku "BAD SKU": Not a SKU');
    expect(whole.stderr).toContain('row 6, prices "-5 EUR": A price cannot be negative');
    expect(whole.stderr).toContain('row 7, tax_rate "150%": Not a tax rate');
    expect(JSON.parse((await crm(db.url, ['product', 'list', '--all', '--json'])).stdout)).toEqual([]);

    const dry = await crm(db.url, ['import', 'products', cat, '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, created: 3, rejected: 3 });
    expect(JSON.parse((await crm(db.url, ['product', 'list', '--all', '--json'])).stdout)).toEqual([]);

    const rejects = join(dir, `${engine}-rejects.csv`);
    const good = await crm(db.url, ['import', 'products', cat, '--skip-invalid', '--rejects', rejects, '--json']);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ created: 3, rejected: 3, committed: true });
    expect(readFileSync(rejects, 'utf8').split('\n').filter(Boolean).map((l) => l.split(',')[0])).toEqual(['sku', 'BAD SKU', 'BAD-P', 'BAD-T']);
    const shown = JSON.parse((await crm(db.url, ['product', 'show', 'widget-01', '--json'])).stdout);
    expect(shown).toMatchObject({ sku: 'WIDGET-01', name: 'Widget Pro', description: 'Big, shiny', unit: 'piece', taxRate: '19%', warrantyMonths: 24, active: true });
    expect(shown.prices).toEqual([
      { amount: '1250.00', currency: 'EUR' },
      { amount: '400.125', currency: 'KWD' },
      { amount: '1300.00', currency: 'USD' },
    ]);
    expect(JSON.parse((await crm(db.url, ['product', 'show', 'OLD-1', '--json'])).stdout)).toMatchObject({ active: false, prices: [{ amount: '500', currency: 'JPY' }] });
  });

  it('price_CUR columns set one currency each; import undo restores the price list', async () => {
    const before = (await crm(db.url, ['export', 'products'])).stdout;
    const update = file('prices.csv', ['sku,price_usd,Price (JPY),price_eur', 'gizmo,14,2000,', 'WIDGET-01,1350 USD,,'].join('\n'));
    const r = await crm(db.url, ['import', 'products', update, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res).toMatchObject({ created: 0, updated: 2, rejected: 0 });
    const after = (await crm(db.url, ['export', 'products'])).stdout;
    // The empty price_eur cell leaves the EUR price (--empty keep); no name column is needed to update.
    expect(after).toContain('GIZMO,Gizmo,,,12.35 EUR; 2000 JPY; 14.00 USD,7%,24,true');
    expect(after).toContain('WIDGET-01,Widget Pro,"Big, shiny",piece,1250.00 EUR; 400.125 KWD; 1350.00 USD,19%,24,true');
    const wrong = await crm(db.url, ['import', 'products', file('wrong.csv', 'sku,price_usd\nGIZMO,5 EUR'), '--dry-run']);
    expect(wrong.stderr).toContain('price_usd "5 EUR": is in EUR, but the column holds USD prices');
    const undo = await crm(db.url, ['import', 'undo', String(res.runId), '--yes']);
    expect(undo.code, undo.stderr).toBe(0);
    expect((await crm(db.url, ['export', 'products'])).stdout).toBe(before);
  });

  it('export → import into an empty database → export gives the same bytes; importing it again changes nothing', async () => {
    const exported = (await crm(db.url, ['export', 'products'])).stdout;
    const copy = await freshDatabase(engine, 'importproductscopy');
    try {
      expect((await crm(copy.url, ['db', 'migrate'])).code).toBe(0);
      const f = file('export.csv', exported.trimEnd());
      expect((await crm(copy.url, ['import', 'products', f])).code).toBe(0);
      expect((await crm(copy.url, ['export', 'products'])).stdout).toBe(exported);
      const again = JSON.parse((await crm(copy.url, ['import', 'products', f, '--json'])).stdout);
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    } finally {
      copy.cleanup();
    }
  });

  it('an import that created products is undone whole', async () => {
    const r = JSON.parse((await crm(db.url, ['import', 'products', file('new.csv', 'sku,name,prices\nNEW-1,New one,9 EUR\nNEW-2,New two,'), '--json'])).stdout);
    expect(r.created).toBe(2);
    expect((await crm(db.url, ['product', 'show', 'NEW-1', '--json'])).code).toBe(0);
    expect((await crm(db.url, ['import', 'undo', String(r.runId), '--yes'])).code).toBe(0);
    expect((await crm(db.url, ['product', 'show', 'NEW-1'])).code).not.toBe(0);
    expect((await crm(db.url, ['product', 'list', '--all', '--json'])).stdout).not.toContain('NEW-');
    // A product edited since the import is not undone over the edit.
    const later = JSON.parse((await crm(db.url, ['import', 'products', file('later.csv', 'sku,name\nNEW-3,Third'), '--json'])).stdout);
    expect((await crm(db.url, ['product', 'edit', 'NEW-3', '--unit', 'box'])).code).toBe(0);
    const refused = await crm(db.url, ['import', 'undo', String(later.runId), '--yes']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/changed since the import \(products #\d+\)/);
    db.cleanup();
  });
});
