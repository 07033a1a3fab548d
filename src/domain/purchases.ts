/**
 * Purchase history (issue #19 item 6): what a company or a contact has bought, from its sales
 * orders. One rule for "whose order": an order belongs to the company it was made for
 * (orders.company_id) and to the contact of its deal or quote (orders.contact_id). Cancelled
 * orders are no purchase. The same rule drives the `bought:SKU` / `not-bought:SKU` filter
 * (purchaseFilterFields), so the list and the show page agree.
 */
import type { FilterField } from '../db/filter.js';
import { inSubquery, type AnyEB, type Cond } from '../db/filter.js';
import { isMissingTable } from '../db/missing-table.js';
import type { Trx } from '../db/transaction.js';
import { UsageError } from '../errors.js';
import { Money } from './money.js';
import { formatQuantity } from './pricing.js';
import { warrantyEnd, warrantyOf } from './warranty.js';

export type Purchaser = { companyId: number } | { contactId: number };

export interface PurchasedOrder {
  number: string;
  orderedOn: string;
  fulfilledOn: string | null;
  status: string;
  total: Money;
}

export interface PurchasedProduct {
  sku: string;
  name: string;
  /** Summed over every order line of the product: "3", "2.5". */
  quantity: string;
  /** How many orders it was on. */
  orders: number;
}

export interface PurchaseHistory {
  orders: PurchasedOrder[];
  products: PurchasedProduct[];
  /** One total per currency, never mixed. */
  totals: Money[];
}

function ownerColumn(who: Purchaser): 'o.company_id' | 'o.contact_id' {
  return 'companyId' in who ? 'o.company_id' : 'o.contact_id';
}

function ownerId(who: Purchaser): number {
  return 'companyId' in who ? who.companyId : who.contactId;
}

/** The orders (newest first), products and per-currency totals of a company or a contact. */
export async function purchaseHistory(db: Trx, who: Purchaser): Promise<PurchaseHistory> {
  const col = ownerColumn(who);
  const id = ownerId(who);
  const orders = await db
    .selectFrom('orders as o')
    .select(['o.number', 'o.ordered_on', 'o.fulfilled_on', 'o.status', 'o.currency', 'o.total_minor'])
    .where(col, '=', id)
    .where('o.status', '<>', 'cancelled')
    .orderBy('o.ordered_on', 'desc')
    .orderBy('o.id', 'desc')
    .execute();
  const lines = await db
    .selectFrom('document_lines as l')
    .innerJoin('orders as o', (j) => j.onRef('o.id', '=', 'l.document_id').on('l.document_kind', '=', 'order'))
    .innerJoin('products as p', 'p.id', 'l.product_id')
    .select((eb) => ['p.sku', 'p.name', eb.fn.sum<string | number | bigint>('l.quantity_milli').as('qty'), eb.fn.count<string | number>('o.id').distinct().as('n')])
    .where(col, '=', id)
    .where('o.status', '<>', 'cancelled')
    .groupBy(['p.id', 'p.sku', 'p.name'])
    .orderBy('p.sku')
    .execute();
  const sums = new Map<string, bigint>();
  for (const o of orders) sums.set(o.currency, (sums.get(o.currency) ?? 0n) + BigInt(o.total_minor));
  return {
    orders: orders.map((o) => ({ number: o.number, orderedOn: o.ordered_on, fulfilledOn: o.fulfilled_on, status: o.status, total: new Money(BigInt(o.total_minor), o.currency) })),
    products: lines.map((l) => ({ sku: l.sku, name: l.name, quantity: formatQuantity(BigInt(String(l.qty))), orders: Number(l.n) })),
    totals: [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([cur, minor]) => new Money(minor, cur)),
  };
}

/** The catalogue's SKUs (lower-cased → product id), for the filter terms below; empty before products exist. */
export async function productIdsBySku(db: Trx): Promise<Map<string, number>> {
  try {
    const rows = await db.selectFrom('products').select(['id', 'sku']).execute();
    return new Map(rows.map((r) => [r.sku.toLowerCase(), r.id]));
  } catch (err) {
    if (isMissingTable(err, 'products')) return new Map();
    throw err;
  }
}

