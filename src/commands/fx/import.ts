/** crm fx import rates.csv — re-runnable: the same file twice changes nothing. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UserError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

export async function run(ctx: CliContext, file: string): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new UserError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Give the path of a CSV file with the columns date,base,quote,rate');
  }
  const { CsvParser } = await import('../../csv/parse.js');
  const { sniffDelimiter } = await import('../../csv/reader.js');
  const { ratesFromTable, writeRates } = await import('../../domain/fx.js');
  const rows: string[][] = [];
  const parser = new CsvParser(sniffDelimiter(text));
  parser.write(text, rows);
  parser.end(rows);
  const inputs = ratesFromTable(rows);
  const results = inputs.length ? await writeRates(sessionOf(ctx), inputs, file === '-' ? 'stdin' : basename(file)) : [];
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  const summary = { file, rows: results.length, created: count('created'), updated: count('updated'), unchanged: count('unchanged') };
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ ...summary, rates: results.map((r) => ({ ...r.rate, outcome: r.outcome })) }) + '\n');
  info(ctx.io, `${file}: ${summary.rows} rates — ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged`);
}

export function register(noun: Command, ctx: CliContext): void {
  const cmd = noun
    .command('import')
    .description('import rates from a CSV file with the columns date,base,quote,rate (re-runnable)')
    .argument('<file>', 'CSV file (or - for stdin): a header line, then e.g. 2026-11-30,EUR,USD,1.0832');
  examples(cmd, ['crm fx import rates.csv', 'crm fx import rates.csv --json', 'printf "date,base,quote,rate\\n2026-11-30,EUR,USD,1.0832\\n" | crm fx import -']);
  cmd.addHelpText('after', '\nColumns (any order, header names case-insensitive): date (YYYY-MM-DD, the day the rate holds from),\nbase (or from), quote (or to), rate (1 base = rate quote; a decimal with a point). The delimiter is\nsniffed (, ; tab |). Every line is checked before anything is stored. A rate equal to the stored one\nof its pair and day is left unchanged; a different one replaces it (updated).');
  cmd.action((file: string) => run(ctx, file));
}
