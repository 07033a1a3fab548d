/** `crm quote create|add-line|remove-line|edit|send|accept|reject|revise|show|list|render|settings`. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { DEFAULT_QUOTE_TEMPLATES, parseDocumentFormat, quoteFields, renderDocument } from '../../domain/document-template.js';
import { acceptQuote, addQuoteLine, createQuote, editQuote, listQuotes, rejectQuote, removeQuoteLine, reviseQuote, sendQuote, showQuote, type QuoteRecord } from '../../domain/quotes.js';
import { readSalesSettings, writeSalesSettings } from '../../domain/sales-settings.js';
import { UsageError, UserError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { emit, printChanged, printCreated, printList, printRecord, toJson } from '../../output/render.js';
import { examples, positiveInt } from '../common.js';
import { lineSections } from '../sales/views.js';
import { sessionOf } from '../session.js';

export const quoteListView: ListView<QuoteRecord> = [
  { key: 'number', label: 'Quote', get: (q) => q.label, priority: 0, whole: true },
  { key: 'status', label: 'Status', priority: 0 },
  { key: 'deal', label: 'Deal', get: (q) => `#${q.deal.id} ${q.deal.title}`, maxWidth: 30, minWidth: 12, priority: 2 },
  { key: 'company', label: 'Company', get: (q) => q.company?.name ?? null, maxWidth: 24, priority: 3 },
  { key: 'validUntil', label: 'Valid until', whole: true, priority: 1 },
  { key: 'total', label: 'Total', format: 'money', get: (q) => q.totals.total, priority: 0 },
  { key: 'order', label: 'Order', priority: 4 },
];

const quoteFieldsView: ListView<QuoteRecord> = [
  { key: 'number', label: 'Quote', get: (q) => q.label },
  { key: 'status', label: 'Status' },
  { key: 'deal', label: 'Deal', get: (q) => `#${q.deal.id} ${q.deal.title}` },
  { key: 'company', label: 'Company', get: (q) => q.company?.name ?? null },
  { key: 'contact', label: 'Contact', get: (q) => (q.contact ? `${q.contact.name}${q.contact.email ? ` <${q.contact.email}>` : ''}` : null) },
  { key: 'owner', label: 'Owner' },
  { key: 'issuedOn', label: 'Issued' },
  { key: 'validUntil', label: 'Valid until' },
  { key: 'sentAt', label: 'Sent', format: 'datetime' },
  { key: 'decidedAt', label: 'Decided', format: 'datetime' },
  { key: 'total', label: 'Total', get: (q) => q.totals.total },
  { key: 'order', label: 'Order' },
  { key: 'notes', label: 'Notes' },
];

function printQuote(ctx: CliContext, q: QuoteRecord): void {
  printRecord(ctx.out, q, quoteFieldsView, lineSections(q.lines, q.totals));
}

interface LineFlags {
  qty?: string;
  price?: string;
  discount?: string;
  tax?: string;
  description?: string;
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('quotes from deals: create, add-line, send, accept (→ order), reject, revise, render');

  const create = noun
    .command('create')
    .description("create a draft quote from a deal (copies the deal's product lines)")
    .requiredOption('--deal <deal>', 'deal id')
    .option('--valid-until <date>', 'last day the offer holds (default: today + the validity in crm quote settings)')
    .option('--notes <text>', 'notes printed on the quote');
  examples(create, ['crm quote create --deal 12', 'crm quote create --deal 12 --valid-until 2026-12-31 --json']);
  create.action(async (o: { deal: string; validUntil?: string; notes?: string }) => {
    const q = await createQuote(sessionOf(ctx), o.deal, o);
    printCreated(ctx.out, q.number, q);
    info(ctx.io, `Created quote ${q.number} for deal #${q.deal.id} (${q.lines.length} line${q.lines.length === 1 ? '' : 's'}, total ${q.totals.total.format()})`);
  });

  const addLine = noun
    .command('add-line')
    .description('add a product line to a draft quote')
    .argument('<quote>', 'quote number, e.g. Q-2026-0001')
    .argument('<product>', 'SKU')
    .option('--qty <quantity>', 'quantity (default 1)')
    .option('--price <amount>', "unit price instead of the price list's")
    .option('--discount <discount>', 'a percentage (10%) or an amount ("50 EUR")')
    .option('--tax <rate>', "tax rate instead of the product's")
    .option('--description <text>', "text instead of the product's name");
  examples(addLine, ['crm quote add-line Q-2026-0001 SUPPORT-H --qty 10 --discount 10%']);
  addLine.action(async (ref: string, product: string, o: LineFlags) => {
    const q = await addQuoteLine(sessionOf(ctx), ref, { product, ...o });
    printChanged(ctx.out, q);
    info(ctx.io, `Added line ${q.lines.at(-1)!.position} to ${q.label}; total ${q.totals.total.format()}`);
  });

  const removeLine = noun.command('remove-line').description('remove a line from a draft quote').argument('<quote>', 'quote number').argument('<line>', 'line number', positiveInt('Line'));
  examples(removeLine, ['crm quote remove-line Q-2026-0001 2']);
  removeLine.action(async (ref: string, position: number) => {
    const q = await removeQuoteLine(sessionOf(ctx), ref, position);
    printChanged(ctx.out, q);
    info(ctx.io, `Removed line ${position} from ${q.label}; total ${q.totals.total.format()}`);
  });

  const edit = noun.command('edit').description('change a draft quote').argument('<quote>', 'quote number').option('--valid-until <date>', 'last day the offer holds').option('--notes <text>', 'notes printed on the quote');
  examples(edit, ['crm quote edit Q-2026-0001 --valid-until 2026-12-31']);
  edit.action(async (ref: string, o: { validUntil?: string; notes?: string }) => {
    if (o.validUntil === undefined && o.notes === undefined) throw new UsageError('Nothing to change.', `e.g. crm quote edit ${ref} --valid-until 2026-12-31`);
    const q = await editQuote(sessionOf(ctx), ref, o);
    printChanged(ctx.out, q);
    info(ctx.io, `Updated quote ${q.label}`);
  });

  const verbs: [string, string, (ref: string) => Promise<QuoteRecord>, string][] = [
    ['send', 'mark a draft quote sent to the customer', (ref) => sendQuote(sessionOf(ctx), ref), 'Sent'],
    ['reject', 'record that the customer rejected a sent quote', (ref) => rejectQuote(sessionOf(ctx), ref), 'Rejected'],
  ];
  for (const [verb, description, run, done] of verbs) {
    const cmd = noun.command(verb).description(description).argument('<quote>', 'quote number');
    examples(cmd, [`crm quote ${verb} Q-2026-0001`, `crm quote ${verb} Q-2026-0001 --json`]);
    cmd.action(async (ref: string) => {
      const q = await run(ref);
      printChanged(ctx.out, q);
      info(ctx.io, `${done} quote ${q.label}`);
    });
  }

  const accept = noun.command('accept').description('record that the customer accepted a sent quote: creates the sales order with the same lines').argument('<quote>', 'quote number');
  examples(accept, ['crm quote accept Q-2026-0001', 'crm quote accept Q-2026-0001 --json   # {"quote": …, "order": …}']);
  accept.action(async (ref: string) => {
    const r = await acceptQuote(sessionOf(ctx), ref);
    if (ctx.globals.json || ctx.globals.format === 'json') printChanged(ctx.out, r);
    else emit(ctx.out, `${r.order.number}\n`);
    info(ctx.io, `Accepted quote ${r.quote.label}: created order ${r.order.number} (${r.order.totals.total.format()})`);
  });

  const revise = noun.command('revise').description('make a new draft revision of a quote (the current one is kept, superseded)').argument('<quote>', 'quote number').option('--valid-until <date>', 'last day the new revision holds').option('--notes <text>', 'notes');
  examples(revise, ['crm quote revise Q-2026-0001 --valid-until 2027-01-31', 'crm quote show Q-2026-0001 --revision 1   # the old one']);
  revise.action(async (ref: string, o: { validUntil?: string; notes?: string }) => {
    const q = await reviseQuote(sessionOf(ctx), ref, o);
    printChanged(ctx.out, q);
    info(ctx.io, `Made ${q.label} (draft); revision ${q.revision - 1} is kept as superseded`);
  });

  const show = noun.command('show').description('show a quote: lines, totals, status').argument('<quote>', 'quote number or id').option('--revision <n>', 'an earlier revision', positiveInt('Revision'));
  examples(show, ['crm quote show Q-2026-0001', 'crm quote show Q-2026-0001 --revision 1 --json']);
  show.action(async (ref: string, o: { revision?: number }) => printQuote(ctx, await showQuote(sessionOf(ctx), ref, o.revision)));

  const list = noun
    .command('list')
    .alias('ls')
    .description('list quotes (latest revision of each)')
    .option('--deal <deal>', "a deal's quotes")
    .option('--status <status>', 'draft, sent, accepted, rejected, expired, superseded')
    .option('--all-revisions', 'every revision, not only the latest');
  examples(list, ['crm quote list', 'crm quote list --status expired', 'crm quote list --deal 12 --json']);
  list.action(async (o: { deal?: string; status?: string; allRevisions?: boolean }) => {
    printList(ctx.out, quoteListView, await listQuotes(sessionOf(ctx), o), { emptyMessage: 'No quotes yet: crm quote create --deal ID' });
  });

  const render = noun
    .command('render')
    .description('print a quote as a document a customer can receive (Markdown, HTML or text)')
    .argument('[quote]', 'quote number')
    .option('--format <format>', 'md, html or txt (default txt)')
    .option('--template <file>', 'your own template (start from --print-template)')
    .option('--print-template', 'print the built-in template of the format, to edit')
    .option('--revision <n>', 'an earlier revision', positiveInt('Revision'));
  examples(render, [
    'crm quote render Q-2026-0001 --format html -o Q-2026-0001.html',
    'crm quote render --print-template --format html > quote.html   # edit it, then:',
    'crm quote render Q-2026-0001 --format html --template quote.html',
  ]);
  // --format is a global flag too (table|json…): read this command's own value from argv order.
  render.action(async (ref: string | undefined, o: { format?: string; template?: string; printTemplate?: boolean; revision?: number }) => {
    const format = parseDocumentFormat(o.format ?? ctx.globals.format);
    if (o.printTemplate) {
      emit(ctx.out, DEFAULT_QUOTE_TEMPLATES[format]);
      return;
    }
    if (!ref) throw new UsageError('Which quote?', 'e.g. crm quote render Q-2026-0001 --format html');
    let template = DEFAULT_QUOTE_TEMPLATES[format];
    if (o.template !== undefined) {
      try {
        template = readFileSync(o.template, 'utf8');
      } catch (err) {
        throw new UserError(`Cannot read the template ${o.template}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`, 'Start from: crm quote render --print-template --format html > quote.html');
      }
    }
    const q = await showQuote(sessionOf(ctx), ref, o.revision);
    const text = renderDocument(template, quoteFields(q), format);
    // --format names the document's format here, so --json is read on its own.
    if (ctx.globals.json) emit(ctx.out, toJson({ quote: q.label, format, document: text }) + '\n');
    else emit(ctx.out, text);
  });

  const settings = noun
    .command('settings')
    .description('number prefixes, validity, payment term and how tax is rounded (per line or per document)')
    .option('--tax-mode <mode>', 'line (tax rounded per line, the default) or document (once per tax rate)')
    .option('--quote-prefix <prefix>', 'quote numbers: Q → Q-2026-0001')
    .option('--order-prefix <prefix>', 'order numbers: SO → SO-2026-0001')
    .option('--invoice-prefix <prefix>', 'invoice numbers: INV → INV-2026-0001')
    .option('--valid-days <days>', 'a new quote is valid for this many days')
    .option('--payment-days <days>', "an invoice's payment term in days");
  examples(settings, ['crm quote settings', 'crm quote settings --quote-prefix ANG --tax-mode document', 'crm quote settings --json']);
  settings.action(async (o: { taxMode?: string; quotePrefix?: string; orderPrefix?: string; invoicePrefix?: string; validDays?: string; paymentDays?: string }) => {
    const s = sessionOf(ctx);
    const changing = Object.values(o).some((v) => v !== undefined);
    if (changing) {
      const { authorize } = await import('../../domain/permissions.js');
      await authorize(s, 'pipeline.manage');
    }
    const result = changing
      ? await writeSalesSettings(s, { taxMode: o.taxMode, quotePrefix: o.quotePrefix, orderPrefix: o.orderPrefix, invoicePrefix: o.invoicePrefix, quoteValidDays: o.validDays, paymentTermDays: o.paymentDays })
      : await readSalesSettings(s.db.kysely);
    printRecord(ctx.out, result, [
      { key: 'taxMode', label: 'Tax rounded per' },
      { key: 'quotePrefix', label: 'Quote prefix' },
      { key: 'orderPrefix', label: 'Order prefix' },
      { key: 'invoicePrefix', label: 'Invoice prefix' },
      { key: 'quoteValidDays', label: 'Quotes valid (days)', format: 'int' },
      { key: 'paymentTermDays', label: 'Payment term (days)', format: 'int' },
    ]);
  });
}
