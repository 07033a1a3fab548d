/** crm fx import rates.csv — re-runnable: the same file twice changes nothing. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import type { RawRow } from '../../csv/reader.js';
import type { FxRateInput } from '../../domain/fx.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { readStdinBytes } from '../body-file.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

export interface FxImportOptions {
  encoding?: string;
  replace?: boolean;
}

/** Replaced rates named one per line on stderr, up to this many. */
const SHOWN_REPLACED = 20;

export async function run(ctx: CliContext, file: string, o: FxImportOptions = {}): Promise<void> {
  const { TableReader } = await import('../../csv/reader.js');
  const { ratesFromTable, writeRates } = await import('../../domain/fx.js');
  // The CSV reader of crm import: a BOM decides UTF-8/UTF-16, else --encoding (UTF-8 by default);
  // an invalid byte is an error naming its offset; the delimiter is sniffed.
  const reader = new TableReader(file === '-' ? 'standard input' : file, {
    encoding: o.encoding,
    bytes: file === '-' ? await readStdinBytes(ctx) : undefined,
    pathHint: 'Give the path of a CSV file with the columns date,base,quote,rate (or - for standard input).',
  });
  let inputs: FxRateInput[];
  try {
    const rows = function* (): Generator<RawRow> {
      for (let r = reader.next(); r; r = reader.next()) yield r;
    };
    inputs = ratesFromTable(reader.header, rows());
  } finally {
    reader.close();
  }
  const results = inputs.length ? await writeRates(sessionOf(ctx), inputs, file === '-' ? 'stdin' : basename(file), { replace: Boolean(o.replace) }) : [];
  const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
  const summary = { file, rows: results.length, created: count('created'), updated: count('updated'), unchanged: count('unchanged') };
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ ...summary, rates: results.map((r) => ({ ...r.rate, outcome: r.outcome, ...(r.replaced !== undefined ? { replaced: r.replaced } : {}) })) }) + '\n');
  const replaced = results.filter((r) => r.outcome === 'updated');
  for (const r of replaced.slice(0, SHOWN_REPLACED)) info(ctx.io, `Replaced ${r.rate.base}→${r.rate.quote} on ${r.rate.date}: ${r.replaced} → ${r.rate.rate}`);
  if (replaced.length > SHOWN_REPLACED) info(ctx.io, `… and ${replaced.length - SHOWN_REPLACED} more replaced (--json lists them all).`);
  info(ctx.io, `${file}: ${summary.rows} rates — ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged`);
}

export function register(noun: Command, ctx: CliContext): void {
  const cmd = noun
    .command('import')
    .description('import rates from a CSV file with the columns date,base,quote,rate (re-runnable)')
    .argument('<file>', 'CSV file (or - for stdin): a header line, then e.g. 2026-11-30,EUR,USD,1.0832')
    .option('--encoding <name>', 'file encoding when there is no BOM: utf-8 (default), windows-1252, latin1, shift_jis…')
    .option('--replace', 'replace the stored rate of a pair and day when the file gives another one (each is reported)');
  examples(cmd, ['crm fx import rates.csv', 'crm fx import rates.csv --json', 'crm fx import corrected.csv --replace', 'crm fx import rates.csv --encoding windows-1252', 'printf "date,base,quote,rate\\n2026-11-30,EUR,USD,1.0832\\n" | crm fx import -']);
  cmd.addHelpText(
    'after',
    '\nColumns (any order, header names case-insensitive): date (YYYY-MM-DD, the day the rate holds from),\n' +
      'base (or from), quote (or to), rate (1 base = rate quote; a decimal with a point). The file is read\n' +
      'like crm import reads one: a BOM decides UTF-8 or UTF-16, else --encoding; the delimiter is sniffed\n' +
      '(, ; tab |). Every line is checked before anything is stored, and a pair and day given twice in the\n' +
      'file is refused, naming both lines. A rate equal to the stored one of its pair and day is left\n' +
      'unchanged; a different one is refused (nothing imported) unless --replace, which replaces it and\n' +
      'reports each replaced rate.',
  );
  cmd.action((file: string, o: FxImportOptions) => run(ctx, file, o));
}
