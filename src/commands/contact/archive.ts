import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { setContactArchived } from '../../domain/contacts.js';
import { info } from '../../io.js';
import { printChanged } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

export async function run(ctx: CliContext, ref: string, archived: boolean): Promise<void> {
  const record = await setContactArchived(sessionOf(ctx), ref, archived);
  printChanged(ctx.out, record);
  info(ctx.io, `${archived ? 'Archived' : 'Restored'} contact #${record.id} ${record.name}`);
}

export function register(parent: Command, ctx: CliContext): void {
  examples(parent.command('archive').description('archive a contact (hidden from lists; nothing is deleted)').argument('<contact>', 'id, email or unique name'), [
    'crm contact archive 12',
    'crm contact list --archived',
  ]).action((ref: string) => run(ctx, ref, true));
  examples(parent.command('restore').description('bring an archived contact back').argument('<contact>', 'id or email'), ['crm contact restore 12']).action((ref: string) => run(ctx, ref, false));
}
