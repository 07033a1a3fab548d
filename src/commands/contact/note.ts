import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addPsychNote } from '../../domain/psych-notes.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { printCreated } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('note')
    .description('add a psychological note to a contact (append-only; author and time kept; shown first by contact show)')
    .argument('<contact>', 'id, email or unique name')
    .option('--psych <text>', 'the note: how this person likes to be dealt with');
  examples(cmd, ['crm contact note 12 --psych "Decides slowly; wants figures in writing"', 'crm contact note sara@example.com --psych "Prefers calls before 10:00" --json', 'crm log note "Called about the renewal" --contact 12   # an ordinary note is an activity']);
  cmd.action(async (ref: string, o: { psych?: string }) => {
    if (o.psych === undefined) throw new UsageError('crm contact note takes --psych "…" (a psychological note).', `For an ordinary note log an activity: crm log note "…" --contact ${ref}`);
    const note = await addPsychNote(sessionOf(ctx), ref, o.psych);
    printCreated(ctx.out, note.id, note);
    info(ctx.io, `Added psychological note #${note.id} to contact #${note.contactId}`);
  });
}
