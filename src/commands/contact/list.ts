import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { listContacts } from '../../domain/contacts.js';
import { printList } from '../../output/render.js';
import { effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { contactListView } from './views.js';

export interface ListOptions {
  limit?: number;
  all?: boolean;
  archived?: boolean;
}

export async function run(ctx: CliContext, filter: string[], o: ListOptions): Promise<void> {
  const limit = effectiveLimit(ctx, o.limit, o.all);
  const { rows, total } = await listContacts(sessionOf(ctx), { filter, limit, archived: o.archived });
  printList(ctx.out, contactListView, rows, { emptyMessage: 'No contacts match.' });
  noteTruncated(ctx, rows.length, total, 'contacts');
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('list')
    .alias('ls')
    .description('list contacts matching a filter (crm help filters)')
    .argument('[filter...]', 'filter terms, e.g. owner:me +vip lifecycle:lead')
    .option('--limit <n>', 'at most n rows (default 50 on a terminal, all when piped)', positiveInt('--limit'))
    .option('--all', 'no row limit')
    .option('--archived', 'list archived contacts instead');
  examples(cmd, ['crm contact list', 'crm contact list owner:me +vip', 'crm contact list company:acme lifecycle:lead,prospect --json', 'crm contact list created:this-month | cut -f2,3']);
  cmd.action((filter: string[], o: ListOptions) => run(ctx, filter, o));
}
