/**
 * crm report invoices (ageing) and crm report sales on SQLite and PostgreSQL (#19 item 8): one
 * set of orders and invoices made with bin/crm at fixed clocks, then the reports, whose numbers
 * are worked out by hand below and must be the same on both engines.
 *
 *   order          date        company owner currency lines (net)               invoice (total, due)       paid
 *   SO-2026-0001   2026-08-01  Globex  rita  EUR      S1×2 = 20 (+10% tax)       INV-0001 22.00, 08-31      —
 *   SO-2026-0002   2026-10-05  Acme    rita  EUR      W1×3 = 300, S1×5 = 50     INV-0002 355.00, 11-04     100 on 11-10
 *   SO-2026-0003   2026-11-12  Globex  sam   USD      W1×2 = 240                 INV-0003 240.00, 12-12     —
 *   SO-2026-0004   2026-11-15  Acme    sam   EUR      W1×1 = 100  (cancelled 11-16)
 *   SO-2026-0005   2026-12-01  Acme    rita  USD      W1×1 = 120                 INV-0004 120.00, 12-31     all on 12-05
 * Rates: 1 EUR = 1.2 USD from 2026-11-01, 1.25 USD from 2026-12-01 (so 240 USD on 11-12 = 200 EUR,
 * 120 USD on 12-01 = 96 EUR).
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

type Step = [now: string, args: string[]];
const J = '2026-07-01T09:00:00Z';
const SETUP: Step[] = [
  [J, ['db', 'migrate']],
  [J, ['user', 'add', 'rita', '--name', 'Rita', '--role', 'rep']],
  [J, ['user', 'add', 'sam', '--name', 'Sam', '--role', 'rep']],
  [J, ['company', 'add', 'Acme']],
  [J, ['company', 'add', 'Globex']],
  [J, ['product', 'add', 'W1', '--name', 'Widget', '--price', '100 EUR', '--price', '120 USD']],
  [J, ['product', 'add', 'S1', '--name', 'Service', '--price', '10 EUR', '--price', '11 USD', '--tax', '10%']],
  [J, ['fx', 'set', 'EUR', 'USD', '1.2', '--date', '2026-11-01']],
  [J, ['fx', 'set', 'EUR', 'USD', '1.25', '--date', '2026-12-01']],
  [J, ['deal', 'add', 'D4', '--company', 'Globex', '--owner', 'rita', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '1', 'S1', '--qty', '2']],
  ['2026-08-01T09:00:00Z', ['deal', 'win', '1']],
  ['2026-08-01T09:00:00Z', ['invoice', 'create', '--order', 'SO-2026-0001']],
  [J, ['deal', 'add', 'D1', '--company', 'Acme', '--owner', 'rita', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '2', 'W1', '--qty', '3']],
  [J, ['deal', 'line', 'add', '2', 'S1', '--qty', '5']],
  ['2026-10-05T09:00:00Z', ['deal', 'win', '2']],
  ['2026-10-05T09:00:00Z', ['invoice', 'create', '--order', 'SO-2026-0002']],
  ['2026-11-10T09:00:00Z', ['invoice', 'pay', 'INV-2026-0002', '--amount', '100 EUR', '--date', '2026-11-10']],
  [J, ['deal', 'add', 'D2', '--company', 'Globex', '--owner', 'sam', '--amount', '1 USD']],
  [J, ['deal', 'line', 'add', '3', 'W1', '--qty', '2']],
  ['2026-11-12T09:00:00Z', ['deal', 'win', '3']],
  ['2026-11-12T09:00:00Z', ['invoice', 'create', '--order', 'SO-2026-0003']],
  [J, ['deal', 'add', 'D3', '--company', 'Acme', '--owner', 'sam', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '4', 'W1', '--qty', '1']],
  ['2026-11-15T09:00:00Z', ['deal', 'win', '4']],
  ['2026-11-16T09:00:00Z', ['order', 'cancel', 'SO-2026-0004']],
  [J, ['deal', 'add', 'D5', '--company', 'Acme', '--owner', 'rita', '--amount', '1 USD']],
  [J, ['deal', 'line', 'add', '5', 'W1', '--qty', '1']],
  ['2026-12-01T09:00:00Z', ['deal', 'win', '5']],
  ['2026-12-01T09:00:00Z', ['invoice', 'create', '--order', 'SO-2026-0005']],
  ['2026-12-05T09:00:00Z', ['invoice', 'pay', 'INV-2026-0004', '--date', '2026-12-05']],
];

const NOW = '2026-12-20T12:00:00Z';
const money = (...pairs: [string, string][]) => pairs.map(([amount, currency]) => ({ amount, currency }));
type Bucket = { bucket: string; invoices: number; outstanding: unknown };
const buckets = (b: Bucket[]) => b.map(({ bucket, invoices, outstanding }) => ({ bucket, invoices, outstanding }));
type Group = { group: string; orders: number; quantity: number; amount: unknown };
const groups = (g: Group[]) => g.map(({ group, orders, quantity, amount }) => ({ group, orders, quantity, amount }));

describe.each(ENGINES)('report invoices and report sales on %s', (engine) => {
  const db = useEngineDb(engine, 'salesreports');
  const crm = (args: string[], now = NOW) => crmOn(db.url, args, { CRM_NOW: now });
  const json = (args: string[], now = NOW) => {
    const r = crm([...args, '--json'], now);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('the orders and invoices are made', () => {
    const failed = SETUP.flatMap(([now, args]) => {
      const r = crm(args, now);
      return r.code === 0 ? [] : [`${args.join(' ')}: ${r.stderr}`];
    });
    expect(failed).toEqual([]);
  }, 120_000);

  it('ages open invoices as of today: overdue days put each in its bucket, payments reduce it, paid ones are out', () => {
    const r = json(['report', 'invoices']);
    expect(r.report).toBe('invoices');
    expect(r.period).toBeNull();
    expect(r.asOfDay).toBe('2026-12-20');
    expect(buckets(r.buckets)).toEqual([
      { bucket: 'current', invoices: 0, outstanding: [] },
      { bucket: 'd1_30', invoices: 1, outstanding: money(['240.00', 'USD']) }, // INV-0003, 8 days
      { bucket: 'd31_60', invoices: 1, outstanding: money(['255.00', 'EUR']) }, // INV-0002, 46 days, 355 − 100
      { bucket: 'd61_90', invoices: 0, outstanding: [] },
      { bucket: 'd90plus', invoices: 1, outstanding: money(['22.00', 'EUR']) }, // INV-0001, 111 days
    ]);
    expect(r.total).toMatchObject({ invoices: 3, outstanding: money(['277.00', 'EUR'], ['240.00', 'USD']) });
  });

  it('--as-of an earlier day: later invoices and payments do not count, the buckets move', () => {
    const r = json(['report', 'invoices', '--as-of', '2026-11-30']);
    expect(r.asOfDay).toBe('2026-11-30');
    expect(buckets(r.buckets)).toEqual([
      { bucket: 'current', invoices: 1, outstanding: money(['240.00', 'USD']) }, // due 12-12
      { bucket: 'd1_30', invoices: 1, outstanding: money(['255.00', 'EUR']) }, // 26 days
      { bucket: 'd31_60', invoices: 0, outstanding: [] },
      { bucket: 'd61_90', invoices: 0, outstanding: [] },
      { bucket: 'd90plus', invoices: 1, outstanding: money(['22.00', 'EUR']) }, // 91 days
    ]);
    // Before the payment of 11-10 the whole 355.00 was open.
    const before = json(['report', 'invoices', '--as-of', '2026-11-09']);
    expect(buckets(before.buckets)[1]).toEqual({ bucket: 'd1_30', invoices: 1, outstanding: money(['355.00', 'EUR']) });
  });

  it('--by company and --in EUR (each invoice at its issue date)', () => {
    const r = json(['report', 'invoices', '--by', 'company']);
    expect(r.companies.map((c: Record<string, unknown>) => [c.company, c.invoices, c.d1_30, c.d31_60, c.d90plus, c.outstanding])).toEqual([
      ['Acme', 1, [], money(['255.00', 'EUR']), [], money(['255.00', 'EUR'])],
      ['Globex', 2, money(['240.00', 'USD']), [], money(['22.00', 'EUR']), money(['22.00', 'EUR'], ['240.00', 'USD'])],
    ]);
    const eur = json(['report', 'invoices', '--in', 'EUR']);
    expect(buckets(eur.buckets)[1]).toEqual({ bucket: 'd1_30', invoices: 1, outstanding: money(['200.00', 'EUR']) });
    expect(eur.total.outstanding).toEqual(money(['477.00', 'EUR']));
    expect(eur.fx.rates).toEqual([{ from: 'USD', to: 'EUR', rateDate: '2026-11-01', rate: '1.2', inverse: true, amounts: 1 }]);
  });

  it('--explain states the bucket definitions with their days', () => {
    const r = crm(['report', 'invoices', '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('current = due on or after 2026-12-20');
    expect(r.stdout).toContain('1–30 = due 2026-11-20 … the day before 2026-12-20');
    expect(r.stdout).toContain('90+ = due before 2026-09-21');
    expect(crm(['report', 'invoices', '--period', '2026']).code).toBe(2);
  });

  it('sales by product: line quantities and nets per currency; the cancelled order is left out', () => {
    const r = json(['report', 'sales', '--period', '2026']);
    expect(groups(r.rows)).toEqual([
      { group: 'W1', orders: 3, quantity: 6, amount: money(['300.00', 'EUR'], ['360.00', 'USD']) },
      { group: 'S1', orders: 2, quantity: 7, amount: money(['70.00', 'EUR']) },
    ]);
    expect(r.rows[0].name).toBe('Widget');
    expect(r.total).toMatchObject({ quantity: 13, amount: money(['370.00', 'EUR'], ['360.00', 'USD']) });
  });

  it('sales by owner, company and month; the default period is this month', () => {
    expect(groups(json(['report', 'sales', '--period', '2026', '--by', 'owner']).rows)).toEqual([
      { group: 'rita', orders: 3, quantity: 11, amount: money(['370.00', 'EUR'], ['120.00', 'USD']) },
      { group: 'sam', orders: 1, quantity: 2, amount: money(['240.00', 'USD']) },
    ]);
    expect(groups(json(['report', 'sales', '--period', '2026', '--by', 'company']).rows)).toEqual([
      { group: 'Acme', orders: 2, quantity: 9, amount: money(['350.00', 'EUR'], ['120.00', 'USD']) },
      { group: 'Globex', orders: 2, quantity: 4, amount: money(['20.00', 'EUR'], ['240.00', 'USD']) },
    ]);
    const months = json(['report', 'sales', '--period', '2026', '--by', 'month']).rows as Group[];
    expect(months).toHaveLength(12);
    expect(groups(months.filter((m) => m.orders > 0))).toEqual([
      { group: '2026-08', orders: 1, quantity: 2, amount: money(['20.00', 'EUR']) },
      { group: '2026-10', orders: 1, quantity: 8, amount: money(['350.00', 'EUR']) },
      { group: '2026-12', orders: 1, quantity: 1, amount: money(['120.00', 'USD']) },
      { group: '2026-11', orders: 1, quantity: 2, amount: money(['240.00', 'USD']) },
    ].sort((a, b) => a.group.localeCompare(b.group)));
    expect(groups(json(['report', 'sales', '--by', 'owner'], '2026-11-20T12:00:00Z').rows)).toEqual([{ group: 'sam', orders: 1, quantity: 2, amount: money(['240.00', 'USD']) }]);
    expect(groups(json(['report', 'sales', '--period', '2026', '--owner', 'rita', '--by', 'company']).rows).map((g) => [g.group, g.orders])).toEqual([['Acme', 2], ['Globex', 1]]);
  });

  it('sales --in EUR: one figure, the sum of each order converted at its order date', () => {
    const r = json(['report', 'sales', '--period', '2026', '--by', 'owner', '--in', 'EUR']);
    expect(groups(r.rows)).toEqual([
      { group: 'rita', orders: 3, quantity: 11, amount: money(['466.00', 'EUR']) }, // 370 + 120 / 1.25
      { group: 'sam', orders: 1, quantity: 2, amount: money(['200.00', 'EUR']) }, // 240 / 1.2
    ]);
    expect(r.total).toMatchObject({ orders: 4, amount: money(['666.00', 'EUR']) });
    const missing = crm(['report', 'sales', '--period', '2026', '--in', 'JPY']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No exchange rate from EUR to JPY on or before 2026-08-01/);
  });

  it('customers: lifetime value, first and last purchase, purchases; retention and churn vs the previous period', () => {
    const q4 = json(['report', 'customers', '--period', '2026-Q4']);
    expect(q4.previousPeriod.label).toBe('2026-Q3');
    const pick = (rows: Record<string, unknown>[]) => rows.map((r) => [r.company, r.purchases, r.lifetimeValue, r.firstPurchase, r.lastPurchase, r.purchasesInPeriod, r.status]);
    // Acme: SO-0002 and SO-0005 (SO-0004 cancelled), first ever in Q4: new. Globex: Q3 (SO-0001) and Q4 (SO-0003): retained.
    expect(pick(q4.rows)).toEqual([
      ['Acme', 2, money(['350.00', 'EUR'], ['120.00', 'USD']), '2026-10-05', '2026-12-01', 2, 'new'],
      ['Globex', 2, money(['20.00', 'EUR'], ['240.00', 'USD']), '2026-08-01', '2026-11-12', 1, 'retained'],
    ]);
    expect(q4.totals).toMatchObject({ customers: 2, active: 2, new: 1, previousActive: 1, retained: 1, churned: 0, retention: 1, churn: 0 });
    // November vs October: Acme bought in October only (its November order was cancelled): churned;
    // Globex bought in November, not October, but in August: returning.
    const nov = json(['report', 'customers', '--period', '2026-11']);
    expect(nov.rows.map((r: Record<string, unknown>) => [r.company, r.purchasesInPeriod, r.status])).toEqual([
      ['Acme', 0, 'churned'],
      ['Globex', 1, 'returning'],
    ]);
    expect(nov.totals).toMatchObject({ previousActive: 1, retained: 0, churned: 1, retention: 0, churn: 1, returning: 1 });
    // --in EUR: lifetime value = each order at its order date (Acme 350 + 120 / 1.25; Globex 20 + 240 / 1.2).
    const eur = json(['report', 'customers', '--period', '2026-Q4', '--in', 'EUR']);
    expect(eur.rows.map((r: Record<string, unknown>) => r.lifetimeValue)).toEqual([money(['446.00', 'EUR']), money(['220.00', 'EUR'])]);
    expect(eur.totals.lifetimeValue).toEqual(money(['666.00', 'EUR']));
    // As of 2026-10-31 Q3 → Q4 so far: Acme new (October), Globex bought in Q3 only: churned.
    const early = json(['report', 'customers', '--as-of', '2026-10-31']);
    expect(early.period.label).toBe('2026');
    const oct = json(['report', 'customers', '--period', '2026-Q4', '--as-of', '2026-10-31']);
    expect(oct.rows.map((r: Record<string, unknown>) => [r.company, r.purchases, r.status])).toEqual([
      ['Acme', 1, 'new'],
      ['Globex', 1, 'churned'],
    ]);
    const explain = crm(['report', 'customers', '--period', '2026-Q4', '--explain']).stdout;
    expect(explain).toContain('retained = bought in the previous period and again in this one');
    expect(explain).toContain('Retention = retained ÷ customers who bought in the previous period');
  });
});
