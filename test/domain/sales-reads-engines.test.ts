/**
 * Sales documents through the domain on SQLite and PostgreSQL (#19): quote, order and invoice
 * lists read a constant number of queries whatever the number of documents, and an invoice is
 * authorised on its owner — with a scope narrower than "all", a rep changes their own invoice and
 * not a colleague's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyDb } from '../../src/db/engine.js';
import { openPostgres } from '../../src/db/postgres/connect.js';
import { openDatabase } from '../../src/db/sqlite.js';
import { addDealLine } from '../../src/domain/deal-lines.js';
import { addDeal } from '../../src/domain/deals.js';
import { createInvoice, listInvoices, payInvoice } from '../../src/domain/invoices.js';
import { listOrders } from '../../src/domain/orders.js';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { addProduct } from '../../src/domain/products.js';
import { acceptQuote, createQuote, listQuotes, reviseQuote, sendQuote } from '../../src/domain/quotes.js';
import type { Session } from '../../src/domain/session.js';
import { crmOn, ENGINES, freshDatabase, type EngineDb } from '../helpers/engines.js';
import { countQueries } from '../helpers/query-counter.js';

describe.each(ENGINES)('sales documents on %s', (engine) => {
  let handle: EngineDb;
  let db: AnyDb;
  let s: Session;
  const users: Record<string, number> = {};

  beforeAll(async () => {
    handle = await freshDatabase(engine, 'salesreads');
    expect(crmOn(handle.url, ['db', 'migrate']).code).toBe(0);
    for (const h of ['rita', 'reza']) expect(crmOn(handle.url, ['user', 'add', h, '--name', h, '--role', 'rep']).code).toBe(0);
    db = engine === 'postgres' ? await openPostgres(handle.url) : openDatabase(handle.url);
    s = { db, now: () => new Date('2026-11-20T10:00:00Z'), actor: 'tester', timeZone: 'UTC' };
    for (const u of await db.kysely.selectFrom('users').select(['id', 'handle']).execute()) users[u.handle] = u.id;
    await addProduct(s, { sku: 'P-1', name: 'One', price: ['100 EUR'], tax: '19%' });
    await addProduct(s, { sku: 'P-2', name: 'Two', price: ['7.5 EUR'], tax: '7%' });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    handle?.cleanup();
  });

  /** n more deals, each with two lines, a revised quote, an order and an invoice with a payment; owners alternate. */
  async function documents(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const owner = i % 2 ? 'reza' : 'rita';
      const deal = await addDeal(s, { title: `Deal ${owner} ${i}`, amount: '1 EUR', owner });
      await addDealLine(s, String(deal.id), { product: 'P-1', qty: String(i + 1) });
      await addDealLine(s, String(deal.id), { product: 'P-2', qty: '2.5' });
      const quote = await createQuote(s, String(deal.id));
      await reviseQuote(s, quote.number);
      await sendQuote(s, quote.number);
      const { order } = await acceptQuote(s, quote.number);
      const invoice = await createInvoice(s, order.number);
      await payInvoice(s, invoice.number, { amount: '1 EUR' });
    }
  }

  async function queriesOf(read: (s: Session) => Promise<unknown[]>): Promise<{ queries: number; records: number }> {
    const { result, queries } = await countQueries(s, read);
    return { queries, records: result.length };
  }

  it('lists read the same few queries for 2 documents as for 12', async () => {
    await documents(2);
    const reads: [string, (s: Session) => Promise<unknown[]>][] = [
      ['quotes', (x) => listQuotes(x)],
      ['quote revisions', (x) => listQuotes(x, { allRevisions: true })],
      ['orders', (x) => listOrders(x)],
      ['invoices', (x) => listInvoices(x)],
      ['overdue invoices', (x) => listInvoices(x, { overdue: true })],
    ];
    const small = [];
    for (const [what, read] of reads) small.push({ what, ...(await queriesOf(read)) });
    await documents(10);
    const large = [];
    for (const [what, read] of reads) large.push({ what, ...(await queriesOf(read)) });
    expect(small.map((r) => [r.what, r.records])).toEqual([['quotes', 2], ['quote revisions', 4], ['orders', 2], ['invoices', 2], ['overdue invoices', 0]]);
    expect(large.map((r) => [r.what, r.records])).toEqual([['quotes', 12], ['quote revisions', 24], ['orders', 12], ['invoices', 12], ['overdue invoices', 0]]);
    expect(large.map((r) => [r.what, r.queries])).toEqual(small.map((r) => [r.what, r.queries]));
    for (const r of large) expect(r.queries, r.what).toBeLessThanOrEqual(3);
    // The records carry what `show` gives: lines, totals, names, payments.
    const [first] = await listInvoices(s);
    expect(first).toMatchObject({ number: 'INV-2026-0001', order: 'SO-2026-0001', status: 'partly-paid', paid: { amount: '1.00' }, total: { amount: '139.06', currency: 'EUR' } });
    expect(first!.lines.map((l) => l.sku)).toEqual(['P-1', 'P-2']);
    expect((await listQuotes(s))[0]).toMatchObject({ label: 'Q-2026-0001 rev 2', status: 'accepted', deal: { title: 'Deal rita 0' }, owner: 'rita', order: 'SO-2026-0001' });
  }, 240_000);

  it('an invoice is authorised on its owner: a rep (given invoice.write on their own) pays theirs, not a colleague', async () => {
    const invoices = await listInvoices(s);
    const ownerOf = async (number: string) => (await db.kysely.selectFrom('invoices').select('owner_id').where('number', '=', number).executeTakeFirstOrThrow()).owner_id;
    const ritas = invoices.find((i) => i.number === 'INV-2026-0001')!;
    const rezas = invoices.find((i) => i.number === 'INV-2026-0002')!;
    expect([await ownerOf(ritas.number), await ownerOf(rezas.number)]).toEqual([users.rita, users.reza]);
    const as = (handle: string): Session => ({ ...s, actor: handle, principal: { userId: users[handle]!, handle, role: 'rep', team: null } });

    // As the table stands, reps hold no invoice.write: the refusal names the invoice checked.
    await expect(payInvoice(as('rita'), ritas.number, { amount: '1 EUR' })).rejects.toThrow(`rita (rep) may not do this on invoice ${ritas.number}: it needs the permission invoice.write.`);

    const granted = PERMISSIONS.rep['invoice.write'];
    PERMISSIONS.rep['invoice.write'] = 'own';
    try {
      expect(await payInvoice(as('rita'), ritas.number, { amount: '1 EUR' })).toMatchObject({ paid: { amount: '2.00' } });
      await expect(payInvoice(as('rita'), rezas.number, { amount: '1 EUR' })).rejects.toThrow(`rita (rep) may not do this on invoice ${rezas.number}: it needs the permission invoice.write on the team's records.`);
      expect(await payInvoice(as('reza'), rezas.number, { amount: '1 EUR' })).toMatchObject({ paid: { amount: '2.00' } });
    } finally {
      if (granted === undefined) delete PERMISSIONS.rep['invoice.write'];
      else PERMISSIONS.rep['invoice.write'] = granted;
    }
  }, 60_000);
});
