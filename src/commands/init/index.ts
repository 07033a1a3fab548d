/** `crm init`: the first command of a new user — the same command as `crm db init`. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { configure } from '../db/init.js';

export function register(noun: Command, ctx: CliContext): void {
  configure(noun, ctx, 'init');
}
