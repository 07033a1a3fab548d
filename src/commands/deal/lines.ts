/** `crm deal line add|list|remove`: products of interest on a deal; its amount follows them. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addDealLine, listDealLines, removeDealLine } from '../../domain/deal-lines.js';
import { info } from '../../io.js';
import { printChanged, printList, printRecord } from '../../output/render.js';
import { examples, positiveInt } from '../common.js';
import { lineSections, lineView } from '../sales/views.js';
import { sessionOf } from '../session.js';
import type { DealLines } from '../../domain/deal-lines.js';

interface LineFlags {
  qty?: string;
  price?: string;
  discount?: string;
  tax?: string;
  description?: string;
}

function printLines(ctx: CliContext, r: DealLines): void {
  printRecord(ctx.out, r, [{ key: 'dealId', label: 'Deal', format: 'int' }, { key: 'amount', label: 'Amount (lines, before tax)', get: (x) => x.totals.subtotal }], lineSections(r.lines, r.totals));
}

export function register(parent: Command, ctx: CliContext): void {
  const line = parent.command('line').description('products on a deal: add, list, remove (a deal with lines takes its amount from them)');
  const add = line
    .command('add')
    .description('add a product line to a deal (price from the price list in the deal currency)')
    .argument('<deal>', 'deal id')
    .argument('<product>', 'SKU')
    .option('--qty <quantity>', 'quantity, up to three decimals (default 1)')
    .option('--price <amount>', "unit price for this deal instead of the price list's")
    .option('--discount <discount>', 'a percentage (10%) or an amount off the line ("50 EUR")')
    .option('--tax <rate>', "tax rate instead of the product's (19%)")
    .option('--description <text>', "text instead of the product's name");
  examples(add, ['crm deal line add 12 WIDGET-01 --qty 3', 'crm deal line add 12 SUPPORT-H --qty 10 --discount 10%', 'crm deal line add 12 WIDGET-01 --qty 1 --price "999 EUR" --json']);
  add.action(async (deal: string, product: string, o: LineFlags) => {
    const r = await addDealLine(sessionOf(ctx), deal, { product, ...o });
    printChanged(ctx.out, r);
    const added = r.lines.at(-1)!;
    info(ctx.io, `Added line ${added.position} to deal #${r.dealId}: ${added.sku} × ${added.quantity} = ${added.net.format()}; deal amount ${r.totals.subtotal.format()}`);
  });

  const list = line.command('list').alias('ls').description("a deal's lines and totals").argument('<deal>', 'deal id');
  examples(list, ['crm deal line list 12', 'crm deal line list 12 --json']);
  list.action(async (deal: string) => {
    const r = await listDealLines(sessionOf(ctx), deal);
    if (ctx.globals.json || ctx.globals.format) printRecord(ctx.out, r, []);
    else if (ctx.io.isStdoutTTY) printLines(ctx, r);
    else printList(ctx.out, lineView, r.lines);
  });

  const remove = line.command('remove').alias('rm').description('remove a line from a deal').argument('<deal>', 'deal id').argument('<line>', 'line number (crm deal line list)', positiveInt('Line'));
  examples(remove, ['crm deal line remove 12 2']);
  remove.action(async (deal: string, position: number) => {
    const r = await removeDealLine(sessionOf(ctx), deal, position);
    printChanged(ctx.out, r);
    info(ctx.io, `Removed line ${position} from deal #${r.dealId}`);
  });
}
