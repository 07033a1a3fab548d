/**
 * Settings of sales documents, in the settings table: how tax is rounded (per line, the default,
 * or per document) and the number prefixes of quotes, orders and invoices (Q-2026-0001,
 * SO-2026-0001, INV-2026-0001). `crm quote settings` reads and changes them.
 */
import { recordAudit } from '../db/audit.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { UserError } from '../errors.js';
import { parseTaxMode, type TaxMode } from './pricing.js';
import { nowIso, type Session } from './session.js';

export const NUMBER_KINDS = { quote: 'Q', order: 'SO', invoice: 'INV' } as const;
export type NumberKind = keyof typeof NUMBER_KINDS;

export interface SalesSettings {
  taxMode: TaxMode;
  quotePrefix: string;
  orderPrefix: string;
  invoicePrefix: string;
  /** Days a new quote is valid for (valid-until = issue date + this), and an invoice's payment term. */
  quoteValidDays: number;
  paymentTermDays: number;
}

const KEYS: Record<keyof SalesSettings, string> = {
  taxMode: 'tax_mode',
  quotePrefix: 'quote_prefix',
  orderPrefix: 'order_prefix',
  invoicePrefix: 'invoice_prefix',
  quoteValidDays: 'quote_valid_days',
  paymentTermDays: 'payment_term_days',
};

const DEFAULTS: SalesSettings = { taxMode: 'line', quotePrefix: 'Q', orderPrefix: 'SO', invoicePrefix: 'INV', quoteValidDays: 30, paymentTermDays: 30 };

export async function readSalesSettings(db: Trx): Promise<SalesSettings> {
  const rows = await db.selectFrom('settings').selectAll().where('key', 'in', Object.values(KEYS)).execute();
  const get = (k: keyof SalesSettings) => rows.find((r) => r.key === KEYS[k])?.value;
  return {
    taxMode: (get('taxMode') as TaxMode | undefined) ?? DEFAULTS.taxMode,
    quotePrefix: get('quotePrefix') ?? DEFAULTS.quotePrefix,
    orderPrefix: get('orderPrefix') ?? DEFAULTS.orderPrefix,
    invoicePrefix: get('invoicePrefix') ?? DEFAULTS.invoicePrefix,
    quoteValidDays: Number(get('quoteValidDays') ?? DEFAULTS.quoteValidDays),
    paymentTermDays: Number(get('paymentTermDays') ?? DEFAULTS.paymentTermDays),
  };
}

export async function readTaxMode(db: Trx): Promise<TaxMode> {
  return (await readSalesSettings(db)).taxMode;
}

function parsePrefix(text: string): string {
  const p = text.trim();
  if (!/^[A-Za-z][A-Za-z0-9]{0,9}$/.test(p)) throw new UserError(`Not a number prefix: "${text}".`, 'Use up to ten letters and digits, starting with a letter: Q, QT, ANG.', 'invalid_prefix');
  return p;
}

function parseDays(text: string): string {
  if (!/^\d{1,3}$/.test(text.trim())) throw new UserError(`Not a number of days: "${text}".`, 'e.g. 30', 'invalid_days');
  return String(Number(text));
}

export async function writeSalesSettings(s: Session, input: Partial<Record<keyof SalesSettings, string>>): Promise<SalesSettings> {
  const values: Record<string, string> = {};
  if (input.taxMode !== undefined) values[KEYS.taxMode] = parseTaxMode(input.taxMode);
  for (const k of ['quotePrefix', 'orderPrefix', 'invoicePrefix'] as const) if (input[k] !== undefined) values[KEYS[k]] = parsePrefix(input[k]!);
  for (const k of ['quoteValidDays', 'paymentTermDays'] as const) if (input[k] !== undefined) values[KEYS[k]] = parseDays(input[k]!);
  return writeTransaction(s.db, async (trx) => {
    if (Object.keys(values).length) {
      const before = await trx.selectFrom('settings').selectAll().where('key', 'in', Object.keys(values)).execute();
      for (const [key, value] of Object.entries(values)) await trx.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
      const changes = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [before.find((b) => b.key === k)?.value ?? null, v] as [unknown, unknown]]));
      await recordAudit(trx, { entity: 'settings', entityId: 0, action: 'update', changes, actor: s.actor, at: nowIso(s) });
    }
    return readSalesSettings(trx);
  });
}

/**
 * The next number of a kind in a year, e.g. Q-2026-0007: one more than the highest of that prefix
 * and year, read inside the write transaction that inserts it (the UNIQUE column backs it up).
 */
export async function nextNumber(trx: Trx, kind: NumberKind, year: string): Promise<string> {
  const settings = await readSalesSettings(trx);
  const prefix = kind === 'quote' ? settings.quotePrefix : kind === 'order' ? settings.orderPrefix : settings.invoicePrefix;
  const table = kind === 'quote' ? 'quotes' : kind === 'order' ? 'orders' : 'invoices';
  const stem = `${prefix}-${year}-`;
  const rows = await trx.selectFrom(table).select('number').where('number', 'like', `${stem}%`).execute();
  const max = rows.reduce((m, r) => Math.max(m, Number(/^\d+$/.test(r.number.slice(stem.length)) ? r.number.slice(stem.length) : 0)), 0);
  return `${stem}${String(max + 1).padStart(4, '0')}`;
}
