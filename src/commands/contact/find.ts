import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { searchContacts } from '../../domain/contacts.js';
import { printList } from '../../output/render.js';
import { effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { contactListView } from './views.js';

export async function run(ctx: CliContext, words: string[], o: { limit?: number; all?: boolean; archived?: boolean }): Promise<void> {
  const { rows, total } = await searchContacts(sessionOf(ctx), words, { limit: effectiveLimit(ctx, o.limit, o.all), archived: o.archived });
  printList(ctx.out, contactListView, rows, { emptyMessage: `Nothing found for "${words.join(' ')}".` });
  noteTruncated(ctx, rows.length, total, 'matches');
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('find')
    .alias('search')
    .description('search names, emails, phones and companies (case-insensitive, any script)')
    .argument('<text...>', 'what to look for')
    .option('--limit <n>', 'at most n rows', positiveInt('--limit'))
    .option('--all', 'no row limit')
    .option('--archived', 'search archived contacts instead');
  examples(cmd, ['crm contact find rahimi', 'crm contact find "رحیمی"', 'crm contact find 5555 0101', 'crm contact find acme --json']);
  cmd.action((words: string[], o) => run(ctx, words, o));
}
