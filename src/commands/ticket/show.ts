import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { showTicket } from '../../domain/tickets.js';
import { printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { slaRows, slaView, ticketFields, timelineView } from './views.js';

export async function run(ctx: CliContext, ref: string): Promise<void> {
  const t = await showTicket(sessionOf(ctx), ref);
  printRecord(ctx.out, t, ticketFields, [
    { title: 'Description', text: t.description ?? '' },
    { title: 'SLA', view: slaView, rows: slaRows(t, ctx.timeZone) },
    { title: 'Timeline', view: timelineView, rows: t.events },
  ]);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('show').description('one ticket: fields, SLA states and the event timeline').argument('<id>', 'ticket id');
  examples(cmd, ['crm ticket show 1', 'crm ticket show 1 --json | jq .sla']);
  cmd.action((ref: string) => run(ctx, ref));
}
