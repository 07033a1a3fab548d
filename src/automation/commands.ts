/**
 * The `run:` action: a command an admin configured under a name (`crm automate command set NAME
 * -- PROGRAM ARGS…`), run with the event as JSON on stdin — the bridge to mail, chat or an ERP.
 *
 * - Off unless configured: a rule names a command, never holds one; a name with no command is
 *   refused when the rule is added or applied, and a firing whose command was removed since is
 *   recorded as failed.
 * - Admin-only: configuring a command and adding (or changing, enabling) a rule that runs one
 *   need db.admin — the permission that guards the settings table the commands live in.
 * - argv, no shell: the program and its arguments are stored as a list and spawned as such.
 * - A timeout (default 10 s) kills the command's whole process group; stdout and stderr are kept
 *   (64 KB each) with the exit code on the rule's firing row (crm rule history).
 * - Never inside a database transaction (DESIGN §6): the engine commits the firing first, then
 *   runs the command, then records how it ended — so a command runs at most once per occurrence
 *   (see runAutomation and the README "Automation").
 */
import { spawn } from 'node:child_process';
import { NotFoundError, UsageError } from '../errors.js';
import { authorize } from '../domain/permissions.js';
import type { Session } from '../domain/session.js';
import { deleteDefaultsKey, writeDefaultsKey } from '../domain/settings.js';

export const COMMAND_KEY_PREFIX = 'automation.command.';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 10 * 60_000;
/** What is kept of each of stdout and stderr. */
export const OUTPUT_LIMIT = 64 * 1024;

const NAME_RE = /^[a-z0-9][a-z0-9_.-]{0,39}$/;

export interface ConfiguredCommand {
  name: string;
  argv: string[];
  timeoutMs: number;
}

