/** `crm lead list|show|edit|disqualify|convert`: leads as the source defines them (crm help lifecycle). */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { convertLead, editLead, listLeads, showLead, LEAD_STATUSES, type LeadRecord } from '../../domain/leads.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { contactFields } from '../contact/views.js';
import { sessionOf } from '../session.js';

const listView: ListView<LeadRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name', maxWidth: 28 },
  { key: 'grade', label: 'Grade' },
  { key: 'leadStatus', label: 'Status' },
  { key: 'source', label: 'Source', maxWidth: 24 },
  { key: 'company', label: 'Company', get: (c) => c.company?.name ?? null, maxWidth: 24 },
  { key: 'owner', label: 'Owner' },
  { key: 'email', label: 'Email', maxWidth: 32 },
];

const showView: ListView<LeadRecord> = [
  ...(contactFields as unknown as ListView<LeadRecord>).filter((f) => f.key !== 'createdAt' && f.key !== 'updatedAt' && f.key !== 'archivedAt'),
  { key: 'grade', label: 'Grade' },
  { key: 'leadStatus', label: 'Lead status' },
  { key: 'disqualifiedReason', label: 'Disqualified because' },
  { key: 'convertedAt', label: 'Converted', format: 'datetime' },
  { key: 'convertedDealId', label: 'Converted to deal', format: 'int' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('leads: contacts in lifecycle lead, with a grade and a status; convert one into a deal');

  const list = noun
    .command('list')
    .alias('ls')
    .description('list leads (contacts in lifecycle lead) matching a filter (crm help filters)')
    .argument('[filter...]', "filter terms: status:new,working 'grade:>=B' source:webinar owner:me not:status:disqualified …")
    .option('--limit <n>', 'at most n rows (default 50 on a terminal, all when piped)', positiveInt('--limit'))
    .option('--all', 'no row limit');
  examples(list, ['crm lead list', "crm lead list status:new,working 'grade:>=B'", 'crm lead list owner:me source:"Spring webinar" --json', 'crm lead list not:status:disqualified | cut -f1,2']);
  list.action(async (filter: string[], o: { limit?: number; all?: boolean }) => {
    const limit = effectiveLimit(ctx, o.limit, o.all);
    const { rows, total } = await listLeads(sessionOf(ctx), { filter, limit });
    printList(ctx.out, listView, rows, { emptyMessage: 'No leads match.' });
    noteTruncated(ctx, rows.length, total, 'leads');
  });

  const show = noun.command('show').description('show a lead: the contact, its grade and status').argument('<contact>', 'id, email or name');
  examples(show, ['crm lead show 12', 'crm lead show ana@example.com --json']);
  show.action(async (ref: string) => printRecord(ctx.out, await showLead(sessionOf(ctx), ref), showView));

  const edit = noun
    .command('edit')
    .description("set a lead's grade and status")
    .argument('<contact>', 'id, email or name')
    .option('--grade <grade>', 'one of the lead_grade choices (default D, C, B, A; crm field edit contact lead_grade --choices …)')
    .option('--status <status>', LEAD_STATUSES.join(', ') + ' (disqualified needs --reason)')
    .option('--reason <text>', 'why the lead is disqualified');
  examples(edit, ['crm lead edit 12 --grade A --status working', 'crm lead edit 12 --status qualified', 'crm field edit contact lead_grade --choices cold,warm,hot   then: crm lead edit 12 --grade hot']);
  edit.action(async (ref: string, o: { grade?: string; status?: string; reason?: string }) => {
    const lead = await editLead(sessionOf(ctx), ref, o);
    printChanged(ctx.out, lead);
    info(ctx.io, `Updated lead #${lead.id} ${lead.name}: ${lead.leadStatus}${lead.grade ? `, grade ${lead.grade}` : ''}`);
  });

  const dq = noun.command('disqualify').description('disqualify a lead, saying why').argument('<contact>', 'id, email or name').requiredOption('--reason <text>', 'why: no budget, wrong market, duplicate…');
  examples(dq, ['crm lead disqualify 12 --reason "no budget this year"', 'crm lead list status:disqualified']);
  dq.action(async (ref: string, o: { reason: string }) => {
    const lead = await editLead(sessionOf(ctx), ref, { status: 'disqualified', reason: o.reason });
    printChanged(ctx.out, lead);
    info(ctx.io, `Disqualified lead #${lead.id} ${lead.name}: ${lead.disqualifiedReason}`);
  });

  const convert = noun
    .command('convert')
    .description("convert a lead: a deal (and the company if named and missing) carrying the lead's source and campaign; the contact becomes a prospect")
    .argument('<contact>', 'id, email or name')
    .option('--deal-title <title>', "the deal's title (default: the contact's name)")
    .option('--amount <amount>', 'the deal amount, e.g. "5000 EUR"')
    .option('--currency <code>', 'currency of a bare --amount')
    .option('--company <name>', 'the company, created if missing (default: the contact’s own company)')
    .option('--owner <user>', "the deal's owner (default: you)");
  examples(convert, ['crm lead convert 12 --deal-title "Acme pilot" --amount "5000 EUR" --company "Acme Ltd"', 'deal=$(crm lead convert ana@example.com)', 'crm lead convert 12 --json | jq .deal.id']);
  convert.action(async (ref: string, o: { dealTitle?: string; amount?: string; currency?: string; company?: string; owner?: string }) => {
    const r = await convertLead(sessionOf(ctx), ref, o);
    if (r.companyCreated) info(ctx.io, `Created company #${r.companyCreated.id} ${r.companyCreated.name}`);
    printCreated(ctx.out, r.deal.id, r);
    info(ctx.io, `Converted lead #${r.lead.id} ${r.lead.name} into deal #${r.deal.id} ${r.deal.title}; the contact is now a ${r.lead.lifecycle}.`);
  });
}
