import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { listTickets, parseDueWithin } from '../../domain/tickets.js';
import { UsageError } from '../../errors.js';
import { printList } from '../../output/render.js';
import { effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { ticketListView } from './views.js';

export interface ListOptions {
  limit?: number;
  all?: boolean;
  breaching?: boolean;
  dueWithin?: string;
  sort?: string;
}

const SORTS = ['deadline', 'urgency', 'created', 'id'] as const;

export async function run(ctx: CliContext, filter: string[], o: ListOptions): Promise<void> {
  if (o.sort !== undefined && !(SORTS as readonly string[]).includes(o.sort)) throw new UsageError(`Unknown sort "${o.sort}".`, `Use --sort ${SORTS.join(' | ')}.`);
  const limit = effectiveLimit(ctx, o.limit, o.all);
  const { rows, total } = await listTickets(sessionOf(ctx), {
    filter,
    limit,
    breaching: o.breaching,
    dueWithinSeconds: o.dueWithin !== undefined ? parseDueWithin(o.dueWithin) : undefined,
    sort: o.sort as (typeof SORTS)[number] | undefined,
  });
  printList(ctx.out, ticketListView(ctx.clock.now()), rows, { emptyMessage: 'No tickets match.' });
  noteTruncated(ctx, rows.length, total, 'tickets');
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('list')
    .alias('ls')
    .description('unsolved tickets matching a filter, next deadline first (status:any for all)')
    .argument('[filter...]', 'filter terms: status priority assignee category channel company contact created solved +tag')
    .option('--breaching', 'only tickets with a running SLA target already missed')
    .option('--due-within <duration>', 'only tickets with an SLA deadline within this long (30m, 2h, 1d), overdue included')
    .option('--sort <order>', 'deadline (default) | urgency | created | id')
    .option('--limit <n>', 'at most n rows (default 50 on a terminal, all when piped)', positiveInt('--limit'))
    .option('--all', 'no row limit');
  examples(cmd, [
    'crm ticket list',
    'crm ticket list assignee:me priority:high,urgent',
    'crm ticket list --breaching --json',
    'crm ticket list --due-within 2h category:billing',
    'crm ticket list status:solved solved:this-week company:acme',
    'crm ticket list status:any +vip created:this-month',
  ]);
  cmd.action((filter: string[], o: ListOptions) => run(ctx, filter, o));
}
