/** `crm deal reasons [add|remove]`: the configurable list of lost reasons (the lessons database). */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addLostReason, listLostReasons, removeLostReason, type LostReasonRecord } from '../../domain/deals.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

const view: ListView<LostReasonRecord> = [
  { key: 'name', label: 'Reason' },
  { key: 'deals', label: 'Lost deals', format: 'int' },
  { key: 'active', label: 'Offered', format: 'bool' },
];

export function register(parent: Command, ctx: CliContext): void {
  const reasons = parent.command('reasons').description('the lost reasons offered by crm deal lose (list; add; remove)').option('--all', 'include retired reasons');
  examples(reasons, ['crm deal reasons', 'crm deal reasons add "slow delivery"', 'crm deal reasons remove timing']);
  reasons.action(async (o: { all?: boolean }) => {
    printList(ctx.out, view, await listLostReasons(sessionOf(ctx), o), { emptyMessage: 'No lost reasons: add one with crm deal reasons add NAME.' });
  });
  reasons
    .command('add')
    .description('add a lost reason')
    .argument('<name>', 'e.g. "slow delivery"')
    .action(async (name: string) => {
      const r = await addLostReason(sessionOf(ctx), name);
      printCreated(ctx.out, r.name, r);
      info(ctx.io, `Added lost reason "${r.name}"`);
    });
  reasons
    .command('remove')
    .description('stop offering a reason (deals lost for it keep it)')
    .argument('<name>', 'reason (unique prefix ok)')
    .action(async (name: string) => {
      const r = await removeLostReason(sessionOf(ctx), name);
      printChanged(ctx.out, r);
      info(ctx.io, `Retired lost reason "${r.name}"`);
    });
}
