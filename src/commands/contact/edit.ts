import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { editContact } from '../../domain/contacts.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { printChanged } from '../../output/render.js';
import { collect, examples, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { contactFieldOptions, contactInputFrom, type ContactFlagValues } from './options.js';

export interface EditOptions extends ContactFlagValues {
  name?: string;
  addTag?: string[];
  removeTag?: string[];
  setTags?: string[];
  ifVersion?: number;
}

export async function run(ctx: CliContext, ref: string, o: EditOptions): Promise<void> {
  const input = { ...contactInputFrom(o), name: o.name, addTags: o.addTag, removeTags: o.removeTag, tags: o.setTags };
  if (Object.values(input).every((v) => v === undefined)) {
    throw new UsageError('Nothing to change.', `Give a field to change, e.g. crm contact edit ${ref} --phone "+49 30 1234" (see --help).`);
  }
  const record = await editContact(sessionOf(ctx), ref, input, { companyCreated: (c) => info(ctx.io, `Created company #${c.id} ${c.name}`) }, o.ifVersion);
  printChanged(ctx.out, record);
  info(ctx.io, `Updated contact #${record.id} ${record.name}`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('edit').description('change a contact (only the fields you give)').argument('<contact>', 'id, email or unique name').option('--name <name>', 'full name');
  contactFieldOptions(cmd)
    .option('--add-tag <tag>', 'add a tag (repeatable)', collect)
    .option('--remove-tag <tag>', 'remove a tag (repeatable)', collect)
    .option('--set-tags <tags>', 'replace all tags (comma-separated; "" for none)', (v: string) => v.split(',').map((t) => t.trim()).filter(Boolean))
    .option('--if-version <n>', 'refuse if the contact is no longer at this version (optimistic locking)', positiveInt('--if-version'));
  examples(cmd, ['crm contact edit 12 --lifecycle customer', 'crm contact edit sara@example.com --phone "+98 21 5555 0102" --add-tag vip', 'crm contact edit 12 --company none   # unlink from the company']);
  cmd.action((ref: string, o: EditOptions) => run(ctx, ref, o));
}
