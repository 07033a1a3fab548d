/**
 * The commander program, global flags, and the one place errors become exit codes.
 */
import { Command, CommanderError, Option } from 'commander';
import { clockFromEnv, type Clock } from './clock.js';
import { createContext, type CliContext } from './context.js';
import { CrmError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { systemIO, terminalSafe, type IOStreams } from './io.js';
import { jsonEscaped } from './output/safe.js';
import { rejectControlChars } from './domain/validate.js';
import { TypedArgs } from './cli-input.js';
import { findNoun, nouns } from './commands/registry.js';
import { sqliteCode, translateSqliteError } from './db/sqlite-errors.js';
import type { Db, OpenOptions } from './db/sqlite.js';
import { isPostgresUrl, redactUrl } from './db/postgres/url.js';
import { loadPostgresEngine } from './db/postgres/load.js';
import { needsNoDatabase, notOnPostgres, opensWithoutMigrating, runsOnPostgres } from './db/postgres/support.js';

export interface MainDeps {
  io?: IOStreams;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** The OS login name (default: the process's user); tests inject one. */
  login?: string;
}

/**
 * Commands that run without a resolved crm user: they create or examine the file itself, or
 * explain things (`crm init`, `crm demo`, `crm db …`; restore and vacuum check db.admin themselves).
 */
const UNGATED = new Set(['init', 'demo', 'help', 'db']);

/** Global options that take a value: skipped when looking for the noun in argv. */
const VALUE_FLAGS = new Set(['--db', '--as', '--format', '-o', '--output', '--journal', '--tz']);

export function findCommandToken(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv[i + 1];
    if (VALUE_FLAGS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

/**
 * The verb the command line names under its noun, read the way commander reads it: the second
 * operand, with nothing but the program's own options (and their values) before it. Anything
 * else first (--help, an unknown option, `--`, combined short flags) gives undefined, and the noun
 * then registers all its verbs, so help and "did you mean" see them all.
 */
export function findVerbToken(argv: string[], program: Command): string | undefined {
  const operands: string[] = [];
  for (let i = 0; i < argv.length && operands.length < 2; i++) {
    const a = argv[i]!;
    if (a.length < 2 || !a.startsWith('-')) {
      operands.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const option = program.options.find((o) => o.long === flag || o.short === flag);
    if (!option) return undefined;
    if ((option.required || option.optional) && eq < 0) i++;
  }
  return operands[1];
}

export async function buildProgram(ctx: CliContext, argv: string[], typed: TypedArgs = new TypedArgs()): Promise<Command> {
  const program = new Command('crm');
  program
    .description('A terminal-first CRM: contacts, pipeline, tickets with SLAs, reports — in one SQLite file.')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .option('--db <path>', 'database file or postgres:// URL (default: $CRM_DB, else ~/.local/share/crm/crm.db)')
    .option('--as <user>', 'act for this user — admins only (default: $CRM_USER, else your login name)')

    .option('--json', 'print JSON (same as --format json)')
    .addOption(new Option('--format <format>', 'output format (md, html, txt: documents, for crm quote render)').choices(['table', 'tsv', 'csv', 'json', 'ndjson', 'md', 'html', 'txt']))
    .option('-o, --output <file>', 'write results to a file instead of stdout')
    .option('--wide', 'tables: every column whole, however wide the terminal (default: fit it)')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('-q, --quiet', 'no confirmations or progress on stderr')
    .option('--no-migrate', 'do not apply pending migrations on open')
    .addOption(new Option('--journal <mode>', 'SQLite journal: wal (default); delete only for a network file system (see README)').choices(['wal', 'delete']))
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      outputError: () => {
        /* printed by reportError so --json gets a JSON error */
      },
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  crm init                                  create your database (the first command)
  crm demo                                  seed a demo database and take the tour
  crm contact add "Sara Rahimi" --email sara@example.com --company "Acme Ltd"
  crm contact list owner:me +vip            the filter language: crm help filters
  crm contact find rahimi --json

Environment: CRM_DB (database path), CRM_USER (acting user), CRM_NOW (freeze "now",
e.g. 2026-11-20T17:55:00Z), NO_COLOR / FORCE_COLOR, CRM_DEBUG=1 (stack traces).
Exit codes: 0 ok, 1 failure, 2 usage error, 3 a check you asked for found problems.`,
    );

  // --tz for everything but `crm calendar`, whose own --tz names the calendar's zone.
  const wanted = findNoun(findCommandToken(argv));
  if (wanted?.name !== 'calendar') program.option('--tz <zone>', "time zone for days, weeks and shown times (default: your user's, else $TZ)");
  // --calendar for everything but `crm user` (its --calendar sets a user's calendar) and `crm sla`
  // (its --calendar names a business calendar): their commands read the user's own setting.
  const ownCalendarFlag = wanted?.name === 'user' || wanted?.name === 'sla';
  if (!ownCalendarFlag) program.option('--calendar <calendar>', "persian: read and show Jalali dates (default: your user's, else gregorian)");

  program.hook('preAction', async (_this, actionCommand) => {
    ctx.globals = { ...actionCommand.optsWithGlobals(), tz: wanted?.name === 'calendar' ? undefined : program.opts().tz, calendar: ownCalendarFlag ? undefined : program.opts().calendar };
    ctx.io.color = ctx.io.color && ctx.globals.color !== false;
    ctx.io.quiet = Boolean(ctx.globals.quiet);
    const command = commandPath(actionCommand);
    if (ctx.engine() === 'postgres' && !needsNoDatabase(command)) {
      // Only commands ported to PostgreSQL run there (db/postgres/support.ts); the rest say so.
      if (!runsOnPostgres(command)) throw notOnPostgres(command);
      if (opensWithoutMigrating(command)) ctx.globals.migrate = false;
      await ctx.openDb();
    }
    let noun: Command = actionCommand;
    while (noun.parent && noun.parent !== program) noun = noun.parent;
    if (!UNGATED.has(noun.name())) await (await import('./commands/identity.js')).gateCommand(ctx, noun.name());
    // Each option and argument read by its kind (src/cli-input.ts): dates, numbers and filters in
    // the user's calendar (Jalali with --calendar persian; a Jalali-looking year without it is
    // refused, never stored as 1405); names, subjects, notes and bodies exactly as typed.
    typed.readCommand(actionCommand, ctx.calendar);
    // A --tz or TZ naming no zone is refused here, before the command, as it was when every
    // command read the zone at once (now read only where a day is cut or a time shown).
    ctx.checkTimeZone();
  });

  for (const noun of nouns) {
    const cmd = program.command(noun.name).description(noun.summary).helpCommand(false);
    for (const alias of noun.aliases ?? []) cmd.alias(alias);
    if (noun === wanted) {
      const [mod] = await Promise.all([noun.load(), isPostgresUrl(dbTargetOf(argv, ctx.env)) ? undefined : preloadDatabase()]);
      await mod.register(cmd, ctx, { verb: findVerbToken(argv, program) });
      // Nouns with verbs: point at the verbs' own --help, where the examples live.
      if (cmd.commands.length > 0) cmd.addHelpText('after', `\nEach verb has examples: crm ${noun.name} <verb> --help`);
    }
  }
  return program;
}

/** `noun verb` of a command (the noun alone for a noun without verbs), by primary names. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** --db's value on the command line, else CRM_DB: read before parsing, to load only the engine it names. */
function dbTargetOf(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (argv[i] === '--db') return argv[i + 1];
    if (argv[i]!.startsWith('--db=')) return argv[i]!.slice(5);
  }
  return env.CRM_DB;
}

export interface RunResult {
  exitCode: number;
}

export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const jsonRequested = argv.includes('--json') || argv.some((a, i) => (a === '--format' && /^n?d?json$/.test(argv[i + 1] ?? '')) || /^--format=n?d?json$/.test(a));
  // Every byte a command writes passes through terminalSafe (src/io.ts): no command can forget it.
  const io = terminalSafe(deps.io ?? systemIO({ env, noColor: argv.includes('--no-color'), quiet: argv.includes('-q') || argv.includes('--quiet') }));
  let ctx: CliContext | undefined;
  try {
    const clock = deps.clock ?? clockFromEnv(env);
    // Input boundary: no argument (a name, an email, a subject, a filter…) may hold a control character.
    for (const arg of argv) rejectControlChars(arg, 'The argument');
    // Persian and Arabic-Indic digits become ASCII for parsing; free text gets its typed form back
    // once the command is known (src/cli-input.ts).
    const typed = new TypedArgs();
    argv = typed.normalise(argv);
    ctx = createContext({ io, env, clock, openDb: lazyOpen, openPostgres, login: deps.login });
    const program = await buildProgram(ctx, argv, typed);
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_OK;
    }
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0) || EXIT_OK;
  } catch (err) {
    // A SQLite failure a user can act on (locked, damaged, read-only, disk full) is a UserError;
    // so is a PostgreSQL connection, authentication or permission failure.
    let translated = sqliteCode(err) ? translateSqliteError(err, ctx ? safePath(ctx) : 'the database') : err;
    const target = ctx ? safePath(ctx) : undefined;
    if (translated === err && !(err instanceof CommanderError) && isPostgresUrl(target)) translated = (await import('./db/postgres/errors.js')).translatePgError(err, redactUrl(target));
    return reportError(io, translated, jsonRequested || Boolean(ctx?.globals.json), env);
  } finally {
    try {
      // bin/crm (no injected streams) exits next: PostgreSQL connections are not waited for.
      await ctx?.close({ detach: !deps.io });
    } catch {
      // closing must never mask the command's own result
    }
  }
}

function safePath(ctx: CliContext): string {
  try {
    return ctx.dbPath();
  } catch {
    return 'the database';
  }
}

let openDatabaseFn: ((path: string, opts: OpenOptions) => Db) | undefined;

/** The sqlite module (better-sqlite3 + Kysely) is imported on first db() call, not at start-up. */
function lazyOpen(path: string, opts: OpenOptions): Db {
  if (!openDatabaseFn) throw new Error('database module not preloaded');
  return openDatabaseFn(path, opts);
}

/** The PostgreSQL engine (pg, its pool and migrations) is imported only for a postgres:// URL. */
async function openPostgres(url: string, opts: { migrate?: boolean }) {
  return (await loadPostgresEngine()).openPostgres(url, opts);
}

/** Load the database module along with the noun that will use it. */
async function preloadDatabase(): Promise<void> {
  if (!openDatabaseFn) openDatabaseFn = (await import('./db/sqlite.js')).openDatabase;
}

export function reportError(io: IOStreams, err: unknown, json: boolean, env: NodeJS.ProcessEnv): number {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    // A noun without a verb: commander has already printed the noun's help on stderr.
    if (err.code === 'commander.help') return EXIT_USAGE;
    const [first, ...rest] = err.message.replace(/^error: /, '').split('\n');
    const suggestion = rest.join(' ').replace(/^\((.*)\)$/, '$1').trim();
    const message = first!.charAt(0).toUpperCase() + first!.slice(1);
    const hint = suggestion || (err.code === 'commander.help' ? 'Run the command with --help to see its verbs.' : 'Run crm --help, or crm <command> --help.');
    // commander's codes (commander.unknownOption) in crm's own style: snake_case (unknown_option).
    writeError(io, json, err.code.replace('commander.', '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), message, hint);
    return EXIT_USAGE;
  }
  if (err instanceof CrmError) {
    writeError(io, json, err.code, err.message, err.hint);
    if (env.CRM_DEBUG) io.stderr.write((err.stack ?? '') + '\n');
    return err.exitCode;
  }
  const e = err as Error;
  if (json) writeError(io, json, 'internal', e?.message ?? String(err), 'This is a bug in crm; please report it with CRM_DEBUG=1 output.');
  else io.stderr.write(`crm: internal error: ${e?.stack ?? String(err)}\n`);
  return EXIT_FAILURE;
}

/** An error is one line (and a hint line): a line break in an echoed value is shown as \n. */
function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}

function writeError(io: IOStreams, json: boolean, code: string, message: string, hint?: string): void {
  if (json) {
    io.stderr.write(jsonEscaped(JSON.stringify({ error: { code, message, hint: hint ?? null } })) + '\n');
    return;
  }
  io.stderr.write(`error: ${oneLine(message)}\n`);
  if (hint) io.stderr.write(`hint: ${oneLine(hint)}\n`);
}

export { UsageError };
