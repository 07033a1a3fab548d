/**
 * IOStreams: the only handle commands have on the terminal. Tests build one with string buffers.
 * Colour follows NO_COLOR / FORCE_COLOR / --no-color and whether stdout is a TTY.
 */
import type { Readable } from 'node:stream';
import { UserError } from './errors.js';
import { terminalText } from './output/safe.js';

export interface WritableLike {
  write(chunk: string): unknown;
}

export interface IOStreams {
  stdout: WritableLike;
  stderr: WritableLike;
  stdin?: Readable;
  /** stdout is a terminal: render tables, colour, charts. Piped: TSV, no colour. */
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  /** stdin is a terminal, so we may prompt. */
  isInteractive: boolean;
  color: boolean;
  /** Terminal width in columns (80 when unknown). */
  width: number;
  quiet: boolean;
  /** Ask a question on stderr and read one line. Only allowed when isInteractive. */
  prompt(question: string): Promise<string>;
}

export interface IOOptions {
  env: NodeJS.ProcessEnv;
  noColor?: boolean;
  quiet?: boolean;
}

/** A stream's write() and, when it has it, once() (crm export waits for 'drain'). */
interface StreamLike extends WritableLike {
  once?: (event: string, listener: () => void) => unknown;
}

function safeStream(inner: StreamLike, isTerminal: boolean): StreamLike {
  const write = (chunk: string) => inner.write(terminalText(chunk, isTerminal));
  return inner.once ? { write, once: (event, listener) => inner.once!(event, listener) } : { write };
}

/**
 * The one writer every byte of stdout and stderr passes through (main() wraps its IOStreams
 * with it, tests' included): a stream that is a terminal gets terminal-safe text — no control
 * byte but tab and newline, no escape sequence, no bidi override, except what crm means to
 * write (colour, progress; see output/safe.ts); a file or pipe gets the bytes as written, so
 * exports, ICS and JSON stay exact. Prompts are questions on stderr and follow the same rule.
 */
export function terminalSafe(io: IOStreams): IOStreams {
  // Once: `crm help NOUN` runs main() again with the streams it already has.
  if (wrapped.has(io)) return io;
  const safe: IOStreams = {
    ...io,
    stdout: safeStream(io.stdout, io.isStdoutTTY),
    stderr: safeStream(io.stderr, io.isStderrTTY),
    prompt: (question) => io.prompt(terminalText(question, io.isStderrTTY)),
  };
  wrapped.add(safe);
  return safe;
}

const wrapped = new WeakSet<IOStreams>();

/** NO_COLOR wins over everything but FORCE_COLOR; --no-color wins over both. */
export function colorEnabled(isTTY: boolean, env: NodeJS.ProcessEnv, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function systemIO(opts: IOOptions): IOStreams {
  const stdoutTTY = Boolean(process.stdout.isTTY);
  const stdinTTY = Boolean(process.stdin.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isStdoutTTY: stdoutTTY,
    isStderrTTY: Boolean(process.stderr.isTTY),
    isInteractive: stdinTTY && Boolean(process.stderr.isTTY),
    color: colorEnabled(stdoutTTY, opts.env, opts.noColor),
    width: process.stdout.columns || Number(opts.env.COLUMNS) || 80,
    quiet: Boolean(opts.quiet),
    prompt: (question) => promptLine(question),
  };
}

async function promptLine(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** Ask for confirmation on a TTY; otherwise demand --yes. Used by destructive and bulk changes. */
export async function confirmOrRequireYes(io: IOStreams, question: string, yes: boolean | undefined, rerun: string): Promise<void> {
  if (yes) return;
  if (!io.isInteractive) {
    throw new UserError(`${question} Refusing without confirmation.`, `Re-run with --yes: ${rerun}`, 'confirmation_required');
  }
  const answer = (await io.prompt(`${question} [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new UserError('Cancelled; nothing was changed.', undefined, 'cancelled');
}

/** A progress / confirmation line on stderr, silenced by -q. */
export function info(io: IOStreams, message: string): void {
  if (!io.quiet) io.stderr.write(message + '\n');
}

export function warn(io: IOStreams, message: string): void {
  io.stderr.write(`warning: ${message}\n`);
}
