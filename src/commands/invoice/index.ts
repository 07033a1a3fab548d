/** `crm invoice create|issue|pay|void|list|show`: invoices from orders, payments, overdue lists. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { createInvoice, issueInvoice, listInvoices, payInvoice, showInvoice, voidInvoice, type InvoiceRecord, type PaymentRecord } from '../../domain/invoices.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { lineSections } from '../sales/views.js';
import { sessionOf } from '../session.js';

export const invoiceListView: ListView<InvoiceRecord> = [
  { key: 'number', label: 'Invoice', priority: 0, whole: true },
  { key: 'status', label: 'Status', priority: 0 },
  { key: 'company', label: 'Company', get: (i) => i.company?.name ?? null, maxWidth: 24, minWidth: 12, priority: 2 },
  { key: 'issueDate', label: 'Issued', whole: true, priority: 3 },
  { key: 'dueDate', label: 'Due', whole: true, priority: 1 },
  { key: 'daysOverdue', label: 'Days overdue', format: 'int', priority: 4 },
  { key: 'total', label: 'Total', format: 'money', priority: 0 },
  { key: 'outstanding', label: 'Outstanding', format: 'money', priority: 0 },
];

const invoiceFields: ListView<InvoiceRecord> = [
  { key: 'number', label: 'Invoice' },
  { key: 'status', label: 'Status' },
  { key: 'order', label: 'Order' },
  { key: 'company', label: 'Company', get: (i) => i.company?.name ?? null },
  { key: 'issueDate', label: 'Issued' },
  { key: 'dueDate', label: 'Due' },
  { key: 'daysOverdue', label: 'Days overdue', format: 'int' },
  { key: 'total', label: 'Total' },
  { key: 'paid', label: 'Paid' },
  { key: 'outstanding', label: 'Outstanding' },
  { key: 'notes', label: 'Notes' },
];

const paymentView: ListView<PaymentRecord> = [
  { key: 'paidOn', label: 'Paid on' },
  { key: 'amount', label: 'Amount', format: 'money' },
  { key: 'reference', label: 'Reference' },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('invoices: create from an order, issue, pay, void, list --overdue');

  const create = noun
    .command('create')
    .description("invoice an order (its lines and totals; due = issue date + the payment term)")
    .requiredOption('--order <order>', 'order number')
    .option('--issue-date <date>', 'issue date (default today)')
    .option('--due <date>', 'due date (default: issue date + crm quote settings --payment-days)')
    .option('--draft', 'keep it a draft (crm invoice issue later)')
    .option('--notes <text>', 'notes');
  examples(create, ['crm invoice create --order SO-2026-0001', 'crm invoice create --order SO-2026-0001 --due 2026-12-31 --json']);
  create.action(async (o: { order: string; issueDate?: string; due?: string; draft?: boolean; notes?: string }) => {
    const i = await createInvoice(sessionOf(ctx), o.order, { issueDate: o.issueDate, dueDate: o.due, draft: o.draft, notes: o.notes });
    printCreated(ctx.out, i.number, i);
    info(ctx.io, `Created invoice ${i.number} for order ${i.order} (${i.total.format()}, due ${i.dueDate})`);
  });

  const issue = noun.command('issue').description('issue a draft invoice').argument('<invoice>', 'invoice number');
  examples(issue, ['crm invoice issue INV-2026-0001']);
  issue.action(async (ref: string) => {
    const i = await issueInvoice(sessionOf(ctx), ref);
    printChanged(ctx.out, i);
    info(ctx.io, `Issued invoice ${i.number}`);
  });

  const pay = noun
    .command('pay')
    .description('record a payment (default: the whole outstanding amount, today)')
    .argument('<invoice>', 'invoice number')
    .option('--amount <amount>', 'amount paid, in the invoice currency')
    .option('--date <date>', 'payment date (default today)')
    .option('--reference <text>', 'bank reference');
  examples(pay, ['crm invoice pay INV-2026-0001', 'crm invoice pay INV-2026-0001 --amount "500 EUR" --date 2026-12-01 --json']);
  pay.action(async (ref: string, o: { amount?: string; date?: string; reference?: string }) => {
    const i = await payInvoice(sessionOf(ctx), ref, o);
    printChanged(ctx.out, i);
    info(ctx.io, `Recorded payment on ${i.number}: ${i.status}, outstanding ${i.outstanding.format()}`);
  });

  const voidCmd = noun.command('void').description('void an invoice without payments').argument('<invoice>', 'invoice number');
  examples(voidCmd, ['crm invoice void INV-2026-0001']);
  voidCmd.action(async (ref: string) => {
    const i = await voidInvoice(sessionOf(ctx), ref);
    printChanged(ctx.out, i);
    info(ctx.io, `Voided invoice ${i.number}`);
  });

  const list = noun.command('list').alias('ls').description('list invoices').option('--overdue', 'only overdue ones, most overdue first (for a cron job)').option('--status <status>', 'draft, issued, partly-paid, paid, overdue, void');
  examples(list, ['crm invoice list', 'crm invoice list --overdue', '0 8 * * 1-5  crm invoice list --overdue --json   # cron: overdue invoices every weekday']);
  list.action(async (o: { overdue?: boolean; status?: string }) => printList(ctx.out, invoiceListView, await listInvoices(sessionOf(ctx), o), { emptyMessage: o.overdue ? 'No overdue invoices.' : 'No invoices yet: crm invoice create --order SO-…' }));

  const show = noun.command('show').description('show an invoice: lines, totals, payments').argument('<invoice>', 'invoice number or id');
  examples(show, ['crm invoice show INV-2026-0001', 'crm invoice show INV-2026-0001 --json']);
  show.action(async (ref: string) => {
    const i = await showInvoice(sessionOf(ctx), ref);
    printRecord(ctx.out, i, invoiceFields, [...lineSections(i.lines, i.totals), { title: 'Payments', view: paymentView, rows: i.payments }]);
  });
}
