/**
 * Purchase history and the cross-sell filter (#19 item 6) on SQLite and PostgreSQL: `company show`
 * and `contact show` list the orders (cancelled ones left out), the products bought and a total per
 * currency; `bought:SKU` / `not-bought:SKU` select companies and contacts in list, export and
 * segments; an unknown SKU is a usage error naming it. Every step must print the same on both.
 */
import { describe, expect, it } from 'vitest';
import { crmAsync, crmOn, ENGINES, mapLimit, freshDatabase, type CrmResult } from '../helpers/engines.js';

const SCRIPT: string[][] = [
  ['company', 'add', 'Acme GmbH'],
  ['company', 'add', 'Beta AG'],
  ['company', 'add', 'Gamma Ltd'],
  ['company', 'add', 'Delta Inc'],
  ['contact', 'add', 'Sara Rahimi', '--email', 'sara@acme.example', '--company', 'Acme GmbH'],
  ['contact', 'add', 'Omid Karimi', '--email', 'omid@acme.example', '--company', 'Acme GmbH'],
  ['contact', 'add', 'Bea Berg', '--email', 'bea@beta.example', '--company', 'Beta AG'],
  ['product', 'add', 'LJ-4', '--name', 'LaserJet 4', '--price', '400 EUR', '--price', '450 USD', '--warranty', '24'],
  ['product', 'add', 'TONER-9', '--name', 'Toner cartridge', '--price', '30 EUR'],
  // Acme buys twice (EUR and USD), Sara is the contact of the first; Beta buys the printer only.
  ['deal', 'add', 'Acme printers', '--company', 'Acme GmbH', '--contact', 'sara@acme.example', '--amount', '1 EUR'],
  ['deal', 'line', 'add', '1', 'LJ-4', '--qty', '2'],
  ['deal', 'line', 'add', '1', 'TONER-9', '--qty', '5'],
  ['deal', 'win', '1'],
  ['deal', 'add', 'Acme US office', '--company', 'Acme GmbH', '--amount', '1 USD'],
  ['deal', 'line', 'add', '2', 'LJ-4', '--qty', '1'],
  ['deal', 'win', '2'],
  ['deal', 'add', 'Beta printer', '--company', 'Beta AG', '--contact', 'bea@beta.example', '--amount', '1 EUR'],
  ['deal', 'line', 'add', '3', 'LJ-4', '--qty', '1'],
  ['deal', 'win', '3'],
  // Gamma's order is cancelled: no purchase.
  ['deal', 'add', 'Gamma toner', '--company', 'Gamma Ltd', '--amount', '1 EUR'],
  ['deal', 'line', 'add', '4', 'TONER-9', '--qty', '10'],
  ['deal', 'win', '4'],
  ['order', 'cancel', 'SO-2026-0004'],
  ['company', 'show', 'Acme GmbH', '--json'],
  ['company', 'show', 'Acme GmbH'],
  ['company', 'show', 'Gamma Ltd', '--json'],
  ['contact', 'show', 'sara@acme.example', '--json'],
  ['contact', 'show', 'omid@acme.example', '--json'],
  ['company', 'list', 'bought:LJ-4', 'not-bought:TONER-9', '--json'],
  ['company', 'list', 'bought:lj-4', '--json'],
  ['company', 'list', 'bought:TONER-9', '--json'],
  ['company', 'list', 'not-bought:LJ-4,TONER-9', '--json'],
  ['company', 'list', 'not:bought:LJ-4', '--json'],
  ['contact', 'list', 'bought:TONER-9', '--json'],
  ['contact', 'list', 'bought:LJ-4', 'not-bought:TONER-9', '--json'],
  ['contact', 'list', 'company.bought:TONER-9', '--json'],
  ['company', 'list', 'bought:NOPE-1'],
  ['contact', 'list', 'not-bought:LJ-4,NOPE-2'],
  ['company', 'list', 'bought:>LJ-4'],
  ['segment', 'add', 'printer-no-toner', '--for', 'company', 'bought:LJ-4 not-bought:TONER-9'],
  ['company', 'list', 'segment:printer-no-toner', '--json'],
  ['export', 'companies', 'bought:LJ-4', 'not-bought:TONER-9', '--json'],
  // Installed products: LJ-4 has 24 months of warranty from fulfilment (else the order date).
  ['order', 'fulfil', 'SO-2026-0001', '--date', '2026-11-30'],
  ['company', 'show', 'Acme GmbH', '--json', '--timeline-limit', '0'],
  ['company', 'show', 'Acme GmbH', '--timeline-limit', '0'],
  ['help', 'filters'],
];

