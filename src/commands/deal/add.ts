import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addDeal } from '../../domain/deals.js';
import { info } from '../../io.js';
import { printCreated } from '../../output/render.js';
import { collect, examples } from '../common.js';
import { sessionOf } from '../session.js';
import { dealFieldOptions, dealInputFrom, type DealFlagValues } from './options.js';

export interface AddOptions extends DealFlagValues {
  stage?: string;
  pipeline?: string;
  tag?: string[];
}

export async function run(ctx: CliContext, title: string, o: AddOptions): Promise<void> {
  const record = await addDeal(sessionOf(ctx), { ...dealInputFrom(o), title, stage: o.stage, pipeline: o.pipeline, tags: o.tag }, { companyCreated: (c) => info(ctx.io, `Created company #${c.id} ${c.name}`) });
  printCreated(ctx.out, record.id, record);
  info(ctx.io, `Added deal #${record.id} ${record.title} (${record.stage.name}, ${record.amount.format()})`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = dealFieldOptions(parent.command('add').description('add a deal (starts in the first open stage unless --stage)').argument('<title>', 'what is being sold, e.g. "Acme renewal"'))
    .option('--stage <stage>', 'first stage (an open one; name or unique prefix)')
    .option('--pipeline <pipeline>', 'pipeline (default: the default pipeline)')
    .option('--tag <tag>', 'tag (repeatable, or comma-separated)', collect);
  examples(cmd, [
    'crm deal add "Acme renewal" --company "Acme Ltd" --contact sara@example.com --amount "12500.50 EUR" --close 2026-12-15',
    'crm deal add "Pumps for Köln" --amount "€12.500,50" --locale de --owner juergen.mueller',
    'crm deal add "Osaka line 3" --amount "¥1,200,000" --stage qual --probability 40 --tag expansion',
    'id=$(crm deal add "Quick one" --amount "$1,250")   # prints the new id',
  ]);
  cmd.action((title: string, o: AddOptions) => run(ctx, title, o));
}
