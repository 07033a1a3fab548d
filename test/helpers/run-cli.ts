/**
 * The in-process harness of DESIGN.md §7: runCli(argv, {tty, now, db}) → {stdout, stderr, exitCode}.
 * Each call builds fresh IOStreams with string buffers; the database is a real file in a temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli.js';
import { fixedClock } from '../../src/clock.js';
import type { IOStreams } from '../../src/io.js';

export interface RunOptions {
  tty?: boolean;
  now?: string;
  db?: string;
  env?: Record<string, string>;
  /** Answers for prompts, in order (implies an interactive terminal). */
  answers?: string[];
  width?: number;
  color?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** stdout parsed as JSON (throws if it is not). */
  json<T = any>(): T;
}

export const DEFAULT_NOW = '2026-11-20T17:55:00Z';

export async function runCli(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const answers = [...(opts.answers ?? [])];
  const io: IOStreams = {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    stdin: Readable.from([]),
    isStdoutTTY: Boolean(opts.tty),
    isStderrTTY: Boolean(opts.tty),
    isInteractive: opts.answers !== undefined,
    color: Boolean(opts.color),
    width: opts.width ?? 120,
    quiet: false,
    prompt: async (q: string) => {
      stderr += q;
      if (!answers.length) throw new Error(`unexpected prompt: ${q}`);
      return answers.shift()!;
    },
  };
  const env: NodeJS.ProcessEnv = { HOME: '/nonexistent-home', TZ: 'UTC', CRM_USER: 'tester', ...opts.env };
  if (opts.db) env.CRM_DB = opts.db;
  const saved = process.exitCode;
  process.exitCode = undefined;
  const exitCode = await main(argv, { io, env, clock: fixedClock(opts.now ?? DEFAULT_NOW) });
  process.exitCode = saved;
  return {
    stdout,
    stderr,
    exitCode,
    json() {
      return JSON.parse(stdout);
    },
  };
}

/** A fresh temp directory with a database path inside; call cleanup() in afterEach. */
export function tempDb(): { dir: string; db: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'crm-test-'));
  return { dir, db: join(dir, 'crm.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** runCli bound to one database. */
export function cliFor(db: string, base: RunOptions = {}) {
  return (argv: string[], opts: RunOptions = {}) => runCli(argv, { ...base, ...opts, db, env: { ...base.env, ...opts.env } });
}
