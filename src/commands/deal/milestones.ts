/** `crm deal milestone add|done|undo`: dated steps on the way to closing. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addMilestone, setMilestoneDone } from '../../domain/deals.js';
import { info } from '../../io.js';
import { printChanged, printCreated } from '../../output/render.js';
import { examples, parseId } from '../common.js';
import { sessionOf } from '../session.js';
import { ifVersionOption, type IfVersion } from './options.js';

export function register(parent: Command, ctx: CliContext): void {
  const milestone = parent.command('milestone').description('milestones of a deal: add, done, undo (shown by crm deal show)');
  const add = ifVersionOption(milestone.command('add').description('add a milestone').argument('<deal>', 'deal id').argument('<date>', 'due date YYYY-MM-DD (none for undated)').argument('<title>', 'what should have happened'));
  examples(add, ['crm deal milestone add 1 2026-12-01 "Pilot done"', 'crm deal milestone add 1 2026-12-01 "Pilot done" --if-version 3']);
  add.action(async (dealRef: string, date: string, title: string, o: IfVersion) => {
    const m = await addMilestone(sessionOf(ctx), dealRef, date, title, o.ifVersion);
    printCreated(ctx.out, m.id, m);
    info(ctx.io, `Added milestone #${m.id} to deal #${m.dealId}: ${m.title}`);
  });
  for (const [verb, done] of [
    ['done', true],
    ['undo', false],
  ] as const) {
    const cmd = ifVersionOption(
      milestone
        .command(verb)
        .description(done ? 'mark a milestone done' : 'mark a milestone not done')
        .argument('<milestone>', 'milestone id (crm deal show DEAL lists them)'),
      "the milestone's deal",
    );
    examples(cmd, [`crm deal milestone ${verb} 3`, `crm deal milestone ${verb} 3 --if-version 5   # the deal's version`]);
    cmd.action(async (ref: string, o: IfVersion) => {
      const m = await setMilestoneDone(sessionOf(ctx), parseId(ref, 'Milestone'), done, o.ifVersion);
      printChanged(ctx.out, m);
      info(ctx.io, `Milestone #${m.id} ${m.title}: ${done ? 'done' : 'not done'}`);
    });
  }
}
