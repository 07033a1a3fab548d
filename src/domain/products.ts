/**
 * The product catalogue: SKU (unique, case-insensitive), name, description, unit, a price per
 * currency (the price list), tax rate, warranty in months. Archived products are inactive: they
 * stay on the documents that name them but cannot be added to new lines.
 */
import { sql, type Selectable } from 'kysely';
import { diff, recordAudit } from '../db/audit.js';
import type { ProductsTable } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { ConflictError, NotFoundError, UsageError, UserError } from '../errors.js';
import { Money, parseMoney, storableMinor } from './money.js';
import { authorize } from './permissions.js';
import { formatRate, parseRate } from './pricing.js';
import { nowIso, type Session } from './session.js';
import { cleanText } from './validate.js';

type ProductRow = Selectable<ProductsTable>;

export interface ProductRecord {
  id: number;
  sku: string;
  name: string;
  description: string | null;
  unit: string | null;
  /** "19%" */
  taxRate: string;
  taxRatePpm: number;
  warrantyMonths: number | null;
  prices: Money[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export interface ProductInput {
  sku?: string;
  name?: string;
  description?: string;
  unit?: string;
  /** "1200 EUR", one per currency; on edit, replaces that currency's price. */
  price?: string[];
  /** Currencies whose price to remove (edit). */
  removePrice?: string[];
  tax?: string;
  warranty?: string;
}

const SKU_HINT = 'A SKU is letters, digits and - _ . / (e.g. WIDGET-01).';

export function parseSku(text: string): string {
  const sku = text.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/.test(sku)) throw new UserError(`Not a SKU: "${text}".`, SKU_HINT, 'invalid_sku');
  return sku;
}

/** A warranty term: months ("24", "24 months"), years ("2y"), or none/empty (null). */
export function parseWarranty(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'none') return null;
  const m = /^(\d{1,3})\s*(m|months?)?$/.exec(t) ?? null;
  const y = /^(\d{1,2})\s*(y|years?)$/.exec(t);
  if (y) return Number(y[1]) * 12;
  if (!m) throw new UserError(`Not a warranty term: "${text}".`, 'Give months, e.g. --warranty 24 (or 2y).', 'invalid_warranty');
  return Number(m[1]);
}

/** One price: an amount with its currency, never negative. */
export function parsePrice(text: string): Money {
  const m = parseMoney(text);
  if (m.minor < 0n) throw new UserError(`A price cannot be negative: "${text}".`, undefined, 'invalid_amount');
  storableMinor(m.minor, m.currency, `The price "${text}"`);
  return m;
}

async function pricesOf(db: Trx | Session['db']['kysely'], ids: number[]): Promise<Map<number, Money[]>> {
  const out = new Map<number, Money[]>();
  if (!ids.length) return out;
  const rows = await db.selectFrom('product_prices').selectAll().where('product_id', 'in', ids).orderBy('currency').execute();
  for (const r of rows) {
    const list = out.get(r.product_id) ?? [];
    list.push(new Money(r.unit_price_minor, r.currency));
    out.set(r.product_id, list);
  }
  return out;
}

export function toProductRecord(p: ProductRow, prices: Money[]): ProductRecord {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    unit: p.unit,
    taxRate: formatRate(p.tax_rate_ppm),
    taxRatePpm: p.tax_rate_ppm,
    warrantyMonths: p.warranty_months,
    prices,
    active: p.archived_at === null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    archivedAt: p.archived_at,
  };
}

/** The products columns the given input sets, each checked (the one rule for commands and import). */
export function productColumns(input: ProductInput): Record<string, unknown> {
  const cols: Record<string, unknown> = {};
  if (input.sku !== undefined) cols.sku = parseSku(input.sku);
  if (input.name !== undefined) {
    const name = cleanText(input.name);
    if (!name) throw new UserError('A product needs a name.', 'crm product add WIDGET-01 --name "Widget" --price "1200 EUR"');
    cols.name = name;
  }
  if (input.description !== undefined) cols.description = cleanText(input.description);
  if (input.unit !== undefined) cols.unit = cleanText(input.unit);
  if (input.tax !== undefined) cols.tax_rate_ppm = parseRate(input.tax, 'tax rate');
  if (input.warranty !== undefined) cols.warranty_months = parseWarranty(input.warranty);
  return cols;
}

export function pricesByCurrency(texts: string[] = []): Map<string, Money> {
  const out = new Map<string, Money>();
  for (const t of texts) {
    const m = parsePrice(t);
    if (out.has(m.currency)) throw new UsageError(`Two prices in ${m.currency}.`, 'Give one --price per currency.');
    out.set(m.currency, m);
  }
  return out;
}

/**
 * A price list in one cell (`crm import products`, `crm export products`): "1200.00 EUR; 1300.00 USD" —
 * prices separated by ";" (a comma may be a thousands separator), each read like --price.
 */
export function parsePriceList(text: string): Map<string, Money> {
  return pricesByCurrency(text.split(/[;\n]/).map((t) => t.trim()).filter(Boolean));
}

/** The price list as one cell: "1200.00 EUR; 1300.00 USD", by currency code. */
export function formatPriceList(prices: Money[]): string {
  return [...prices].sort((a, b) => a.currency.localeCompare(b.currency)).map((m) => `${m.amount} ${m.currency}`).join('; ');
}

/** SKUs are ASCII (parseSku), so lower() compares them alike on both engines. */
async function findBySku(db: Trx, sku: string): Promise<ProductRow | undefined> {
  return db.selectFrom('products').selectAll().where(sql<string>`lower(sku)`, '=', sku.toLowerCase()).executeTakeFirst();
}

