import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { editDeal } from '../../domain/deals.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { printChanged } from '../../output/render.js';
import { collect, examples } from '../common.js';
import { sessionOf } from '../session.js';
import { dealFieldOptions, dealInputFrom, ifVersionOption, type DealFlagValues } from './options.js';

export interface EditOptions extends DealFlagValues {
  title?: string;
  addTag?: string[];
  removeTag?: string[];
  ifVersion?: number;
}

export async function run(ctx: CliContext, ref: string, o: EditOptions): Promise<void> {
  const input = { ...dealInputFrom(o), title: o.title, addTags: o.addTag, removeTags: o.removeTag };
  if (Object.entries(input).every(([k, v]) => v === undefined || k === 'locale')) {
    throw new UsageError('Nothing to change.', `Give a field to change, e.g. crm deal edit ${ref} --amount "15000 EUR" (see --help). Stages change with crm deal move.`);
  }
  const record = await editDeal(sessionOf(ctx), ref, input, { companyCreated: (c) => info(ctx.io, `Created company #${c.id} ${c.name}`) }, o.ifVersion);
  printChanged(ctx.out, record);
  info(ctx.io, `Updated deal #${record.id} ${record.title}`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = ifVersionOption(
    dealFieldOptions(parent.command('edit').description('change a deal (only the fields you give; stages: crm deal move)').argument('<deal>', 'deal id').option('--title <title>', 'new title'))
      .option('--add-tag <tag>', 'add a tag (repeatable)', collect)
      .option('--remove-tag <tag>', 'remove a tag (repeatable)', collect),
  );
  examples(cmd, [
    'crm deal edit 1 --amount "15,000 USD" --close 2027-01-31',
    'crm deal edit 1 --probability 80',
    'crm deal edit 1 --probability none   # back to the stage probability',
    'crm deal edit 1 --owner sara --add-tag renewal',
    'crm deal edit 1 --amount "16000 USD" --if-version 4   # fails if someone changed it since version 4',
  ]);
  cmd.action((ref: string, o: EditOptions) => run(ctx, ref, o));
}
