/**
 * The sales module's numbers and hand-offs hold at the edges, on SQLite and PostgreSQL (#19):
 * amounts too large to store exactly are refused with one line naming the field (never stored
 * rounded); `crm export orders` streams many orders in
 * order with the stored product id; `crm fx import` reads files as `crm import` does and refuses
 * a pair and day given twice, or a different stored rate unless --replace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmOn, ENGINES, execSql, querySql, useEngineDb } from '../helpers/engines.js';

const NOW = '2026-11-20T10:00:00Z';
/** Each engine's `export orders` (CSV and NDJSON) of the same orders: compared at the end. */
const orderExports = new Map<string, string>();

describe.each(ENGINES)('sales integrity on %s', (engine) => {
  const db = useEngineDb(engine, 'salesint');
  let dir = '';
  const crm = (args: string[], as?: string) => crmOn(db.url, args, { CRM_NOW: NOW, ...(as ? { CRM_USER: as } : {}) });
  const ok = (args: string[], as?: string) => {
    const r = crm(args, as);
    expect(r.stderr, args.join(' ')).not.toMatch(/^error/m);
    expect(r.code, args.join(' ')).toBe(0);
    return r.stdout;
  };
  const json = (args: string[], as?: string) => JSON.parse(ok([...args, '--json'], as));
  /** A refusal: exit 1, nothing on stdout, one error line (then its hint), no stack. */
  const refused = (args: string[], as?: string) => {
    const r = crm(args, as);
    expect(r.code, args.join(' ')).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/at .*\.(c?js|ts):\d+|internal error/);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error: /);
    expect(lines.slice(1).every((l) => l.startsWith('hint: '))).toBe(true);
    return lines[0]!;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-salesint-'));
    ok(['db', 'migrate']);
    ok(['user', 'add', 'rita', '--name', 'Rita Rep', '--role', 'rep']);
    ok(['user', 'add', 'reza', '--name', 'Reza Rep', '--role', 'rep']);
    ok(['user', 'add', 'fin', '--name', 'Finn Ance', '--role', 'finance']);
    // 1,000,000,000,000.00 EUR: 10^14 minor units, well inside what is stored exactly (≈ 9·10^15).
    ok(['product', 'add', 'BIG', '--name', 'Big thing', '--price', '1000000000000 EUR', '--tax', '19%']);
    ok(['product', 'add', 'SMALL', '--name', 'Small thing', '--price', '100 EUR', '--tax', '19%']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('product prices, line quantities, prices, nets and document totals too large to store exactly are refused, naming the field', () => {
    expect(refused(['product', 'add', 'HUGE', '--name', 'Huge', '--price', '100000000000000 EUR'])).toBe(
      'error: The price "100000000000000 EUR" is too large: 100,000,000,000,000.00 EUR (crm stores amounts up to 90,071,992,547,409.91 EUR).',
    );
    expect(refused(['product', 'edit', 'BIG', '--price', '90071992547409.92 EUR'])).toMatch(/The price "90071992547409.92 EUR" is too large/);
    expect(json(['product', 'show', 'BIG']).prices).toEqual([{ amount: '1000000000000.00', currency: 'EUR' }]);

    ok(['deal', 'add', 'Big deal', '--amount', '1 EUR', '--owner', 'rita']);
    expect(refused(['deal', 'line', 'add', '1', 'BIG', '--qty', '1000000'])).toMatch(/^error: The line's net \(1000000 × 1,000,000,000,000\.00 EUR\) is too large: 1,000,000,000,000,000,000\.00 EUR/);
    ok(['deal', 'line', 'add', '1', 'BIG', '--qty', '60']);
    // The sum of two lines is past the limit: the deal's amount cannot follow them.
    expect(refused(['deal', 'line', 'add', '1', 'BIG', '--qty', '31'])).toMatch(/^error: The deal's amount \(the sum of its lines\) is too large: 91,000,000,000,000\.00 EUR/);

    const quote = json(['quote', 'create', '--deal', '1']);
    expect(quote.totals.total).toEqual({ amount: '71400000000000.00', currency: 'EUR' });
    expect(refused(['quote', 'add-line', quote.number, 'BIG', '--qty', '31'])).toMatch(/^error: The quote's subtotal is too large: 91,000,000,000,000\.00 EUR/);
    expect(refused(['quote', 'add-line', quote.number, 'BIG', '--qty', '1', '--price', '100000000000000 EUR'])).toMatch(/^error: The unit price is too large/);
    expect(refused(['quote', 'add-line', quote.number, 'BIG', '--qty', '99999999999999'])).toMatch(/^error: The quantity 99999999999999 is too large \(at most 9007199254740\.991\)/);
    expect(refused(['quote', 'add-line', quote.number, 'BIG', '--qty', '20', '--tax', '100%'])).toMatch(/^error: The quote's total is too large: 111,400,000,000,000\.00 EUR/);
    const after = json(['quote', 'show', quote.number]);
    expect(after.lines).toHaveLength(1);
    expect(after.totals).toEqual(quote.totals);

    // An order's total (net + tax) past the limit: winning the deal that would make it is refused whole.
    ok(['deal', 'add', 'Order deal', '--amount', '1 EUR']);
    ok(['deal', 'line', 'add', '2', 'BIG', '--qty', '80']);
    expect(refused(['deal', 'win', '2'])).toMatch(/^error: The order's total is too large: 95,200,000,000,000\.00 EUR/);
    expect(json(['deal', 'show', '2']).status).toBe('open');
    expect(json(['order', 'list'])).toEqual([]);
  });

  it('a payment past the limit is refused and nothing is stored', async () => {
    ok(['deal', 'add', 'Small deal', '--amount', '1 EUR', '--owner', 'reza']);
    ok(['deal', 'line', 'add', '3', 'SMALL', '--qty', '2']);
    ok(['deal', 'win', '3']);
    const invoice = json(['invoice', 'create', '--order', 'SO-2026-0001'], 'fin');
    expect(invoice.total).toEqual({ amount: '238.00', currency: 'EUR' });
    expect(refused(['invoice', 'pay', invoice.number, '--amount', '100000000000000000 EUR'], 'fin')).toMatch(/^error: The payment \(100,000,000,000,000,000\.00 EUR\) is more than what is outstanding \(238\.00 EUR\)/);
    expect(await querySql(db.url, 'SELECT COUNT(*) AS n FROM payments')).toEqual([{ n: engine === 'postgres' ? '0' : 0 }]);
    expect(json(['invoice', 'pay', invoice.number, '--amount', '38 EUR'], 'fin')).toMatchObject({ status: 'partly-paid', outstanding: { amount: '200.00' } });
  });

  it('export orders carries the stored product id, also after the SKU moved to another product', () => {
    const smallId = json(['product', 'show', 'SMALL']).id;
    ok(['product', 'edit', 'SMALL', '--sku', 'SMALL-1']);
    const newId = json(['product', 'add', 'SMALL', '--name', 'Another small thing', '--price', '5 EUR']).id;
    expect(newId).not.toBe(smallId);
    const rows = json(['export', 'orders']);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ orderNumber: 'SO-2026-0001', line: 1, sku: 'SMALL', productId: smallId, net: { amount: '200.00', currency: 'EUR' }, orderTotal: { amount: '238.00', currency: 'EUR' } });
    const csv = ok(['export', 'orders']).trim().split('\n');
    expect(csv[1]).toBe(`SO-2026-0001,2026-11-20,open,,,,,3,,EUR,1,${smallId},SMALL,Small thing,2,,100.00,,19%,200.00,38.00,200.00,38.00,238.00`);
  });

  it('export orders streams thousands of lines in order number and line order (past a PostgreSQL page)', async () => {
    const values: string[] = [];
    const lines: string[] = [];
    for (let i = 1; i <= 1100; i++) {
      const id = 1000 + i;
      const number = `SO-2025-${String(i).padStart(4, '0')}`;
      values.push(`(${id}, '${number}', 'EUR', 'line', 'open', '2025-06-01', 1200, 228, 1428, '2025-06-01T10:00:00Z', '2025-06-01T10:00:00Z')`);
      // Two lines each, written position 2 first: the export orders them.
      lines.push(`('order', ${id}, 2, NULL, 'X-${i}', 'Second', 1000, 200, 19000 * 10, 200, 38)`, `('order', ${id}, 1, NULL, 'X-${i}', 'First', 2000, 500, 190000, 1000, 190)`);
    }
    await execSql(
      db.url,
      `INSERT INTO orders (id, number, currency, tax_mode, status, ordered_on, subtotal_minor, tax_minor, total_minor, created_at, updated_at) VALUES ${values.join(', ')};
       INSERT INTO document_lines (document_kind, document_id, position, product_id, sku, description, quantity_milli, unit_price_minor, tax_rate_ppm, net_minor, tax_minor) VALUES ${lines.join(', ')};`,
    );
    const csv = ok(['export', 'orders']).trim().split('\n');
    expect(csv).toHaveLength(1 + 2200 + 1);
    const keys = csv.slice(1).map((l) => l.split(',').slice(0, 1).concat(l.split(',')[10]!).join(' '));
    const expected = [...Array.from({ length: 1100 }, (_, i) => [`SO-2025-${String(i + 1).padStart(4, '0')} 1`, `SO-2025-${String(i + 1).padStart(4, '0')} 2`]).flat(), 'SO-2026-0001 1'];
    expect(keys).toEqual(expected);
    expect(csv[1]).toBe('SO-2025-0001,2025-06-01,open,,,,,,,EUR,1,,X-1,First,2,,5.00,,19%,10.00,1.90,12.00,2.28,14.28');
    const file = join(dir, 'orders.ndjson');
    ok(['export', 'orders', '--format', 'ndjson', '-o', file]);
    const ndjson = readFileSync(file, 'utf8').trim().split('\n');
    expect(ndjson).toHaveLength(2201);
    expect(JSON.parse(ndjson[2199]!)).toMatchObject({ orderNumber: 'SO-2025-1100', line: 2, description: 'Second' });
    orderExports.set(engine, `${csv.join('\n')}\n${readFileSync(file, 'utf8')}`);
  });

  it('fx import reads UTF-16 and --encoding files; a pair and day twice is refused naming both lines; a different stored rate needs --replace', () => {
    const utf16 = join(dir, 'rates16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('date;base;quote;rate\r\n2026-11-02;EUR;USD;1.05\r\n2026-11-03;EUR;USD;1.06\r\n', 'utf-16le')]));
    expect(json(['fx', 'import', utf16])).toMatchObject({ rows: 2, created: 2, updated: 0, unchanged: 0 });
    const latin = join(dir, 'latin.csv');
    writeFileSync(latin, iconv.encode('date,base,quote,rate,note\n2026-11-02,GBP,EUR,1.15,Größe\n', 'windows-1252'));
    expect(refused(['fx', 'import', latin])).toMatch(/^error: .*latin\.csv is not valid UTF-8/);
    expect(json(['fx', 'import', latin, '--encoding', 'windows-1252'])).toMatchObject({ rows: 1, created: 1 });

    const twice = join(dir, 'twice.csv');
    writeFileSync(twice, 'date,base,quote,rate\n2026-11-04,EUR,USD,1.07\n2026-11-05,EUR,USD,1.08\n2026-11-04,eur,usd,1.0700\n');
    expect(refused(['fx', 'import', twice])).toBe('error: Lines 2 and 4 of the rates file both give EUR→USD on 2026-11-04 (both 1.07); nothing was imported.');
    const before = ok(['fx', 'list', '--json']);

    const changed = join(dir, 'changed.csv');
    writeFileSync(changed, 'date,base,quote,rate\n2026-11-06,EUR,USD,1.09\n2026-11-03,EUR,USD,1.061\n2026-11-02,EUR,USD,1.05\n');
    expect(refused(['fx', 'import', changed])).toBe('error: Line 3 of the rates file: EUR→USD on 2026-11-03 is already stored as 1.06, not 1.061; nothing was imported.');
    expect(ok(['fx', 'list', '--json'])).toBe(before);
    const r = crm(['fx', 'import', changed, '--replace']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Replaced EUR→USD on 2026-11-03: 1.06 → 1.061');
    expect(r.stderr).toContain('3 rates — 1 created, 1 updated, 1 unchanged');
    const replaced = json(['fx', 'import', changed, '--replace']);
    expect(replaced).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(json(['fx', 'list']).filter((x: { base: string }) => x.base === 'EUR').map((x: { date: string; rate: string }) => `${x.date} ${x.rate}`)).toEqual(['2026-11-02 1.05', '2026-11-03 1.061', '2026-11-06 1.09']);
  });
});

describe('export orders on both engines', () => {
  it('writes the same bytes from the same orders (the domain query through Kysely on each engine)', () => {
    expect([...orderExports.keys()].sort()).toEqual([...ENGINES].sort());
    const [first, ...rest] = [...orderExports.values()];
    for (const other of rest) expect(other).toBe(first);
  });
});
