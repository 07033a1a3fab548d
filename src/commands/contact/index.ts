import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import * as add from './add.js';
import * as archive from './archive.js';
import * as edit from './edit.js';
import * as find from './find.js';
import * as link from './link.js';
import * as list from './list.js';
import * as merge from './merge.js';
import * as note from './note.js';
import * as show from './show.js';

export function register(noun: Command, ctx: CliContext): void {
  for (const verb of [add, list, show, edit, find, archive, merge, note, link]) verb.register(noun, ctx);
}
