/** crm fx list [--currency EUR] */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { printList } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { rateView } from './view.js';

export async function run(ctx: CliContext, o: { currency?: string }): Promise<void> {
  const { listRates } = await import('../../domain/fx.js');
  printList(ctx.out, rateView, await listRates(sessionOf(ctx), o), { emptyMessage: 'No exchange rates yet: crm fx set EUR USD 1.0832 --date 2026-11-30, or crm fx import rates.csv' });
}

export function register(noun: Command, ctx: CliContext): void {
  const cmd = noun.command('list').alias('ls').description('list the stored rates, by pair and date').option('--currency <code>', 'only pairs with this currency');
  examples(cmd, ['crm fx list', 'crm fx list --currency EUR --json']);
  cmd.action((o: { currency?: string }) => run(ctx, o));
}