/** How one run of a command ended (stored as JSON on the firing row). */
export interface CommandResult {
  command: string;
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Not started (program missing, not executable) or not configured any more. */
  error: string | null;
  ms: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export function commandName(text: string): string {
  const name = text.trim().toLowerCase();
  if (!NAME_RE.test(name)) throw new UsageError(`"${text}" cannot name a command.`, 'A command name is lower-case letters, digits, _ . - (e.g. slack, erp-order).', 'bad_command');
  return name;
}

/** "10s", "2m", "500ms", or a number of seconds → milliseconds (1 s … 10 min). */
export function parseTimeout(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--timeout "${text}" is not a duration.`, 'e.g. --timeout 10s, --timeout 2m');
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = Math.round(Number(m[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000));
  if (ms < 1000 || ms > MAX_TIMEOUT_MS) throw new UsageError(`--timeout ${text} is out of range.`, 'A command may run from 1s to 10m.');
  return ms;
}

function fromRow(key: string, value: string): ConfiguredCommand | null {
  try {
    const v = JSON.parse(value) as { argv?: unknown; timeoutMs?: unknown };
    if (!Array.isArray(v.argv) || !v.argv.length || !v.argv.every((a) => typeof a === 'string')) return null;
    return { name: key.slice(COMMAND_KEY_PREFIX.length), argv: v.argv as string[], timeoutMs: typeof v.timeoutMs === 'number' ? v.timeoutMs : DEFAULT_TIMEOUT_MS };
  } catch {
    return null;
  }
}

export async function findCommand(s: Pick<Session, 'db'>, name: string): Promise<ConfiguredCommand | null> {
  const key = COMMAND_KEY_PREFIX + name.trim().toLowerCase();
  const row = await s.db.kysely.selectFrom('settings').select(['key', 'value']).where('key', '=', key).executeTakeFirst();
  return row ? fromRow(row.key, row.value) : null;
}

export async function listCommands(s: Pick<Session, 'db'>): Promise<ConfiguredCommand[]> {
  const rows = await s.db.kysely.selectFrom('settings').select(['key', 'value']).where('key', 'like', `${COMMAND_KEY_PREFIX}%`).orderBy('key').execute();
  return rows.map((r) => fromRow(r.key, r.value)).filter((c): c is ConfiguredCommand => c !== null);
}

/** `crm automate command set NAME -- PROGRAM ARGS…` (db.admin). */
export async function setCommand(s: Session, nameText: string, argv: string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ConfiguredCommand> {
  await authorize(s, 'db.admin');
  const name = commandName(nameText);
  if (!argv.length || !argv[0]!.trim()) throw new UsageError(`Command "${name}" needs a program to run.`, `e.g. crm automate command set ${name} -- /usr/local/bin/notify-slack --channel sales`);
  if (argv.some((a) => a.includes('\0'))) throw new UsageError('A command argument cannot hold a NUL byte.');
  if (timeoutMs < 1000 || timeoutMs > MAX_TIMEOUT_MS) throw new UsageError('A command may run from 1s to 10m.');
  await writeDefaultsKey(s, COMMAND_KEY_PREFIX + name, JSON.stringify({ argv, timeoutMs }));
  return { name, argv, timeoutMs };
}

/** `crm automate command remove NAME` (db.admin); returns the rules that still name it (they will fail until it is set again). */
export async function removeCommand(s: Session, nameText: string): Promise<{ command: ConfiguredCommand; rules: string[] }> {
  await authorize(s, 'db.admin');
  const name = nameText.trim().toLowerCase();
  const command = await findCommand(s, name);
  if (!command) throw new NotFoundError(`No command "${nameText}".`, 'See the commands: crm automate command list');
  await deleteDefaultsKey(s, COMMAND_KEY_PREFIX + name);
  return { command, rules: await rulesRunning(s, name) };
}

/** The rules whose actions run this command. */
export async function rulesRunning(s: Pick<Session, 'db'>, name: string): Promise<string[]> {
  return (await rulesByCommand(s)).get(name) ?? [];
}

/** Every rule's commands, read once: command name → the rules that run it (by name). */
async function rulesByCommand(s: Pick<Session, 'db'>): Promise<Map<string, string[]>> {
  const rows = await s.db.kysely.selectFrom('rules').select(['name', 'definition']).orderBy('name').execute();
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const runs = new Set(((JSON.parse(r.definition) as { actions?: { run?: string }[] }).actions ?? []).filter((a) => a.run).map((a) => a.run!.toLowerCase()));
    for (const name of runs) out.set(name, [...(out.get(name) ?? []), r.name]);
  }
  return out;
}

/** `crm automate command list`: the configured commands, each with the rules that run it (the rules read once). */
export async function listCommandsWithRules(s: Pick<Session, 'db'>): Promise<(ConfiguredCommand & { rules: string[] })[]> {
  const commands = await listCommands(s);
  const rules = commands.length ? await rulesByCommand(s) : new Map<string, string[]>();
  return commands.map((c) => ({ ...c, rules: rules.get(c.name) ?? [] }));
}

/** A rule may name a command only when it is configured, and only an admin may add such a rule. */
export async function checkCommandConfigured(s: Session, name: string, rule: string): Promise<void> {
  await authorize(s, 'db.admin');
  if (!(await findCommand(s, name))) {
    throw new UsageError(`Rule "${rule}": no command "${name}" is configured.`, `An admin configures it first: crm automate command set ${name} -- PROGRAM ARGS… (see crm automate command list)`, 'bad_rule');
  }
}

/**
 * Run a configured command: argv spawned without a shell, in its own process group, `input` on
 * its stdin; the group is killed (SIGKILL) when the timeout passes. Never throws: a program that
 * cannot start is an `error` in the result.
 */
export function runCommand(cmd: ConfiguredCommand, input: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const out = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false };
    const keep = (which: 'stdout' | 'stderr', chunk: Buffer) => {
      const room = OUTPUT_LIMIT - out[which].length;
      if (chunk.length > room) out.truncated = true;
      if (room > 0) out[which] = Buffer.concat([out[which], chunk.subarray(0, room)]);
    };
    let timedOut = false;
    let settled = false;
    let error: string | null = null;
    const child = spawn(cmd.argv[0]!, cmd.argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env, shell: false });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, cmd.timeoutMs);
    const finish = (exitCode: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      // Whatever the command left running in its group goes with it.
      if (exitCode !== null || signal !== null) killGroup();
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        command: cmd.name,
        argv: cmd.argv,
        exitCode,
        signal,
        timedOut,
        error,
        ms: Date.now() - started,
        stdout: out.stdout.toString('utf8'),
        stderr: out.stderr.toString('utf8'),
        truncated: out.truncated,
      });
    };
    let grace: NodeJS.Timeout | undefined;
    child.stdout.on('data', (c: Buffer) => keep('stdout', c));
    child.stderr.on('data', (c: Buffer) => keep('stderr', c));
    child.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code === 'ENOENT' ? `${cmd.argv[0]} not found` : err.code === 'EACCES' ? `${cmd.argv[0]} is not executable` : err.message;
      finish(null, null);
    });
    // 'close' waits for the pipes; a grandchild that escaped the group could hold them open, so
    // the exit of the command itself ends the wait after a short grace.
    child.on('close', (code, signal) => finish(code, signal));
    child.on('exit', (code, signal) => {
      grace = setTimeout(() => finish(code, signal), 500);
    });
    child.stdin.on('error', () => {
      // The command did not read its stdin (EPIPE): not an error of the run.
    });
    child.stdin.end(input);
  });
}

/**
 * The environment a command gets: the basics a program needs (PATH, HOME, locale, time zone,
 * user, temp dir) and CRM_RULE — never crm's own settings (CRM_DB, a PostgreSQL URL or PG*
 * password): what the command needs to know comes on stdin, what it needs to reach its system
 * it brings itself.
 */
export function commandEnv(rule: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'USER', 'LOGNAME', 'TMPDIR', 'SHELL'];
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (keep.includes(k) || k.startsWith('LC_'))) out[k] = v;
  out.CRM_RULE = rule;
  return out;
}

/** The outcome of a firing from its command results: ok, or the first failure in words. */
export function commandOutcome(results: CommandResult[]): string {
  for (const r of results) {
    const what = describeResult(r);
    if (r.error || r.timedOut || r.exitCode !== 0) return `failed: ${what}`;
  }
  return 'ok';
}

export function describeResult(r: CommandResult): string {
  if (r.error) return `command ${r.command}: ${r.error}`;
  if (r.timedOut) return `command ${r.command} timed out after ${Math.round(r.ms / 1000)}s (killed)`;
  if (r.signal) return `command ${r.command} killed by ${r.signal}`;
  return `ran ${r.command}: exit ${r.exitCode}`;
}
