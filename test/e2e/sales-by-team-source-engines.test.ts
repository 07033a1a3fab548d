/**
 * crm report sales --by team|source, and won deals without an order (#19 item 8), on SQLite and
 * PostgreSQL. A mix made with bin/crm, worked out by hand:
 *
 *   deal  owner (team)    company  contact (source)  deal source  lines / amount   outcome
 *   1     rita (North)    Acme     sara (Web)        Referral     W1×2 = 200 EUR   won 03-10 → order SO-2026-0001
 *   2     sam (South)     Acme     sara (Web)        —            500 EUR          won 04-02, no lines → no order
 *   3     ned (no team)   Globex   —                 "web "       300 USD          won 05-05 → no order
 *   4     sam (South)     Globex   —                 Fair         W1×1 = 100 EUR   won 06-01 → order, cancelled 06-02
 *   5     rita (North)    Acme     —                 —            50 EUR           open
 *   6     rita (North)    Globex   —                 —            70 EUR           lost
 *
 * Sales = SO-0001 (an order) + deals 2 and 3 (won, no order); deal 1 counts through its order
 * only, deal 4's cancelled order cancels that sale. Rate: 1 EUR = 1.2 USD from 2026-01-01.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { ENGINES, freshDatabase, type EngineDb } from '../helpers/engines.js';
import { runCrm } from '../helpers/processes.js';

type Step = [now: string, args: string[]];
const J = '2026-01-05T09:00:00Z';
const SETUP: Step[] = [
  [J, ['db', 'migrate']],
  [J, ['user', 'add', 'rita', '--name', 'Rita', '--role', 'rep', '--team', 'North']],
  [J, ['user', 'add', 'sam', '--name', 'Sam', '--role', 'rep', '--team', 'South']],
  [J, ['user', 'add', 'ned', '--name', 'Ned', '--role', 'rep']],
  [J, ['company', 'add', 'Acme', '--source', 'Trade show']],
  [J, ['company', 'add', 'Globex']],
  [J, ['contact', 'add', 'Sara Rahimi', '--email', 'sara@acme.example', '--company', 'Acme', '--source', 'Web']],
  [J, ['product', 'add', 'W1', '--name', 'Widget', '--price', '100 EUR', '--price', '120 USD']],
  [J, ['fx', 'set', 'EUR', 'USD', '1.2', '--date', '2026-01-01']],
  [J, ['deal', 'add', 'D1', '--company', 'Acme', '--contact', 'sara@acme.example', '--owner', 'rita', '--source', 'Referral', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '1', 'W1', '--qty', '2']],
  ['2026-03-10T09:00:00Z', ['deal', 'win', '1']],
  [J, ['deal', 'add', 'D2', '--company', 'Acme', '--contact', 'sara@acme.example', '--owner', 'sam', '--amount', '500 EUR']],
  ['2026-04-02T09:00:00Z', ['deal', 'win', '2']],
  [J, ['deal', 'add', 'D3', '--company', 'Globex', '--owner', 'ned', '--source', 'web ', '--amount', '300 USD']],
  ['2026-05-05T09:00:00Z', ['deal', 'win', '3']],
  [J, ['deal', 'add', 'D4', '--company', 'Globex', '--owner', 'sam', '--source', 'Fair', '--amount', '1 EUR']],
  [J, ['deal', 'line', 'add', '4', 'W1', '--qty', '1']],
  ['2026-06-01T09:00:00Z', ['deal', 'win', '4']],
  ['2026-06-02T09:00:00Z', ['order', 'cancel', 'SO-2026-0002']],
  [J, ['deal', 'add', 'D5', '--company', 'Acme', '--owner', 'rita', '--amount', '50 EUR']],
  [J, ['deal', 'add', 'D6', '--company', 'Globex', '--owner', 'rita', '--amount', '70 EUR']],
  ['2026-06-03T09:00:00Z', ['deal', 'lose', '6', '--reason', 'price']],
];

const NOW = '2026-12-20T12:00:00Z';
const money = (...pairs: [string, string][]) => pairs.map(([amount, currency]) => ({ amount, currency }));
type Group = { group: string; orders: number; deals: number; quantity: number; amount: unknown };
const groups = (g: Group[]) => g.map(({ group, orders, deals, quantity, amount }) => ({ group, orders, deals, quantity, amount }));

describe.each(ENGINES)('report sales by team and source, won deals without an order, on %s', (engine) => {
  let db: EngineDb;
  const crm = async (args: string[], now = NOW) => {
    const r = await runCrm(args, { CRM_DB: db.url, HOME: tmpdir(), CRM_NOW: now, NO_COLOR: '1' }).done;
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  const json = async (args: string[], now = NOW) => {
    const r = await crm([...args, '--json'], now);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };
  beforeAll(async () => {
    db = await freshDatabase(engine, 'salesmix');
    for (const [now, args] of SETUP) {
      const r = await crm(args, now);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  }, 180_000);
  afterAll(() => db.cleanup());

  it('by team: the order of a North rep, the won deals without an order of South and of a rep without a team', async () => {
    const r = await json(['report', 'sales', '--period', '2026', '--by', 'team']);
    // One sale each: the group with an order first, then by name.
    expect(groups(r.rows)).toEqual([
      { group: 'North', orders: 1, deals: 0, quantity: 2, amount: money(['200.00', 'EUR']) },
      { group: '(none)', orders: 0, deals: 1, quantity: 0, amount: money(['300.00', 'USD']) },
      { group: 'South', orders: 0, deals: 1, quantity: 0, amount: money(['500.00', 'EUR']) },
    ]);
    expect(r.total).toMatchObject({ orders: 1, deals: 2, quantity: 2, amount: money(['700.00', 'EUR'], ['300.00', 'USD']) });
    // --team keeps the report to that team's owners.
    expect(groups((await json(['report', 'sales', '--period', '2026', '--by', 'team', '--team', 'South'])).rows).map((g) => g.group)).toEqual(['South']);
  });

  it('by source: the deal\'s source, else its contact\'s; "web " and "Web" are one source', async () => {
    const r = await json(['report', 'sales', '--period', '2026', '--by', 'source']);
    expect(groups(r.rows)).toEqual([
      { group: 'Web', orders: 0, deals: 2, quantity: 0, amount: money(['500.00', 'EUR'], ['300.00', 'USD']) },
      { group: 'Referral', orders: 1, deals: 0, quantity: 2, amount: money(['200.00', 'EUR']) },
    ]);
  });

  it('--in USD: one figure, each order at its order date and each won deal at the day it was won', async () => {
    const r = await json(['report', 'sales', '--period', '2026', '--by', 'team', '--in', 'USD']);
    expect(r.total.amount).toEqual(money(['1140.00', 'USD'])); // 200 × 1.2 + 500 × 1.2 + 300
    expect(groups(r.rows).map((g) => [g.group, g.amount])).toEqual([
      ['North', money(['240.00', 'USD'])],
      ['(none)', money(['300.00', 'USD'])],
      ['South', money(['600.00', 'USD'])],
    ]);
  });

  it('by product and by month: a won deal without lines is "(no SKU)", in the month it was won', async () => {
    const byProduct = await json(['report', 'sales', '--period', '2026']);
    expect(groups(byProduct.rows)).toEqual([
      { group: '(no SKU)', orders: 0, deals: 2, quantity: 0, amount: money(['500.00', 'EUR'], ['300.00', 'USD']) },
      { group: 'W1', orders: 1, deals: 0, quantity: 2, amount: money(['200.00', 'EUR']) },
    ]);
    const months = (await json(['report', 'sales', '--period', '2026', '--by', 'month'])).rows as Group[];
    expect(groups(months.filter((m) => m.orders + m.deals > 0)).map((m) => [m.group, m.orders, m.deals])).toEqual([
      ['2026-03', 1, 0],
      ['2026-04', 0, 1],
      ['2026-05', 0, 1],
    ]);
  });

  it('--as-of before a win leaves that deal out; --explain states the rule', async () => {
    const early = await json(['report', 'sales', '--period', '2026', '--by', 'team', '--as-of', '2026-04-30']);
    expect(early.total).toMatchObject({ orders: 1, deals: 1 });
    const explain = await crm(['report', 'sales', '--period', '2026', '--by', 'source', '--explain']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('Sales = orders and won deals');
    expect(explain.stdout).toContain('a deal that produced an order (even one cancelled since) counts through its order only, never twice');
    expect(explain.stdout).toContain("the deal's source, else its contact's, else its company's");
    const table = await crm(['report', 'sales', '--period', '2026', '--by', 'team']);
    expect(table.stdout).toMatch(/Won deals/);
  });
});