/** Steps run on another day than the default (the warranty's clock). */
const LATER: Record<string, string> = { 'company show Acme GmbH --json --timeline-limit 0': '2028-11-25T10:00:00Z', 'company show Acme GmbH --timeline-limit 0': '2028-11-25T10:00:00Z' };

const at = (args: string) => SCRIPT.findIndex((a) => a.join(' ') === args);

describe('purchase history and bought:/not-bought: give identical results on SQLite and PostgreSQL', () => {
  const results = new Map<string, CrmResult[]>();

  it.concurrent.each(ENGINES)('the script runs on %s', async (engine) => {
    const db = await freshDatabase(engine, 'purchases');
    try {
      expect(crmOn(db.url, ['db', 'migrate']).code).toBe(0);
      expect(crmOn(db.url, ['user', 'list']).code).toBe(0);
      results.set(engine, await mapLimit(SCRIPT, (args) => crmAsync(db.url, args, { CRM_NOW: LATER[args.join(' ')] ?? '2026-11-20T10:00:00Z' }), 1));
    } finally {
      db.cleanup();
    }
    const steps = results.get(engine)!;
    for (const r of steps) expect(r.stderr).not.toMatch(/internal error|does not run on PostgreSQL|at .*\.(c?js|ts):\d+/);
    const failing = SCRIPT.flatMap((args, i) => (steps[i]!.code === 0 ? [] : [`${args.slice(0, 3).join(' ')}: ${steps[i]!.code}`]));
    expect(failing).toEqual(['company list bought:NOPE-1: 2', 'contact list not-bought:LJ-4,NOPE-2: 2', 'company list bought:>LJ-4: 2']);
  }, 240_000);

  it('every step printed the same on both (exit code, stdout, stderr)', () => {
    const [sqlite, postgres] = [results.get('sqlite')!, results.get('postgres')!];
    for (let i = 0; i < SCRIPT.length; i++) {
      const step = `crm ${SCRIPT[i]!.join(' ')}`;
      expect({ step, ...postgres[i]! }).toEqual({ step, ...sqlite[i]! });
    }
  });

  it('show pages list orders, products and per-currency totals; the filters pick the right buyers', () => {
    const out = results.get('postgres')!;
    const json = (args: string) => JSON.parse(out[at(args)]!.stdout);
    const names = (args: string) => json(args).map((r: { name: string }) => r.name).sort();
    // Acme: SO-1 = 2 × 400 + 5 × 30 = 950 EUR; SO-2 = 450 USD.
    expect(json('company show Acme GmbH --json').purchases).toEqual({
      orders: [
        { number: 'SO-2026-0002', orderedOn: '2026-11-20', fulfilledOn: null, status: 'open', total: { amount: '450.00', currency: 'USD' } },
        { number: 'SO-2026-0001', orderedOn: '2026-11-20', fulfilledOn: null, status: 'open', total: { amount: '950.00', currency: 'EUR' } },
      ],
      products: [
        { sku: 'LJ-4', name: 'LaserJet 4', quantity: '3', orders: 2 },
        { sku: 'TONER-9', name: 'Toner cartridge', quantity: '5', orders: 1 },
      ],
      totals: [
        { amount: '950.00', currency: 'EUR' },
        { amount: '450.00', currency: 'USD' },
      ],
    });
    const text = out[at('company show Acme GmbH')]!.stdout;
    expect(text).toMatch(/SO-2026-0001/);
    expect(text).toMatch(/LaserJet 4/);
    expect(text).toMatch(/950\.00 EUR/);
    expect(text).toMatch(/450\.00 USD/);
    expect(json('company show Gamma Ltd --json').purchases).toEqual({ orders: [], products: [], totals: [] });
    // A contact's purchases are the orders of the deals (and quotes) it is the contact of.
    expect(json('contact show sara@acme.example --json').purchases).toMatchObject({ orders: [{ number: 'SO-2026-0001' }], totals: [{ amount: '950.00', currency: 'EUR' }] });
    expect(json('contact show omid@acme.example --json').purchases.orders).toEqual([]);
    expect(names('company list bought:LJ-4 not-bought:TONER-9 --json')).toEqual(['Beta AG']);
    expect(names('company list bought:lj-4 --json')).toEqual(['Acme GmbH', 'Beta AG']);
    expect(names('company list bought:TONER-9 --json')).toEqual(['Acme GmbH']);
    expect(names('company list not-bought:LJ-4,TONER-9 --json')).toEqual(['Delta Inc', 'Gamma Ltd']);
    expect(names('company list not:bought:LJ-4 --json')).toEqual(['Delta Inc', 'Gamma Ltd']);
    expect(names('contact list bought:TONER-9 --json')).toEqual(['Sara Rahimi']);
    expect(names('contact list bought:LJ-4 not-bought:TONER-9 --json')).toEqual(['Bea Berg']);
    expect(names('contact list company.bought:TONER-9 --json')).toEqual(['Omid Karimi', 'Sara Rahimi']);
    expect(out[at('company list bought:NOPE-1')]!.stderr).toMatch(/no product with SKU "NOPE-1"/);
    expect(out[at('contact list not-bought:LJ-4,NOPE-2')]!.stderr).toMatch(/no product with SKU "NOPE-2"/);
    expect(out[at('company list bought:>LJ-4')]!.stderr).toMatch(/bought takes product SKUs/);
    expect(names('company list segment:printer-no-toner --json')).toEqual(['Beta AG']);
    expect(names('export companies bought:LJ-4 not-bought:TONER-9 --json')).toEqual(['Beta AG']);
    // On 2028-11-25: SO-1's printers (fulfilled 2026-11-30) are covered until 2028-11-30; SO-2's
    // (unfulfilled, ordered 2026-11-20) ran out on 2028-11-20; toner has no warranty term.
    const later = json('company show Acme GmbH --json --timeline-limit 0');
    expect(later.installed).toEqual([
      { sku: 'LJ-4', name: 'LaserJet 4', quantity: '1', order: 'SO-2026-0002', since: '2026-11-20', warrantyUntil: '2028-11-20', warranty: 'expired' },
      { sku: 'LJ-4', name: 'LaserJet 4', quantity: '2', order: 'SO-2026-0001', since: '2026-11-30', warrantyUntil: '2028-11-30', warranty: 'active' },
      { sku: 'TONER-9', name: 'Toner cartridge', quantity: '5', order: 'SO-2026-0001', since: '2026-11-30', warrantyUntil: null, warranty: null },
    ]);
    expect(later.purchases.orders.map((o: { status: string }) => o.status)).toEqual(['open', 'fulfilled']);
    const page = out[at('company show Acme GmbH --timeline-limit 0')]!.stdout;
    expect(page).toMatch(/Installed products/);
    expect(page).toMatch(/2028-11-20\s+expired/);
    expect(page).toMatch(/2028-11-30\s+active/);
    expect(out[at('help filters')]!.stdout).toMatch(/bought:SKU .*\n.*not-bought:SKU/);
  });
});
