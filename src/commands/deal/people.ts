/** `crm deal contact add|remove`: the people on a deal, with their roles. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addDealContact, CONTACT_ROLES, removeDealContact } from '../../domain/deals.js';
import { info } from '../../io.js';
import { printChanged } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { ifVersionOption, type IfVersion } from './options.js';

export function register(parent: Command, ctx: CliContext): void {
  const contact = parent.command('contact').description('people on a deal and their roles: add, remove');
  const roles = CONTACT_ROLES.map((r) => r.replace(' ', '-')).join(', ');
  const add = contact
    .command('add')
    .description('put a contact on a deal (or change their role)')
    .argument('<deal>', 'deal id')
    .argument('<contact>', 'contact id, email or unique name')
    .option('--role <role>', roles);
  ifVersionOption(add);
  examples(add, ['crm deal contact add 1 bob@example.com --role champion', 'crm deal contact add 1 "Ana Lima" --role decision-maker', 'crm deal contact add 1 bob@example.com --if-version 3']);
  add.action(async (dealRef: string, contactRef: string, o: { role?: string } & IfVersion) => {
    const d = await addDealContact(sessionOf(ctx), dealRef, contactRef, o.role, o.ifVersion);
    printChanged(ctx.out, d.contacts);
    info(ctx.io, `Deal #${d.id} ${d.title}: ${d.contacts.length} contact${d.contacts.length === 1 ? '' : 's'}`);
  });
  const remove = ifVersionOption(contact.command('remove').description('take a contact off a deal').argument('<deal>', 'deal id').argument('<contact>', 'contact id, email or unique name'));
  examples(remove, ['crm deal contact remove 1 bob@example.com', 'crm deal contact remove 1 bob@example.com --if-version 4']);
  remove.action(async (dealRef: string, contactRef: string, o: IfVersion) => {
    const d = await removeDealContact(sessionOf(ctx), dealRef, contactRef, o.ifVersion);
    printChanged(ctx.out, d.contacts);
    info(ctx.io, `Removed from deal #${d.id} ${d.title}`);
  });
}
