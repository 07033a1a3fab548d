/** `crm template add|list|show|render|fields`: email templates with merge fields. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addTemplate, getTemplate, KB_FIELDS, listTemplates, MERGE_FIELDS, renderTemplate, type TemplateRecord } from '../../domain/templates.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { emit, isJsonFormat, printCreated, printList, printRecord, toJson } from '../../output/render.js';
import { safeBlock } from '../../output/safe.js';
import { rejectControlChars } from '../../domain/validate.js';
import { collect, examples } from '../common.js';
import { readBodyFile } from '../body-file.js';
import { MACRO_STATUSES } from '../../domain/tickets.js';
import { sessionOf } from '../session.js';

const listView: ListView<TemplateRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'subject', label: 'Subject', maxWidth: 40 },
  { key: 'fields', label: 'Fields', format: 'list', maxWidth: 50 },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
];

const fields: ListView<TemplateRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'subject', label: 'Subject' },
  { key: 'fields', label: 'Fields', format: 'list' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
];

function bodyFrom(o: { body?: string; file?: string; bodyFile?: string }): string {
  if (o.bodyFile !== undefined && (o.body !== undefined || o.file !== undefined)) throw new UsageError('Give --body, --file or --body-file, not two of them.');
  if (o.body !== undefined && o.file !== undefined) throw new UsageError('Give --body or --file, not both.');
  // --file and --body-file are one reader (its size limit, BOM and line-end rules; - is stdin).
  const path = o.bodyFile ?? o.file;
  if (path !== undefined) {
    const text = readBodyFile(path);
    rejectControlChars(text, `The template in ${path === '-' ? 'stdin' : path}`);
    return text;
  }
  if (o.body !== undefined) return o.body.replace(/\\n/g, '\n');
  throw new UsageError('A template needs a body: --body "…" or --file PATH.', 'crm template add welcome --subject "Welcome, {{contact.firstName}}" --file welcome.txt');
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('email templates with merge fields: {{contact.firstName}}, {{company.name}}, {{me.name}}…');

  const add = noun
    .command('add')
    .description('add a template (unknown merge fields are refused)')
    .argument('<name>', 'template name')
    .option('--subject <text>', 'subject line (may use merge fields)')
    .option('--body <text>', 'body text (\\n for new lines)')
    .option('--file <path>', 'read the body from a file')
    .option('--body-file <file>', 'read the body from FILE (- for stdin)')
    .option('--status <status>', `macro: set the ticket's status with the reply (${MACRO_STATUSES.join(', ')})`)
    .option('--priority <priority>', "macro: set the ticket's priority with the reply")
    .option('--tag <tag>', 'macro: add this tag to the ticket with the reply (repeatable)', collect);
  examples(add, [
    'crm template add refund-delay --status pending --tag refund --body-file refund.txt   # a macro: crm ticket reply 12 --template refund-delay','crm template add welcome --subject "Welcome, {{contact.firstName}}" --file welcome.txt', 'crm template add quote-followup --body "Dear {{contact.name}},\\nabout {{deal.title}} ({{deal.amount}})…\\n{{me.name}}"', 'crm template fields   # every merge field']);
  add.action(async (name: string, o: { subject?: string; body?: string; file?: string; bodyFile?: string; status?: string; priority?: string; tag?: string[] }) => {
    const record = await addTemplate(sessionOf(ctx), { name, subject: o.subject, body: bodyFrom(o), ticketStatus: o.status, ticketPriority: o.priority, ticketTags: o.tag });
    printCreated(ctx.out, record.id, record);
    info(ctx.io, `Added template #${record.id} ${record.name}${record.fields.length ? ` (fields: ${record.fields.join(', ')})` : ''}`);
  });

  const list = noun.command('list').alias('ls').description('list templates');
  examples(list, ['crm template list', 'crm template list --json']);
  list.action(async () => {
    printList(ctx.out, listView, await listTemplates(sessionOf(ctx)), { emptyMessage: 'No templates yet: crm template add NAME --body "…"' });
  });

  const show = noun.command('show').description('show a template').argument('<name>', 'name or id');
  examples(show, ['crm template show welcome']);
  show.action(async (ref: string) => {
    const record = await getTemplate(sessionOf(ctx), ref);
    const a = record.ticketActions;
    const macro = a ? [a.status && `status → ${a.status}`, a.priority && `priority → ${a.priority}`, a.tags.length && `tags + ${a.tags.join(', ')}`].filter(Boolean).join('; ') : '';
    printRecord(ctx.out, record, fields, [{ title: 'Body', text: record.body }, ...(macro ? [{ title: 'Ticket actions (with crm ticket reply ID --template)', text: macro }] : [])]);
  });

  const render = noun
    .command('render')
    .description('fill a template for a contact (and deal); --log records it as an email')
    .argument('<name>', 'name or id')
    .option('--contact <contact>', 'contact id, email or name')
    .option('--deal <deal>', 'deal id')
    .option('--company <company>', "company (default: the contact's or the deal's)")
    .option('--ticket <id>', 'a ticket: fills {{ticket.*}}, {{requester.*}} (and {{contact.*}}), {{assignee.*}}')
    .option('--log', 'record the rendered text as an email activity on the contact');
  examples(render, ['crm template render welcome --contact 12', 'crm template render quote-followup --contact bob@example.com --deal 3 --log', 'crm template render welcome --contact 12 --json | jq -r .body']);
  render.action(async (ref: string, o: { contact?: string; deal?: string; company?: string; ticket?: string; log?: boolean }) => {
    const r = await renderTemplate(sessionOf(ctx), ref, o);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(r) + '\n');
    else emit(ctx.out, (r.subject !== null ? `Subject: ${safeBlock(r.subject)}\n\n` : '') + safeBlock(r.body).replace(/\n*$/, '\n'));
    if (r.activity) info(ctx.io, `Logged email #${r.activity.id} on ${r.activity.about ?? 'the contact'}`);
  });

  const fieldsCmd = noun.command('fields').description('list the merge fields templates can use');
  fieldsCmd.action(() => {
    const rows = [...Object.entries(MERGE_FIELDS).map(([name, f]) => ({ field: `{{${name}}}`, description: f.description })), ...Object.entries(KB_FIELDS).map(([name, description]) => ({ field: `{{${name}}}`, description }))];
    printList(ctx.out, [{ key: 'field', label: 'Field' }, { key: 'description', label: 'Meaning' }], rows);
  });
}
