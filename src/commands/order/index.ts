/** `crm order list|show|edit|fulfil|cancel`: sales orders made by accepted quotes and won deals. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { cancelOrder, editOrder, fulfilOrder, listOrders, showOrder, type OrderRecord } from '../../domain/orders.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printList, printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { lineSections } from '../sales/views.js';
import { sessionOf } from '../session.js';

export const orderListView: ListView<OrderRecord> = [
  { key: 'number', label: 'Order', priority: 0, whole: true },
  { key: 'status', label: 'Status', priority: 0 },
  { key: 'orderedOn', label: 'Ordered', whole: true, priority: 1 },
  { key: 'company', label: 'Company', get: (o) => o.company?.name ?? null, maxWidth: 24, minWidth: 12, priority: 2 },
  { key: 'quote', label: 'Quote', priority: 3 },
  { key: 'total', label: 'Total', format: 'money', get: (o) => o.totals.total, priority: 0 },
  { key: 'invoices', label: 'Invoices', format: 'list', priority: 4 },
];

const orderFields: ListView<OrderRecord> = [
  { key: 'number', label: 'Order' },
  { key: 'status', label: 'Status' },
  { key: 'orderedOn', label: 'Ordered' },
  { key: 'fulfilledOn', label: 'Fulfilled' },
  { key: 'cancelledAt', label: 'Cancelled', format: 'datetime' },
  { key: 'quote', label: 'Quote' },
  { key: 'deal', label: 'Deal', get: (o) => (o.deal ? `#${o.deal.id} ${o.deal.title}` : null) },
  { key: 'company', label: 'Company', get: (o) => o.company?.name ?? null },
  { key: 'owner', label: 'Owner' },
  { key: 'customerReference', label: 'Customer reference' },
  { key: 'total', label: 'Total', get: (o) => o.totals.total },
  { key: 'invoices', label: 'Invoices', format: 'list' },
  { key: 'notes', label: 'Notes' },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('sales orders: list, show, edit, fulfil, cancel (made by crm quote accept or winning a deal with lines)');

  const list = noun.command('list').alias('ls').description('list orders').option('--status <status>', 'open, fulfilled or cancelled');
  examples(list, ['crm order list', 'crm order list --status open --json', 'crm export orders -o orders.csv   # ERP hand-off, one row per line']);
  list.action(async (o: { status?: string }) => printList(ctx.out, orderListView, await listOrders(sessionOf(ctx), o), { emptyMessage: 'No orders yet: accept a quote (crm quote accept Q-…) or win a deal with lines.' }));

  const show = noun.command('show').description('show an order: lines, totals, invoices').argument('<order>', 'order number or id');
  examples(show, ['crm order show SO-2026-0001', 'crm order show SO-2026-0001 --json']);
  show.action(async (ref: string) => {
    const o = await showOrder(sessionOf(ctx), ref);
    printRecord(ctx.out, o, orderFields, lineSections(o.lines, o.totals));
  });

  const edit = noun.command('edit').description("change an order's customer reference or notes").argument('<order>', 'order number').option('--customer-reference <ref>', "the customer's PO number").option('--notes <text>', 'notes');
  examples(edit, ['crm order edit SO-2026-0001 --customer-reference PO-7781']);
  edit.action(async (ref: string, o: { customerReference?: string; notes?: string }) => {
    if (o.customerReference === undefined && o.notes === undefined) throw new UsageError('Nothing to change.', `e.g. crm order edit ${ref} --customer-reference PO-7781`);
    const r = await editOrder(sessionOf(ctx), ref, o);
    printChanged(ctx.out, r);
    info(ctx.io, `Updated order ${r.number}`);
  });

  const fulfil = noun.command('fulfil').alias('fulfill').description('mark an open order fulfilled (delivered)').argument('<order>', 'order number').option('--date <date>', 'fulfilment date (default today)');
  examples(fulfil, ['crm order fulfil SO-2026-0001', 'crm order fulfil SO-2026-0001 --date 2026-11-30 --json']);
  fulfil.action(async (ref: string, o: { date?: string }) => {
    const r = await fulfilOrder(sessionOf(ctx), ref, o.date);
    printChanged(ctx.out, r);
    info(ctx.io, `Fulfilled order ${r.number}`);
  });

  const cancel = noun.command('cancel').description('cancel an order that is not invoiced').argument('<order>', 'order number');
  examples(cancel, ['crm order cancel SO-2026-0001']);
  cancel.action(async (ref: string) => {
    const r = await cancelOrder(sessionOf(ctx), ref);
    printChanged(ctx.out, r);
    info(ctx.io, `Cancelled order ${r.number}`);
  });
}
