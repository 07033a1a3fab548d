/**
 * --body-file FILE|- : a multi-line body or note from a file or from stdin, for every command
 * that takes one (ticket reply/note/message/open/edit and status notes, log, activity edit, task,
 * contact and company notes, deal moves, template add). One option, one reader, one rule: the
 * text given inline and --body-file together is a usage error.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { CliContext } from '../context.js';
import { UsageError, UserError } from '../errors.js';

/** Add --body-file to a command; `what` names the text it fills ("the reply", "--notes"). */
export function bodyFileOption(cmd: Command, what: string): Command {
  return cmd.option('--body-file <file>', `read ${what} from FILE (- for stdin), for multi-line text`);
}

/**
 * What every body read from a file or stdin becomes — one behaviour for every command: UTF-8, a
 * byte-order mark dropped, CRLF line ends as LF, the trailing newlines (a file's last line end)
 * dropped. Everything else is kept: inner blank lines and indentation (Markdown needs both).
 */
export function bodyText(raw: string): string {
  return raw.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').replace(/\n+$/, '');
}

/**
 * The largest body crm stores, as the largest CSV field an import takes (MAX_FIELD_CHARS): a
 * 50 MB article was stored, then made every `kb search` take 1.7 GB and a minute.
 */
export const MAX_BODY_CHARS = 8 << 20;

function sizedBody(text: string, source: string): string {
  if (text.length > MAX_BODY_CHARS) {
    throw new UserError(`${source} holds ${(text.length / (1 << 20)).toFixed(1)} M characters; a body is at most ${MAX_BODY_CHARS >> 20} M.`, 'Shorten it, or keep the large file elsewhere and link to it.', 'too_large');
  }
  return bodyText(text);
}

/** The text of a --body-file argument: a file's content, or stdin for "-" (bodyText's rules). */
export function readBodyFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UserError(`Cannot read ${path === '-' ? 'stdin' : path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`, 'Check the path given to --body-file (or use - for stdin).', 'io');
  }
  return sizedBody(text, path === '-' ? 'stdin' : path);
}

/**
 * The inline value, or the --body-file text; both is a usage error naming the inline flag.
 * `inline` undefined (or, for positional words, an empty string) counts as not given.
 */
export function inlineOrBodyFile(inline: string | undefined, bodyFile: string | undefined, flag: string): string | undefined {
  const given = inline !== undefined && inline !== '';
  if (bodyFile === undefined) return inline;
  if (given) throw new UsageError(`Give ${flag} or --body-file, not both.`);
  return readBodyFile(bodyFile);
}

// ---- --body TEXT | --body-file FILE|- as one pair (crm kb): stdin read from the command's streams.

export interface BodyFlags {
  body?: string;
  bodyFile?: string;
}

export function bodyOptions(cmd: Command, what = 'the text'): Command {
  return bodyFileOption(cmd.option('--body <text>', `${what} (\\n for new lines)`), what);
}

/** All of the command's standard input, as bytes (the streams of its context, so the harness can feed it). */
export async function readStdinBytes(ctx: CliContext): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (ctx.io.stdin ?? process.stdin) as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** All of the command's standard input as UTF-8. */
export async function readStdin(ctx: CliContext): Promise<string> {
  return (await readStdinBytes(ctx)).toString('utf8');
}

/** The body given (undefined when neither flag is); refuses both at once. Stdin is read from the command's streams, then treated as any --body-file (bodyText). */
export async function readBody(ctx: CliContext, o: BodyFlags): Promise<string | undefined> {
  if (o.body !== undefined && o.bodyFile !== undefined) throw new UsageError('Give --body or --body-file, not both.');
  if (o.body !== undefined) return o.body.replace(/\\n/g, '\n');
  if (o.bodyFile === undefined) return undefined;
  if (o.bodyFile === '-') return sizedBody(await readStdin(ctx), 'stdin');
  return readBodyFile(o.bodyFile);
}
