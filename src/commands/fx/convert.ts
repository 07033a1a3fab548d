/** crm fx convert 100 EUR --to USD [--date D] [--explain] — the conversion the reports use. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

export interface FxConvertOptions {
  to?: string;
  date?: string;
  explain?: boolean;
}

export async function run(ctx: CliContext, amountParts: string[], o: FxConvertOptions): Promise<void> {
  const s = sessionOf(ctx);
  const { parseMoney } = await import('../../domain/money.js');
  const { loadFxConverter } = await import('../../domain/fx.js');
  const { readDefaults } = await import('../../domain/settings.js');
  const { zonedDay } = await import('../../db/filter.js');
  const { UsageError } = await import('../../errors.js');
  const { parseDay } = await import('../../domain/period.js');
  const amount = parseMoney(amountParts.join(' '));
  const target = o.to ?? (await readDefaults(s)).currency;
  if (!target) throw new UsageError('Convert to which currency?', 'Give --to USD, or set a home currency: crm config set currency USD');
  const today = zonedDay(s.now().toISOString(), s.timeZone);
  if (o.date !== undefined) parseDay(o.date, '--date');
  const day = o.date ?? today;
  const fx = await loadFxConverter(s, target, day > today ? day : today);
  const result = fx.convertMoney(amount, day);
  const use = fx.uses()[0] ?? null;
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ amount, date: day, result, rate: use }) + '\n');
  else emit(ctx.out, `${result.format()}\n`);
  if (o.explain && !isJsonFormat(ctx.out)) emit(ctx.out, `\n${fx.explain('amount')}\n`);
}

export function register(noun: Command, ctx: CliContext): void {
  const cmd = noun
    .command('convert')
    .description('convert an amount at the most recent rate on or before a day')
    .argument('<amount...>', 'e.g. 100 EUR, "12500.50 EUR", €99')
    .option('--to <code>', 'target currency (default: the home currency, crm config get currency)')
    .option('--date <YYYY-MM-DD>', 'the amount\'s date (default: today)')
    .option('--explain', 'say which rate was used and how');
  examples(cmd, ['crm fx convert 100 EUR --to USD --date 2026-11-30', 'crm fx convert "¥15000" --to EUR --explain', 'crm fx convert 100 EUR --json']);
  cmd.action((amount: string[], o: FxConvertOptions) => run(ctx, amount, o));
}
