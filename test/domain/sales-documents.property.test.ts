/**
 * The same numbers through the whole path a rep and finance take: generated documents become
 * products and deal lines, then a quote, its order and its invoice in a real database; every
 * one's totals — as shown and as stored — equal the independent decimal computation of
 * test/helpers/decimal-oracle.ts to the minor unit (JPY, EUR, KWD, USD; tax per line and per document).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/sqlite.js';
import { addDealLine } from '../../src/domain/deal-lines.js';
import { addDeal } from '../../src/domain/deals.js';
import { createInvoice } from '../../src/domain/invoices.js';
import { addProduct } from '../../src/domain/products.js';
import { acceptQuote, createQuote, sendQuote } from '../../src/domain/quotes.js';
import { writeSalesSettings } from '../../src/domain/sales-settings.js';
import type { Session } from '../../src/domain/session.js';
import { documents, oracle } from '../helpers/decimal-oracle.js';

const db = openDatabase(':memory:');
afterAll(() => db.close());
const s: Session = { db, now: () => new Date('2026-11-20T12:00:00Z'), actor: 'tester', timeZone: 'UTC' };

let sku = 0;

describe('quote, order and invoice totals', () => {
  it('agree with the independent computation for a hundred generated documents, shown and stored', async () => {
    await fc.assert(
      fc.asyncProperty(documents, async ({ currency, mode, lines }) => {
        await writeSalesSettings(s, { taxMode: mode });
        const deal = await addDeal(s, { title: 'Generated', amount: `1 ${currency}` });
        for (const l of lines) {
          const code = `G-${++sku}`;
          await addProduct(s, { sku: code, name: code, price: [`${l.price} ${currency}`], tax: l.tax });
          await addDealLine(s, String(deal.id), { product: code, qty: l.qty, discount: l.discount ?? undefined });
        }
        const expected = oracle(lines, currency, mode);
        const quote = await createQuote(s, String(deal.id));
        await sendQuote(s, quote.number);
        const { order } = await acceptQuote(s, quote.number);
        const invoice = await createInvoice(s, order.number);
        const got = (t: { subtotal: { minor: bigint }; tax: { minor: bigint }; total: { minor: bigint } }) => ({ subtotal: t.subtotal.minor, tax: t.tax.minor, total: t.total.minor });
        expect(got(quote.totals)).toEqual(expected);
        expect(got(order.totals)).toEqual(expected);
        expect(got(invoice.totals)).toEqual(expected);
        expect(invoice.total.minor).toBe(expected.total);
        const stored = await db.kysely
          .selectFrom('quotes')
          .select(['subtotal_minor', 'tax_minor', 'total_minor'])
          .where('id', '=', quote.id)
          .unionAll(db.kysely.selectFrom('orders').select(['subtotal_minor', 'tax_minor', 'total_minor']).where('id', '=', order.id))
          .unionAll(db.kysely.selectFrom('invoices').select(['subtotal_minor', 'tax_minor', 'total_minor']).where('id', '=', invoice.id))
          .execute();
        for (const r of stored) expect({ subtotal: BigInt(r.subtotal_minor), tax: BigInt(r.tax_minor), total: BigInt(r.total_minor) }).toEqual(expected);
        // The deal's amount is the nets' sum (before tax).
        const dealRow = await db.kysely.selectFrom('deals').select('amount_minor').where('id', '=', deal.id).executeTakeFirstOrThrow();
        expect(BigInt(dealRow.amount_minor)).toBe(expected.subtotal);
      }),
      { numRuns: 100 },
    );
  }, 600_000);
});
