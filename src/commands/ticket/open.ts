import { bodyFileOption, inlineOrBodyFile } from '../body-file.js';
import type { Command } from 'commander';
import { parseSetFlags } from '../../domain/custom-fields.js';
import { setOption } from '../custom-fields.js';
import type { CliContext } from '../../context.js';
import { openTicket, type OpenTicketInput } from '../../domain/tickets.js';
import { info } from '../../io.js';
import { formatLocalDateTime } from '../../output/format.js';
import { printCreated } from '../../output/render.js';
import { collect, examples } from '../common.js';
import { sessionOf } from '../session.js';

export interface OpenOptions {
  contact?: string;
  company?: string;
  priority?: string;
  channel?: string;
  category?: string;
  product?: string;
  warrantyUntil?: string;
  assignee?: string;
  description?: string;
  bodyFile?: string;
  tag?: string[];
  externalId?: string;
  set?: string[];
}

export async function run(ctx: CliContext, subject: string, o: OpenOptions): Promise<void> {
  const input: OpenTicketInput = { subject, contact: o.contact, company: o.company, priority: o.priority, channel: o.channel, category: o.category, product: o.product, warrantyUntil: o.warrantyUntil, assignee: o.assignee, description: inlineOrBodyFile(o.description, o.bodyFile, '--description'), tags: o.tag, externalId: o.externalId, setFields: parseSetFlags(o.set) };
  const t = await openTicket(sessionOf(ctx), input);
  printCreated(ctx.out, t.id, t);
  const due = t.nextDeadline ? `; ${t.sla.firstReply ? 'first reply' : 'next deadline'} due ${formatLocalDateTime(t.nextDeadline, ctx.timeZone)}` : '';
  info(ctx.io, `Opened ticket #${t.id} (${t.priority}, policy ${t.policy ?? 'default'}${due})`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('open')
    .alias('add')
    .description('open a ticket for a requester')
    .argument('<subject>', 'what the ticket is about')
    .option('--contact <contact>', 'the requester: contact id, email or unique name')
    .option('--company <company>', "company id or name (default: the requester's company)")
    .option('--priority <priority>', 'low | normal | high | urgent (default normal)')
    .option('--channel <channel>', 'email, phone, web, chat, …')
    .option('--category <category>', 'billing, shipping, technical, …')
    .option('--product <name>', 'the product the ticket is about')
    .option('--warranty-until <date>', "warranty end date of the customer's product (YYYY-MM-DD; else the company's applies)")
    .option('--assignee <user>', 'the agent (handle, or me)')
    .option('--description <text>', 'the request in full')
    .option('--body-file <file>', 'read the description from FILE (- for stdin)')
    .option('--tag <tag>', 'tag (repeatable, or comma-separated)', collect)
    .option('--external-id <id>', 'id in another system');
  setOption(cmd);
  examples(cmd, [
    'crm ticket open "Printer on fire" --contact sara@example.com --priority high',
    'crm ticket open "Invoice 2041 is wrong" --contact 12 --category billing --channel email --assignee me',
    'crm ticket open "Drum unit broken" --contact 12 --product "LaserJet 4" --warranty-until 2027-03-31',
  ]);
  cmd.action((subject: string, o: OpenOptions) => run(ctx, subject, o));
}
