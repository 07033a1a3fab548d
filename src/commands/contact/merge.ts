import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { getContact, mergeContacts } from '../../domain/contacts.js';
import { fullName } from '../../domain/validate.js';
import { confirmOrRequireYes, info } from '../../io.js';
import { printChanged } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

export async function run(ctx: CliContext, refA: string, refB: string, o: { yes?: boolean }): Promise<void> {
  const s = sessionOf(ctx);
  const [a, b] = [await getContact(s, refA), await getContact(s, refB)];
  // Ask before the transaction: no transaction is held open across a prompt.
  await confirmOrRequireYes(
    ctx.io,
    `Merge #${b.id} ${fullName(b.first_name, b.last_name)} into #${a.id} ${fullName(a.first_name, a.last_name)} and archive #${b.id}?`,
    o.yes,
    `crm contact merge ${a.id} ${b.id} --yes`,
  );
  const result = await mergeContacts(s, String(a.id), String(b.id));
  printChanged(ctx.out, result);
  const moved = Object.entries(result.moved).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  info(ctx.io, `Merged #${b.id} into #${a.id}${moved ? ` (moved ${moved})` : ''}; #${b.id} is archived.`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('merge')
    .description("merge duplicate B into A: keeps A, moves B's deals, tickets, activities and tags, archives B")
    .argument('<keep>', 'contact to keep (A)')
    .argument('<duplicate>', 'contact to merge and archive (B)')
    .option('-y, --yes', 'do not ask for confirmation');
  examples(cmd, ['crm contact merge 12 57', 'crm contact merge sara@example.com s.rahimi@example.com --yes']);
  cmd.action((a: string, b: string, o: { yes?: boolean }) => run(ctx, a, b, o));
}
