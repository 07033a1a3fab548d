/** crm fx: exchange rates (set, import, list) and one-off conversions (issue #19 item 7). */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import * as convert from './convert.js';
import * as importRates from './import.js';
import * as list from './list.js';
import * as set from './set.js';

export function register(noun: Command, ctx: CliContext): void {
  noun.description('exchange rates: set, import, list; convert an amount (reports convert with --in CUR)');
  set.register(noun, ctx);
  importRates.register(noun, ctx);
  list.register(noun, ctx);
  convert.register(noun, ctx);
}
