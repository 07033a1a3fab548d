import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { showContact } from '../../domain/contacts.js';
import { printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { contactFields } from './views.js';

export async function run(ctx: CliContext, ref: string): Promise<void> {
  const record = await showContact(sessionOf(ctx), ref);
  printRecord(ctx.out, record, contactFields, [{ title: 'Notes', text: record.notes ?? '' }]);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('show').description('show one contact').argument('<contact>', 'id, email or unique name');
  examples(cmd, ['crm contact show 12', 'crm contact show sara@example.com', 'crm contact show "Sara Rahimi" --json']);
  cmd.action((ref: string) => run(ctx, ref));
}
