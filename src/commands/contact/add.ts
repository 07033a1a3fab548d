import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addContact } from '../../domain/contacts.js';
import { info } from '../../io.js';
import { printCreated } from '../../output/render.js';
import { collect, examples } from '../common.js';
import { sessionOf } from '../session.js';
import { contactFieldOptions, contactInputFrom, type ContactFlagValues } from './options.js';

export interface AddOptions extends ContactFlagValues {
  tag?: string[];
}

export async function run(ctx: CliContext, name: string | undefined, o: AddOptions): Promise<void> {
  const s = sessionOf(ctx);
  const record = await addContact(s, { ...contactInputFrom(o), name, tags: o.tag }, { companyCreated: (c) => info(ctx.io, `Created company #${c.id} ${c.name}`) });
  printCreated(ctx.out, record.id, record);
  info(ctx.io, `Added contact #${record.id} ${record.name}`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('add').description('add a contact (a name and an email or phone are enough)').argument('[name]', 'full name, e.g. "Sara Rahimi"');
  contactFieldOptions(cmd).option('--tag <tag>', 'tag (repeatable, or comma-separated)', collect);
  examples(cmd, [
    'crm contact add "Sara Rahimi" --email sara@example.com --phone "+98 21 5555 0101" --company "Acme Ltd"',
    'crm contact add "Lin Wei" --phone "+86 10 5555 0199" --source referral --tag vip',
    'id=$(crm contact add "Ana Lima" --email ana@example.com)   # prints the new id',
  ]);
  cmd.action((name: string | undefined, o: AddOptions) => run(ctx, name, o));
}
