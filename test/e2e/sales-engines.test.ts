/**
 * Products, deal lines, quotes, orders and invoices on SQLite and PostgreSQL (#19): the README's
 * flow (deal → quote → render → accept → order → invoice → paid, each with --json) plus revisions,
 * expiry by the clock, a KWD deal won without a quote, overdue invoices and the ERP export — one
 * script of bin/crm command lines against a fresh database of each engine; every step's exit
 * code, stdout and stderr must be identical, and the numbers are the ones worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { crmAsync, crmOn, ENGINES, mapLimit, freshDatabase, querySql, type CrmResult } from '../helpers/engines.js';

type Step = [now: string, args: string[], as?: string];

const D = '2026-11-20T10:00:00Z';
const SCRIPT: Step[] = [
  [D, ['user', 'add', 'rita', '--name', 'Rita Rep', '--role', 'rep']],
  [D, ['user', 'add', 'fin', '--name', 'Finn Ance', '--role', 'finance']],
  [D, ['company', 'add', 'Acme GmbH', '--json']],
  [D, ['contact', 'add', 'Sara Rahimi', '--email', 'sara@acme.example', '--company', 'Acme GmbH']],
  [D, ['product', 'add', 'WIDGET-01', '--name', 'Widget <Pro>', '--unit', 'piece', '--price', '1200 EUR', '--price', '1300 USD', '--price', '400 KWD', '--tax', '19%', '--warranty', '24', '--json']],
  [D, ['product', 'add', 'SUPPORT-H', '--name', 'Support hour', '--unit', 'hour', '--price', '95 EUR', '--price', '30.125 KWD', '--tax', '19%']],
  [D, ['product', 'add', 'widget-01', '--name', 'Duplicate']],
  [D, ['product', 'add', 'GIZMO', '--name', 'Gizmo', '--price', '12.3456 EUR']],
  [D, ['product', 'add', 'GIZMO', '--name', 'Gizmo', '--price', '12.35 EUR', '--tax', '19%']],
  [D, ['product', 'edit', 'SUPPORT-H', '--price', '99 EUR', '--json']],
  [D, ['product', 'list', '--json']],
  [D, ['product', 'show', 'WIDGET-01']],
  [D, ['deal', 'add', 'Acme rollout', '--company', 'Acme GmbH', '--contact', 'sara@acme.example', '--amount', '100 EUR', '--owner', 'rita']],
  // The README flow: rita the rep (deal → quote → render → accept), then finance (acting for them: --as carries the admin's role).
  [D, ['deal', 'line', 'add', '1', 'WIDGET-01', '--qty', '3', '--json'], 'rita'],
  [D, ['deal', 'line', 'add', '1', 'SUPPORT-H', '--qty', '10', '--discount', '10%', '--json'], 'rita'],
  [D, ['deal', 'line', 'add', '1', 'GIZMO', '--qty', '1'], 'rita'],
  [D, ['deal', 'line', 'add', '1', 'SUPPORT-H', '--qty', '2.5', '--price', '80 USD'], 'rita'],
  [D, ['deal', 'edit', '1', '--amount', '5 EUR'], 'rita'],
  [D, ['deal', 'show', '1', '--json']],
  [D, ['quote', 'create', '--deal', '1', '--valid-until', '2026-12-15', '--json'], 'rita'],
  [D, ['quote', 'add-line', 'Q-2026-0001', 'WIDGET-01', '--qty', '1', '--discount', '100 EUR', '--json'], 'rita'],
  [D, ['quote', 'remove-line', 'Q-2026-0001', '3', '--json'], 'rita'],
  [D, ['quote', 'accept', 'Q-2026-0001'], 'rita'],
  [D, ['quote', 'send', 'Q-2026-0001', '--json'], 'rita'],
  [D, ['quote', 'render', 'Q-2026-0001', '--format', 'html']],
  [D, ['quote', 'render', 'Q-2026-0001', '--format', 'md']],
  [D, ['quote', 'render', 'Q-2026-0001', '--format', 'txt', '--json']],
  [D, ['quote', 'revise', 'Q-2026-0001', '--valid-until', '2026-12-20', '--json'], 'rita'],
  [D, ['quote', 'send', 'Q-2026-0001'], 'rita'],
  [D, ['quote', 'list', '--all-revisions', '--json']],
  [D, ['quote', 'accept', 'Q-2026-0001', '--json'], 'rita'],
  [D, ['quote', 'show', 'Q-2026-0001', '--revision', '1', '--json']],
  [D, ['order', 'show', 'SO-2026-0001', '--json']],
  [D, ['order', 'edit', 'SO-2026-0001', '--customer-reference', 'PO-7781', '--json'], 'fin'],
  [D, ['invoice', 'create', '--order', 'SO-2026-0001', '--json'], 'fin'],
  [D, ['invoice', 'create', '--order', 'SO-2026-0001'], 'fin'],
  [D, ['invoice', 'pay', 'INV-2026-0001', '--amount', '1000 EUR', '--date', '2026-11-25', '--json'], 'fin'],
  [D, ['invoice', 'pay', 'INV-2026-0001', '--amount', '99999 EUR'], 'fin'],
  ['2027-01-05T09:00:00Z', ['invoice', 'list', '--overdue', '--json']],
  ['2027-01-05T09:00:00Z', ['invoice', 'pay', 'INV-2026-0001', '--date', '2027-01-05', '--json'], 'fin'],
  ['2027-01-05T09:00:00Z', ['invoice', 'list', '--overdue', '--json']],
  ['2027-01-05T09:00:00Z', ['order', 'fulfil', 'SO-2026-0001', '--date', '2026-12-01', '--json'], 'fin'],
  ['2027-01-05T09:00:00Z', ['contract', 'add', 'Maintenance 2027', '--company', 'Acme GmbH', '--start', '2027-01-01', '--end', '2027-12-31', '--renewal', '2027-10-01', '--value', '12000 EUR', '--order', 'SO-2026-0001', '--json'], 'fin'],
  ['2027-08-15T09:00:00Z', ['contract', 'list', '--renewing-within', '60d', '--json']],
  ['2027-01-05T09:00:00Z', ['contract', 'list', '--renewing-within', '60d', '--json']],
  ['2027-01-05T09:00:00Z', ['contract', 'show', '1']],
  // A KWD deal (three decimals) won with lines and no quote: the win makes the order.
  [D, ['deal', 'add', 'Gulf deal', '--company', 'Acme GmbH', '--amount', '1 KWD']],
  [D, ['deal', 'line', 'add', '2', 'SUPPORT-H', '--qty', '3', '--discount', '7.5%']],
  [D, ['deal', 'line', 'add', '2', 'WIDGET-01', '--qty', '0.333']],
  [D, ['deal', 'win', '2']],
  [D, ['order', 'list', '--json']],
  // A quote left unanswered expires by the clock.
  [D, ['deal', 'add', 'Quiet deal', '--amount', '500 EUR']],
  [D, ['quote', 'create', '--deal', '3', '--valid-until', '2026-11-30']],
  [D, ['quote', 'add-line', 'Q-2026-0002', 'GIZMO', '--qty', '4']],
  [D, ['quote', 'send', 'Q-2026-0002']],
  ['2026-12-01T09:00:00Z', ['quote', 'list', '--status', 'expired', '--json']],
  ['2026-12-01T09:00:00Z', ['quote', 'accept', 'Q-2026-0002']],
  ['2026-12-01T09:00:00Z', ['deal', 'show', '3', '--json']],
  [D, ['export', 'orders']],
  [D, ['export', 'orders', '--json']],
  [D, ['export', 'products']],
  [D, ['history', 'quote', '1', '--json']],
];

const at = (args: string) => SCRIPT.findIndex(([, a]) => a.join(' ') === args);

describe('products, quotes, orders and invoices give identical results on SQLite and PostgreSQL', () => {
  const results = new Map<string, CrmResult[]>();
  const stored = new Map<string, string[][]>();

  it.concurrent.each(ENGINES)('the script runs on %s', async (engine) => {
    const db = await freshDatabase(engine, 'sales');
    try {
      expect(crmOn(db.url, ['db', 'migrate']).code).toBe(0);
      expect(crmOn(db.url, ['user', 'list']).code).toBe(0);
      results.set(engine, await mapLimit(SCRIPT, ([now, args, as]) => crmAsync(db.url, args, { CRM_NOW: now, ...(as ? { CRM_USER: as } : {}) }), 1));
      stored.set(engine, (await querySql(db.url, 'SELECT number, subtotal_minor, tax_minor, total_minor FROM orders ORDER BY number')).map((r) => Object.values(r).map(String)));
    } finally {
      db.cleanup();
    }
    const steps = results.get(engine)!;
    for (const r of steps) expect(r.stderr).not.toMatch(/internal error|does not run on PostgreSQL|at .*\.(c?js|ts):\d+/);
    const failing = SCRIPT.flatMap(([, args], i) => (steps[i]!.code === 0 ? [] : [`${args.slice(0, 3).join(' ')}: ${steps[i]!.code}`]));
    expect(failing).toEqual([
      'product add widget-01: 1',
      'product add GIZMO: 1',
      'deal line add: 1',
      'deal edit 1: 1',
      'quote accept Q-2026-0001: 1',
      'invoice create --order: 1',
      'invoice pay INV-2026-0001: 1',
      'quote accept Q-2026-0002: 1',
    ]);
  }, 240_000);

  it('every step printed the same on both (exit code, stdout, stderr)', () => {
    const [sqlite, postgres] = [results.get('sqlite')!, results.get('postgres')!];
    for (let i = 0; i < SCRIPT.length; i++) {
      const step = `${SCRIPT[i]![0]} crm ${SCRIPT[i]![1].join(' ')}`;
      expect({ step, ...postgres[i]! }).toEqual({ step, ...sqlite[i]! });
    }
    expect(stored.get('postgres')).toEqual(stored.get('sqlite'));
  });

  it('the numbers are the ones worked out by hand, and the refusals say why', () => {
    const out = results.get('postgres')!;
    const json = (args: string) => JSON.parse(out[at(args)]!.stdout);
    const err = (args: string) => out[at(args)]!.stderr;
    expect(err('product add widget-01 --name Duplicate')).toMatch(/SKU WIDGET-01 already exists/);
    expect(out[SCRIPT.findIndex(([, a]) => a.includes('12.3456 EUR'))]!.stderr).toMatch(/Too many decimals for EUR/);
    expect(err('deal line add 1 SUPPORT-H --qty 2.5 --price 80 USD')).toMatch(/price is in USD but the document is in EUR/);
    expect(err('deal edit 1 --amount 5 EUR')).toMatch(/takes its amount from its product lines/);
    // 3 × 1200 = 3600; 10 × 99 − 10% = 891; 1 × 12.35: the deal's amount is the nets' sum, before tax.
    const deal = json('deal show 1 --json');
    expect(deal).toMatchObject({ amount: { amount: '4503.35', currency: 'EUR' }, amountFrom: 'lines' });
    expect(deal.lines.map((l: { sku: string }) => l.sku)).toEqual(['WIDGET-01', 'SUPPORT-H', 'GIZMO']);
    const sent = json('quote send Q-2026-0001 --json');
    // Lines: 3600 + 891 (GIZMO removed) + 1 × 1200 − 100 = 1100 → 5591.00 net; tax 19% per line: 684 + 169.29 + 209 = 1062.29.
    expect(sent).toMatchObject({ number: 'Q-2026-0001', status: 'sent', totals: { subtotal: { amount: '5591.00' }, tax: { amount: '1062.29' }, total: { amount: '6653.29', currency: 'EUR' } } });
    expect(err('quote accept Q-2026-0001')).toMatch(/Quote Q-2026-0001 is draft: it cannot be accepted/);
    const html = out[at('quote render Q-2026-0001 --format html')]!.stdout;
    expect(html).toContain('<td>Widget &lt;Pro&gt;</td>');
    expect(html).toContain('6,653.29 EUR');
    expect(out[at('quote render Q-2026-0001 --format md')]!.stdout).toMatch(/\| 2 \| Support hour \| SUPPORT-H \| 10 hour \| 99\.00 EUR \| 10% \| 19% \| 891\.00 EUR \|/);
    const revisions = json('quote list --all-revisions --json');
    expect(revisions.map((q: { label: string; status: string }) => `${q.label} ${q.status}`)).toEqual(['Q-2026-0001 superseded', 'Q-2026-0001 rev 2 sent']);
    const accepted = json('quote accept Q-2026-0001 --json');
    expect(accepted.quote).toMatchObject({ label: 'Q-2026-0001 rev 2', status: 'accepted', order: 'SO-2026-0001' });
    expect(accepted.order).toMatchObject({ number: 'SO-2026-0001', status: 'open', totals: { total: { amount: '6653.29' } } });
    expect(json('quote show Q-2026-0001 --revision 1 --json')).toMatchObject({ revision: 1, status: 'superseded' });
    const invoice = json('invoice create --order SO-2026-0001 --json');
    expect(invoice).toMatchObject({ number: 'INV-2026-0001', status: 'issued', issueDate: '2026-11-20', dueDate: '2026-12-20', total: { amount: '6653.29' }, outstanding: { amount: '6653.29' } });
    expect(err('invoice create --order SO-2026-0001')).toMatch(/already invoiced \(INV-2026-0001\)/);
    expect(json('invoice pay INV-2026-0001 --amount 1000 EUR --date 2026-11-25 --json')).toMatchObject({ status: 'partly-paid', outstanding: { amount: '5653.29' } });
    expect(err('invoice pay INV-2026-0001 --amount 99999 EUR')).toMatch(/more than what is outstanding \(5,653\.29 EUR\)/);
    expect(json('invoice list --overdue --json').map((i: { number: string; daysOverdue: number }) => [i.number, i.daysOverdue])).toEqual([['INV-2026-0001', 16]]);
    expect(json('invoice pay INV-2026-0001 --date 2027-01-05 --json')).toMatchObject({ status: 'paid', paid: { amount: '6653.29' }, outstanding: { amount: '0.00' } });
    expect(out.filter((_r, i) => SCRIPT[i]![1].join(' ') === 'invoice list --overdue --json')[1]!.stdout).toBe('[]\n');
    // KWD: 3 × 30.125 − 7.5% = 83.596875 → 83.597; 0.333 × 400 = 133.200; tax 19%: 15.883 + 25.308.
    const orders = json('order list --json');
    expect(orders.map((o: { number: string; deal: { id: number }; totals: { subtotal: { amount: string }; tax: { amount: string }; total: { amount: string; currency: string } } }) => [o.number, o.deal.id, o.totals.subtotal.amount, o.totals.tax.amount, o.totals.total.amount, o.totals.total.currency])).toEqual([
      ['SO-2026-0001', 1, '5591.00', '1062.29', '6653.29', 'EUR'],
      ['SO-2026-0002', 2, '216.797', '41.191', '257.988', 'KWD'],
    ]);
    expect(json('quote list --status expired --json').map((q: { number: string }) => q.number)).toEqual(['Q-2026-0002']);
    expect(err('quote accept Q-2026-0002')).toMatch(/is expired: it cannot be accepted/);
    expect(json('deal show 3 --json').quotes).toEqual([{ number: 'Q-2026-0002', status: 'expired', validUntil: '2026-11-30', total: { amount: '58.79', currency: 'EUR' }, order: null }]);
    const renewals = out.filter((_r, i) => SCRIPT[i]![1].join(' ') === 'contract list --renewing-within 60d --json').map((r) => JSON.parse(r.stdout));
    expect(renewals[0]).toMatchObject([{ title: 'Maintenance 2027', company: { name: 'Acme GmbH' }, order: 'SO-2026-0001', renewalDate: '2027-10-01', value: { amount: '12000.00', currency: 'EUR' }, status: 'active' }]);
    expect(renewals[1]).toEqual([]);
    const csv = out[at('export orders')]!.stdout.trim().split('\n');
    expect(csv[0]).toBe('order_number,ordered_on,status,customer_reference,company_id,company_external_id,company,deal_id,quote,currency,line,product_id,sku,description,quantity,unit,unit_price,discount,tax_rate,net,tax,order_subtotal,order_tax,order_total');
    expect(csv).toHaveLength(1 + 3 + 2);
    expect(csv[1]).toBe('SO-2026-0001,2026-11-20,fulfilled,PO-7781,1,,Acme GmbH,1,Q-2026-0001 rev 2,EUR,1,1,WIDGET-01,Widget <Pro>,3,piece,1200.00,,19%,3600.00,684.00,5591.00,1062.29,6653.29');
  });
});
