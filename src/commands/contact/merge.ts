import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { mergeContacts, type MergeResult } from '../../domain/contact-merge.js';
import { getContact } from '../../domain/contacts.js';
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
  for (const line of mergeSummary(a.id, b.id, result)) info(ctx.io, line);
}

/** What the merge did, for a person: moved links, filled gaps, appended notes, values kept in history only. */
export function mergeSummary(keptId: number, otherId: number, result: MergeResult): string[] {
  const moved = Object.entries(result.moved).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  const lines = [`Merged #${otherId} into #${keptId}${moved ? ` (moved ${moved})` : ''}; #${otherId} is archived.`];
  if (result.filled.length) lines.push(`  #${keptId} took from #${otherId}: ${result.filled.join(', ')}.`);
  if (result.notesAppended) lines.push(`  #${otherId}'s notes were appended to #${keptId}'s.`);
  if (result.notKept.length) {
    const values = result.notKept.map((n) => `${n.field} ${show(n.other)}`).join('; ');
    lines.push(`  Kept #${keptId}'s values; #${otherId}'s differing ${values} — in the history: crm history contact ${keptId}`);
  }
  return lines;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v ?? null);
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
