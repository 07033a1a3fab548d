/** `--body TEXT` or `--body-file FILE|-` (stdin): the multi-line text of a command, from one place. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError, UserError } from '../errors.js';

export interface BodyFlags {
  body?: string;
  bodyFile?: string;
}

export function bodyOptions(cmd: Command, what = 'the text'): Command {
  return cmd.option('--body <text>', `${what} (\\n for new lines)`).option('--body-file <file>', `read ${what} from a file (- for stdin)`);
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The body given (undefined when neither flag is); refuses both at once. */
export async function readBody(ctx: CliContext, o: BodyFlags): Promise<string | undefined> {
  if (o.body !== undefined && o.bodyFile !== undefined) throw new UsageError('Give --body or --body-file, not both.');
  if (o.body !== undefined) return o.body.replace(/\\n/g, '\n');
  if (o.bodyFile === undefined) return undefined;
  if (o.bodyFile === '-') {
    const stdin = ctx.io.stdin ?? process.stdin;
    return readStream(stdin);
  }
  try {
    return readFileSync(o.bodyFile, 'utf8');
  } catch (err) {
    throw new UserError(`Cannot read ${o.bodyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'Check the path given to --body-file (- reads stdin).');
  }
}
