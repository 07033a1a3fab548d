/** move / win / lose / reopen: every one appends a stage-history row (from, to, at, actor). */
import { inlineOrBodyFile } from '../body-file.js';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { assertLosable, listLostReasons, loseDeal, moveDeal, reopenDeal, winDeal, type DealRecord } from '../../domain/deals.js';
import { UserError } from '../../errors.js';
import { info } from '../../io.js';
import { printChanged } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { ifVersionOption, type IfVersion } from './options.js';

function done(ctx: CliContext, record: DealRecord, what: string): void {
  printChanged(ctx.out, record);
  info(ctx.io, `Deal #${record.id} ${record.title}: ${what}`);
}

export async function runLose(ctx: CliContext, ref: string, o: { reason?: string; note?: string } & IfVersion): Promise<void> {
  const s = sessionOf(ctx);
  let reason = o.reason;
  if (reason === undefined) {
    // Check first (a stale version, an archived or already-closed deal needs no reason), then ask — outside any transaction.
    await assertLosable(s, ref, o.ifVersion);
    const names = (await listLostReasons(s)).map((r) => r.name);
    if (!ctx.io.isInteractive) {
      throw new UserError('Losing a deal needs a reason.', `crm deal lose ${ref} --reason "${names[0] ?? 'price'}" [--note "…"]   (reasons: ${names.join(', ')}; add one: crm deal reasons add NAME)`, 'reason_required');
    }
    reason = (await ctx.io.prompt(`Why was deal #${ref.replace('#', '')} lost? (${names.join(', ')}): `)).trim();
    if (o.note === undefined && reason) {
      const note = (await ctx.io.prompt('Note (optional): ')).trim();
      if (note) o = { ...o, note };
    }
  }
  const record = await loseDeal(s, ref, reason, o.note, o.ifVersion);
  done(ctx, record, `lost (${record.lostReason})`);
}

export function register(parent: Command, ctx: CliContext): void {
  const move = ifVersionOption(parent.command('move').description('move a deal to another stage (name, case-insensitive; a unique prefix is enough)').argument('<deal>', 'deal id').argument('<stage>', 'stage, e.g. quote'));
  examples(move, [
    'crm deal move 42 quote',
    'crm deal move 42 neg',
    'crm deal move 42 won      # same as crm deal win 42',
    'crm deal move 42 quote --if-version 3   # only if nobody changed it since version 3',
  ]);
  move.action(async (ref: string, stage: string, o: IfVersion) => {
    const record = await moveDeal(sessionOf(ctx), ref, stage, o.ifVersion);
    done(ctx, record, `now in ${record.stage.name}`);
  });

  const win = ifVersionOption(parent.command('win').description('mark a deal won (moves it to the won stage, sets won_at)').argument('<deal>', 'deal id'));
  examples(win, ['crm deal win 1', 'v=$(crm deal show 1 --json | jq .version) && crm deal win 1 --if-version "$v"   # fails (exit 1) if changed meanwhile']);
  win.action(async (ref: string, o: IfVersion) => done(ctx, await winDeal(sessionOf(ctx), ref, o.ifVersion), 'won'));

  const lose = parent
    .command('lose')
    .description('mark a deal lost: a reason is required (asked for on a terminal)')
    .argument('<deal>', 'deal id')
    .option('--reason <reason>', 'one of the lost reasons (crm deal reasons); a unique prefix is enough')
    .option('--note <text>', 'what happened, in a sentence')
    .option('--body-file <file>', 'read the --note from FILE (- for stdin)');
  ifVersionOption(lose);
  examples(lose, ['crm deal lose 2 --reason price --note "Went with a cheaper vendor"', 'crm deal lose 2 --reason price --if-version 5', 'crm deal reasons                 # the list of reasons']);
  lose.action((ref: string, o: { reason?: string; note?: string; bodyFile?: string } & IfVersion) => runLose(ctx, ref, { ...o, note: inlineOrBodyFile(o.note, o.bodyFile, '--note') }));

  const reopen = parent
    .command('reopen')
    .description('reopen a won or lost deal (clears won/lost) into an open stage')
    .argument('<deal>', 'deal id')
    .option('--stage <stage>', 'open stage to reopen into (default: the last open stage it was in)');
  ifVersionOption(reopen);
  examples(reopen, ['crm deal reopen 2', 'crm deal reopen 2 --stage negotiation', 'crm deal reopen 2 --if-version 6']);
  reopen.action(async (ref: string, o: { stage?: string } & IfVersion) => {
    const record = await reopenDeal(sessionOf(ctx), ref, o.stage, o.ifVersion);
    done(ctx, record, `reopened in ${record.stage.name}`);
  });
}
