/** `crm queue`: the acting agent's work queue, most urgent first (`--all` for everyone). */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { ticketQueue } from '../../domain/tickets.js';
import { info } from '../../io.js';
import { printList } from '../../output/render.js';
import { effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { ticketListView } from '../ticket/views.js';

export function register(noun: Command, ctx: CliContext): void {
  noun
    .description("your unsolved tickets, most urgent first: breached, then by SLA deadline, then priority")
    .argument('[filter...]', 'narrow with the filter language, e.g. priority:urgent')
    .option('--all', "everyone's unsolved tickets (assigned or not)")
    .option('--limit <n>', 'at most n rows', positiveInt('--limit'));
  examples(noun, ['crm queue', 'crm queue --as support.anna', 'crm queue --all --json', 'crm queue category:billing']);
  noun.action(async (filter: string[], o: { all?: boolean; limit?: number }) => {
    const { rows, total, agent } = await ticketQueue(sessionOf(ctx), { all: o.all, filter, limit: effectiveLimit(ctx, o.limit) });
    printList(ctx.out, ticketListView(ctx.clock.now()), rows, { emptyMessage: agent ? `Nothing in ${agent}'s queue.` : 'No unsolved tickets.' });
    if (rows.length) info(ctx.io, `${total} unsolved ticket${total === 1 ? '' : 's'} in ${agent ? `${agent}'s queue` : 'all queues'}${rows.filter((r) => r.breaching).length ? `, ${rows.filter((r) => r.breaching).length} breaching` : ''}`);
    noteTruncated(ctx, rows.length, total, 'tickets');
  });
}
