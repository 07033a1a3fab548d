/** `crm ticket …`: open, list, show, and every lifecycle verb. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import * as actions from './actions.js';
import * as link from './link.js';
import * as list from './list.js';
import * as open from './open.js';
import * as show from './show.js';

export function register(noun: Command, ctx: CliContext): void {
  noun.description('support tickets: open, reply, solve — with SLA clocks (crm help sla)');
  for (const verb of [open, list, show, actions, link]) verb.register(noun, ctx);
}
