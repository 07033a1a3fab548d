import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { DEAL_SORTS, listDeals } from '../../domain/deals.js';
import { printList } from '../../output/render.js';
import { effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { dealListView } from './views.js';

export interface ListOptions {
  limit?: number;
  all?: boolean;
  archived?: boolean;
  sort?: string;
}

export async function run(ctx: CliContext, filter: string[], o: ListOptions): Promise<void> {
  const { rows, total } = await listDeals(sessionOf(ctx), { filter, limit: effectiveLimit(ctx, o.limit, o.all), archived: o.archived, sort: o.sort });
  printList(ctx.out, dealListView, rows, { emptyMessage: 'No deals match.' });
  noteTruncated(ctx, rows.length, total, 'deals');
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('list')
    .alias('ls')
    .description('list deals matching a filter (crm help filters)')
    .argument('[filter...]', 'filter terms, e.g. stage:quote owner:me amount:>5000 +renewal close:<2026-12-31')
    .option('--sort <key>', `order by ${DEAL_SORTS.join(', ')} (default id)`)
    .option('--limit <n>', 'at most n rows (default 50 on a terminal, all when piped)', positiveInt('--limit'))
    .option('--all', 'no row limit')
    .option('--archived', 'list archived deals instead');
  examples(cmd, [
    "crm deal list stage:quote owner:me 'amount:>5000' +renewal 'close:<2026-12-31'   # quote > and < for the shell",
    'crm deal list status:open closing:this-month --sort close',
    "crm deal list 'stale:>30d' --sort stale      # stuck deals: 30+ days in their stage",
    'crm deal list status:lost reason:price lost:this-quarter --json',
  ]);
  cmd.action((filter: string[], o: ListOptions) => run(ctx, filter, o));
}
