/**
 * `crm report sales` prints a quantity as exactly as the document lines hold it (up to three
 * decimals): 0.333 hours was "0.3" in the table and in --format csv, so a spreadsheet summing
 * the CSV lost a tenth of an hour per line. Both engines.
 */
import { describe, expect, it } from 'vitest';
import { crmSeries, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('%s: sales quantities', (engine) => {
  const db = useEngineDb(engine, 'salesqty');

  it('are printed to the thousandth in the table, CSV and JSON', async () => {
    const steps = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['product', 'add', 'H1', '--name', 'Hour', '--price', '100 EUR'],
      ['deal', 'add', 'Support', '--amount', '100 EUR'],
      ['quote', 'create', '--deal', '1'],
      ['quote', 'add-line', 'Q-2026-0001', 'H1', '--qty', '0.333'],
      ['quote', 'add-line', 'Q-2026-0001', 'H1', '--qty', '2.5', '--description', 'More hours'],
      ['quote', 'send', 'Q-2026-0001'],
      ['quote', 'accept', 'Q-2026-0001'],
      ['report', 'sales', '--period', '2026'],
      ['report', 'sales', '--period', '2026', '--format', 'csv'],
      ['report', 'sales', '--period', '2026', '--json'],
    ]);
    expect(steps.map((r) => r.code)).toEqual(steps.map(() => 0));
    const [table, csv, json] = steps.slice(-3);
    expect(table!.stdout).toMatch(/Quantity\s+2\.833\n/);
    expect(table!.stdout).toMatch(/│ H1 +│ Hour +│ +1 │ +0 │ +2\.833 │/);
    expect(csv!.stdout).toContain('H1,Hour,1,0,2.833,EUR,283.30');
    expect(JSON.parse(json!.stdout).total.quantity).toBe(2.833);
  }, 120_000);
});
