import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { setDealArchived } from '../../domain/deals.js';
import { info } from '../../io.js';
import { printChanged } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { ifVersionOption, type IfVersion } from './options.js';

export function register(parent: Command, ctx: CliContext): void {
  for (const [verb, archived, text] of [
    ['archive', true, 'archive a deal (out of lists and totals; nothing is deleted)'],
    ['restore', false, 'bring an archived deal back'],
  ] as const) {
    const cmd = ifVersionOption(parent.command(verb).description(text).argument('<deal>', 'deal id'));
    examples(cmd, [`crm deal ${verb} 12`, `crm deal ${verb} 12 --if-version 4`, ...(archived ? ['crm deal list --archived'] : [])]);
    cmd.action(async (ref: string, o: IfVersion) => {
      const record = await setDealArchived(sessionOf(ctx), ref, archived, o.ifVersion);
      printChanged(ctx.out, record);
      info(ctx.io, `${archived ? 'Archived' : 'Restored'} deal #${record.id} ${record.title}`);
    });
  }
}
