import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import * as add from './add.js';
import * as archive from './archive.js';
import * as edit from './edit.js';
import * as list from './list.js';
import * as milestones from './milestones.js';
import * as moves from './moves.js';
import * as people from './people.js';
import * as reasons from './reasons.js';
import * as show from './show.js';
import * as lines from './lines.js';

export function register(noun: Command, ctx: CliContext): void {
  noun.description('deals: add, list, show, edit, move, win, lose, reopen, archive');
  for (const verb of [add, list, show, edit, moves, archive, people, milestones, reasons, lines]) verb.register(noun, ctx);
}
