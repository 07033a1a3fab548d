/** `crm product add|list|show|edit|archive|restore`: the product catalogue and its price list. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addProduct, editProduct, getProduct, listProducts, type ProductInput, type ProductRecord } from '../../domain/products.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { collect, collectWhole, examples } from '../common.js';
import { sessionOf } from '../session.js';

const pricesText = (p: ProductRecord) => p.prices.map((m) => m.format()).join(', ');

export const productListView: ListView<ProductRecord> = [
  { key: 'sku', label: 'SKU', priority: 0, whole: true },
  { key: 'name', label: 'Name', maxWidth: 30, minWidth: 12, priority: 0 },
  { key: 'unit', label: 'Unit', priority: 4 },
  { key: 'prices', label: 'Prices', get: pricesText, priority: 1, whole: true },
  { key: 'taxRate', label: 'Tax', align: 'right', priority: 2 },
  { key: 'warrantyMonths', label: 'Warranty (months)', format: 'int', priority: 3 },
  { key: 'active', label: 'Active', format: 'bool', priority: 5 },
];

const productFields: ListView<ProductRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'sku', label: 'SKU' },
  { key: 'name', label: 'Name' },
  { key: 'description', label: 'Description' },
  { key: 'unit', label: 'Unit' },
  { key: 'prices', label: 'Prices', get: pricesText },
  { key: 'taxRate', label: 'Tax rate' },
  { key: 'warrantyMonths', label: 'Warranty (months)', format: 'int' },
  { key: 'active', label: 'Active', format: 'bool' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
  { key: 'archivedAt', label: 'Archived', format: 'datetime' },
];

function productOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'what customers read on a quote')
    .option('--description <text>', 'longer description')
    .option('--unit <unit>', 'unit of sale: piece, hour, licence, month…')
    .option('--price <amount>', 'price per unit in one currency, e.g. "1200 EUR"; repeat for each currency', collectWhole)
    .option('--tax <rate>', 'tax rate, e.g. 19% or 8.875% (default 0%)')
    .option('--warranty <months>', 'warranty term in months (24) or years (2y)');
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('the product catalogue: SKU, prices per currency, tax rate, warranty');

  const add = productOptions(noun.command('add').description('add a product').argument('<sku>', 'unique stock-keeping unit, e.g. WIDGET-01'));
  examples(add, ['crm product add WIDGET-01 --name "Widget" --unit piece --price "1200 EUR" --price "1300 USD" --tax 19% --warranty 24', 'crm product add SUPPORT-H --name "Support hour" --unit hour --price "95 EUR" --json']);
  add.action(async (sku: string, o: ProductInput) => {
    if (o.name === undefined) throw new UsageError('A product needs --name.', `e.g. crm product add ${sku} --name "Widget" --price "1200 EUR"`);
    const p = await addProduct(sessionOf(ctx), { ...o, sku, name: o.name });
    printCreated(ctx.out, p.sku, p);
    info(ctx.io, `Added product ${p.sku} ${p.name}`);
  });

  const list = noun.command('list').alias('ls').description('list products').option('--all', 'include archived (inactive) products');
  examples(list, ['crm product list', 'crm product list --all --json']);
  list.action(async (o: { all?: boolean }) => {
    printList(ctx.out, productListView, await listProducts(sessionOf(ctx), o), { emptyMessage: 'No products yet: crm product add SKU --name "…" --price "1200 EUR"' });
  });

  const show = noun.command('show').description('show a product and its price list').argument('<product>', 'SKU or #id');
  examples(show, ['crm product show WIDGET-01', 'crm product show WIDGET-01 --json']);
  show.action(async (ref: string) => {
    const p = await getProduct(sessionOf(ctx), ref);
    printRecord(ctx.out, p, productFields);
  });

  const edit = productOptions(noun.command('edit').description('change a product; --price sets the price in its currency').argument('<product>', 'SKU or #id'))
    .option('--sku <sku>', 'new SKU')
    .option('--remove-price <currency>', 'remove the price in a currency (repeatable)', collect);
  examples(edit, ['crm product edit WIDGET-01 --price "1250 EUR"', 'crm product edit WIDGET-01 --remove-price USD', 'crm product edit WIDGET-01 --tax 7% --json']);
  edit.action(async (ref: string, o: ProductInput) => {
    if (Object.values(o).every((v) => v === undefined)) throw new UsageError('Nothing to change.', `e.g. crm product edit ${ref} --price "1250 EUR"`);
    const p = await editProduct(sessionOf(ctx), ref, o);
    printChanged(ctx.out, p);
    info(ctx.io, `Updated product ${p.sku}`);
  });

  for (const archived of [true, false]) {
    const cmd = noun
      .command(archived ? 'archive' : 'restore')
      .description(archived ? 'archive a product (inactive: kept on documents, no new lines)' : 'make an archived product active again')
      .argument('<product>', 'SKU or #id');
    examples(cmd, [`crm product ${archived ? 'archive' : 'restore'} WIDGET-01`]);
    cmd.action(async (ref: string) => {
      const p = await editProduct(sessionOf(ctx), ref, archived ? { archive: true } : { restore: true });
      printChanged(ctx.out, p);
      info(ctx.io, `${archived ? 'Archived' : 'Restored'} product ${p.sku}`);
    });
  }
}