/**
 * `bought:SKU[,SKU…]` (bought any of them) and `not-bought:SKU[,SKU…]` (bought none) for companies
 * (`idColumn` co.id) and contacts (c.id). An unknown SKU is a usage error naming it.
 */
export function purchaseFilterFields(entity: 'company' | 'contact', idColumn: string, skus: Map<string, number>): FilterField[] {
  const link = entity === 'company' ? 'o.company_id' : 'o.contact_id';
  const buyers = (eb: AnyEB, term: Parameters<NonNullable<FilterField['compile']>>[1], env: Parameters<NonNullable<FilterField['compile']>>[2]): Cond => {
    if (term.op !== '=') throw new UsageError(`Bad filter term "${term.token}".`, `${term.field} takes product SKUs, e.g. ${term.field}:LJ-4,LJ-5. See: crm help filters`, 'bad_filter');
    const ids = term.values.map((v) => {
      const id = skus.get(v.toLowerCase());
      if (id === undefined) throw new UsageError(`Bad filter term "${term.token}": no product with SKU "${v}".`, 'See the catalogue: crm product list. See: crm help filters', 'bad_filter');
      return id;
    });
    // A list subquery over the lines of those products (indexed by product), not a correlated
    // EXISTS per row: orders have no contact index, and the product's lines are few.
    const sub = eb
      .selectFrom('document_lines as l')
      .innerJoin('orders as o', 'o.id', 'l.document_id')
      .select(link)
      .where('l.document_kind', '=', 'order')
      .where('l.product_id', 'in', ids)
      .where('o.status', '<>', 'cancelled')
      .where(link, 'is not', null);
    return inSubquery(eb, idColumn, sub, env.engine);
  };
  return [
    { name: 'bought', type: 'custom', description: `${entity === 'company' ? 'companies' : 'contacts'} with an order (not cancelled) of any of these SKUs`, compile: buyers },
    { name: 'not-bought', type: 'custom', description: 'no order (not cancelled) of any of these SKUs', compile: (eb, term, env) => eb.not(buyers(eb, term, env)) },
  ];
}

export interface InstalledProduct {
  sku: string;
  name: string;
  quantity: string;
  order: string;
  /** The order's fulfilment date, else its order date: when the warranty starts. */
  since: string;
  /** Last day under warranty; null when the product has no warranty term. */
  warrantyUntil: string | null;
  warranty: 'active' | 'expired' | null;
}

/**
 * A company's installed products: each product line of its orders (not cancelled), newest first,
 * with the warranty end from the product's warranty months counted from the order's fulfilment
 * date (its order date while unfulfilled); `today` decides active or expired (./warranty.ts).
 */
export async function installedProducts(db: Trx, companyId: number, today: string): Promise<InstalledProduct[]> {
  const rows = await db
    .selectFrom('document_lines as l')
    .innerJoin('orders as o', (j) => j.onRef('o.id', '=', 'l.document_id').on('l.document_kind', '=', 'order'))
    .innerJoin('products as p', 'p.id', 'l.product_id')
    .select(['p.sku', 'p.name', 'p.warranty_months', 'l.quantity_milli', 'o.number', 'o.ordered_on', 'o.fulfilled_on'])
    .where('o.company_id', '=', companyId)
    .where('o.status', '<>', 'cancelled')
    .orderBy('o.ordered_on', 'desc')
    .orderBy('o.id', 'desc')
    .orderBy('l.position')
    .execute();
  return rows.map((r) => {
    const since = r.fulfilled_on ?? r.ordered_on;
    const until = r.warranty_months ? warrantyEnd(since, r.warranty_months) : null;
    const state = until ? warrantyOf(null, until, today)!.state : null;
    return { sku: r.sku, name: r.name, quantity: formatQuantity(BigInt(r.quantity_milli)), order: r.number, since, warrantyUntil: until, warranty: state };
  });
}
