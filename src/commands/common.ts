/** Small helpers shared by verbs: repeatable flags, list limits, examples in --help. */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from '../context.js';
import { info } from '../io.js';

/** For repeatable options: --tag a --tag b, also --tag a,b. */
export function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(value.split(',').map((v) => v.trim()).filter(Boolean));
}

/** Repeatable, and never split on commas: "1,200.50 EUR" is one price, "fa,en" one value. */
export function collectWhole(value: string, previous: string[] = []): string[] {
  return previous.concat(value);
}

export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${name} must be a positive whole number, not "${value}".`);
    return Number(value);
  };
}

export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', '\nExamples:\n' + lines.map((l) => '  ' + l).join('\n'));
}

/** Default page size: 50 rows in a terminal table, everything when piped or exported. */
export function effectiveLimit(ctx: CliContext, limit: number | undefined, all?: boolean): number | undefined {
  if (all) return undefined;
  if (limit !== undefined) return limit;
  return ctx.io.isStdoutTTY && !ctx.globals.output && !ctx.globals.json && !ctx.globals.format ? 50 : undefined;
}

/** `what`: the plural noun ("deals"). */
export function noteTruncated(ctx: CliContext, shown: number, total: number, what: string): void {
  if (total > shown) info(ctx.io, `Showing ${shown} of ${total} ${what}; use --limit N or --all for more.`);
}

/** Parse an integer id argument ("12" or "#12"). */
export function parseId(value: string, what: string): number {
  const m = /^#?(\d+)$/.exec(value.trim());
  if (!m) throw new UsageError(`${what} id must be a number, not "${value}".`);
  return Number(m[1]);
}