export async function addProduct(s: Session, input: ProductInput & { sku: string; name: string }): Promise<ProductRecord> {
  await authorize(s, 'product.write');
  const cols = productColumns(input);
  const prices = pricesByCurrency(input.price);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const clash = await findBySku(trx, cols.sku as string);
    if (clash) throw new ConflictError(`SKU ${clash.sku} already exists (product #${clash.id}).`, `Change it with: crm product edit ${clash.sku} …`, 'duplicate');
    const row = await trx
      .insertInto('products')
      .values({ sku: cols.sku as string, name: cols.name as string, description: null, unit: null, warranty_months: null, archived_at: null, ...cols, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const m of prices.values()) await trx.insertInto('product_prices').values({ product_id: row.id, currency: m.currency, unit_price_minor: Number(m.minor) }).execute();
    await recordAudit(trx, { entity: 'product', entityId: row.id, action: 'create', changes: diff({}, { ...cols, ...Object.fromEntries([...prices].map(([c, m]) => [`price_${c}`, m.amount])) }), actor: s.actor, at });
    return toProductRecord(row, [...prices.values()].sort((a, b) => a.currency.localeCompare(b.currency)));
  });
}

/** A product by SKU (case-insensitive) or #id. */
export async function getProductRow(db: Trx | Session['db']['kysely'], ref: string): Promise<ProductRow> {
  const r = ref.trim();
  const id = /^#\d+$/.test(r) ? Number(r.slice(1)) : undefined;
  const hit = id !== undefined ? await db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst() : await findBySku(db, r);
  if (hit) return hit;
  if (/^\d+$/.test(r)) {
    const byId = await db.selectFrom('products').selectAll().where('id', '=', Number(r)).executeTakeFirst();
    if (byId) return byId;
  }
  throw new NotFoundError(`No product "${ref}".`, 'List products with: crm product list — or add one: crm product add SKU --name "…" --price "1200 EUR"');
}

export async function getProduct(s: Session, ref: string): Promise<ProductRecord> {
  const row = await getProductRow(s.db.kysely, ref);
  return toProductRecord(row, (await pricesOf(s.db.kysely, [row.id])).get(row.id) ?? []);
}

export async function listProducts(s: Session, opts: { all?: boolean } = {}): Promise<ProductRecord[]> {
  let q = s.db.kysely.selectFrom('products').selectAll().orderBy('sku');
  if (!opts.all) q = q.where('archived_at', 'is', null);
  const rows = await q.execute();
  const prices = await pricesOf(s.db.kysely, rows.map((r) => r.id));
  return rows.map((r) => toProductRecord(r, prices.get(r.id) ?? []));
}

export async function editProduct(s: Session, ref: string, input: ProductInput & { archive?: boolean; restore?: boolean }): Promise<ProductRecord> {
  await authorize(s, 'product.write');
  const cols = productColumns(input);
  const prices = pricesByCurrency(input.price);
  const remove = (input.removePrice ?? []).map((c) => c.trim().toUpperCase());
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const current = await getProductRow(trx, ref);
    if (cols.sku && String(cols.sku).toLowerCase() !== current.sku.toLowerCase()) {
      const clash = await findBySku(trx, cols.sku as string);
      if (clash) throw new ConflictError(`SKU ${clash.sku} already exists (product #${clash.id}).`, undefined, 'duplicate');
    }
    if (input.archive) cols.archived_at = current.archived_at ?? at;
    if (input.restore) cols.archived_at = null;
    const changes = diff(current as unknown as Record<string, unknown>, cols);
    const before = (await pricesOf(trx, [current.id])).get(current.id) ?? [];
    for (const c of remove) {
      const had = before.find((m) => m.currency === c);
      if (!had) throw new UserError(`${current.sku} has no price in ${c}.`, `See its prices: crm product show ${current.sku}`);
      await trx.deleteFrom('product_prices').where('product_id', '=', current.id).where('currency', '=', c).execute();
      changes[`price_${c}`] = [had.amount, null];
    }
    for (const m of prices.values()) {
      const had = before.find((b) => b.currency === m.currency);
      if (had?.minor === m.minor) continue;
      await trx.insertInto('product_prices').values({ product_id: current.id, currency: m.currency, unit_price_minor: Number(m.minor) }).onConflict((oc) => oc.columns(['product_id', 'currency']).doUpdateSet({ unit_price_minor: Number(m.minor) })).execute();
      changes[`price_${m.currency}`] = [had?.amount ?? null, m.amount];
    }
    if (Object.keys(changes).length === 0) return toProductRecord(current, before);
    const row = await trx.updateTable('products').set({ ...(cols as object), updated_at: at, version: sql<number>`version + 1` }).where('id', '=', current.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'product', entityId: current.id, action: input.archive ? 'archive' : input.restore ? 'restore' : 'update', changes, actor: s.actor, at });
    return toProductRecord(row, (await pricesOf(trx, [current.id])).get(current.id) ?? []);
  });
}

/** The product's price in a currency, or an error naming the currency and how to give one. */
export async function productPrice(db: Trx, product: ProductRow, currency: string): Promise<bigint> {
  const row = await db.selectFrom('product_prices').select('unit_price_minor').where('product_id', '=', product.id).where('currency', '=', currency).executeTakeFirst();
  if (!row) throw new UserError(`${product.sku} has no price in ${currency}.`, `Give one for this line with --price "… ${currency}", or add it to the price list: crm product edit ${product.sku} --price "… ${currency}"`, 'no_price');
  return BigInt(row.unit_price_minor);
}
