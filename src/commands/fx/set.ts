/** crm fx set EUR USD 1.0832 --date 2026-11-30 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { info } from '../../io.js';
import { printCreated } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

export interface FxSetOptions {
  date?: string;
}

export async function run(ctx: CliContext, base: string, quote: string, rate: string, o: FxSetOptions): Promise<void> {
  const s = sessionOf(ctx);
  const { writeRates } = await import('../../domain/fx.js');
  const { zonedDay } = await import('../../db/filter.js');
  const [r] = await writeRates(s, [{ base, quote, rate, date: o.date ?? zonedDay(s.now().toISOString(), s.timeZone) }]);
  printCreated(ctx.out, r!.rate.id, { ...r!.rate, outcome: r!.outcome });
  info(ctx.io, `${r!.outcome === 'unchanged' ? 'Unchanged' : r!.outcome === 'updated' ? 'Updated' : 'Set'}: 1 ${r!.rate.base} = ${r!.rate.rate} ${r!.rate.quote} from ${r!.rate.date}`);
}

export function register(noun: Command, ctx: CliContext): void {
  const cmd = noun
    .command('set')
    .description('set the rate of a currency pair from a day on: 1 BASE = RATE QUOTE (replaces that day\'s rate)')
    .argument('<base>', 'the currency converted from, e.g. EUR')
    .argument('<quote>', 'the currency converted to, e.g. USD')
    .argument('<rate>', 'a positive decimal, e.g. 1.0832 (kept exactly, never as a float)')
    .option('--date <YYYY-MM-DD>', 'the day the rate holds from (default: today)');
  examples(cmd, ['crm fx set EUR USD 1.0832 --date 2026-11-30', 'crm fx set USD JPY 151.7 --date 2026-11-30 --json', 'crm fx set GBP EUR 1.1675   # today']);
  cmd.action((base: string, quote: string, rate: string, o: FxSetOptions) => run(ctx, base, quote, rate, o));
}
