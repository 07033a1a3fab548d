import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { linkContactCompany } from '../../domain/memberships.js';
import { info } from '../../io.js';
import { emit, printList, resolveFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { membershipCompanyView } from './views.js';

export interface LinkOptions {
  role?: string;
  unit?: string;
  from?: string;
  until?: string;
}

export async function run(ctx: CliContext, ref: string, target: string, o: LinkOptions): Promise<void> {
  const linked = await linkContactCompany(sessionOf(ctx), ref, target, o);
  const { contact, company, companies } = linked;
  // --json: what was linked (resolved ids and names, never the reference typed) and the companies after.
  if (resolveFormat(ctx.out) === 'json') emit(ctx.out, toJson(linked) + '\n');
  else printList(ctx.out, membershipCompanyView, companies, { emptyMessage: 'No companies.' });
  const who = `contact #${contact.id} ${contact.name}`;
  info(ctx.io, linked.ended ? `Recorded the end of the membership of ${who} in company #${company.id} ${company.name} (${o.until})` : `Linked ${who} to company #${company.id} ${company.name}`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('link')
    .description("add a company a person belongs (or belonged) to, with their role and unit there; or end one with --until")
    .argument('<contact>', 'id, email or unique name')
    .argument('<company>', 'company:ID or company:NAME (or a bare id or name)')
    .option('--role <role>', 'their responsibility there, e.g. "Buyer"')
    .option('--unit <unit>', 'their organizational unit, e.g. Procurement')
    .option('--from <date>', 'since when (YYYY-MM-DD)')
    .option('--until <date>', 'the day it ended (YYYY-MM-DD): from that day on it is a past membership');
  examples(cmd, [
    'crm contact link 5 company:3 --role Buyer --unit Procurement',
    'crm contact link 5 company:"Beta GmbH" --role Consultant --from 2025-01-01',
    'crm contact link 5 company:3 --until 2026-06-30     # left company 3: now a past membership',
    'crm contact show 5                                   # current and past companies',
  ]);
  cmd.addHelpText(
    'after',
    `
The primary company (contact add|edit --company, the import's company column) and these
memberships always agree. When contact edit --company, an import or a merge moves the primary,
the company left ends: its membership gets --until today (in your time zone), role and unit kept,
and is listed as past. The company moved to keeps its membership; a --role given with the move
becomes its role, otherwise the person takes the role recorded there. Ending the primary's
membership here (--until) makes the next current company primary (or none).
Prints the contact and company linked (ids and names); --json: {contact, company, ended, companies}.`,
  );
  cmd.action((ref: string, target: string, o: LinkOptions) => run(ctx, ref, target, o));
}
