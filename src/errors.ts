/**
 * Typed errors. Anything may throw them; src/cli.ts maps them to exit codes in one place.
 * A CrmError is an expected failure: one line, a hint naming what to run instead, no stack.
 * Anything else is a bug and keeps its stack.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CHECK_FAILED = 3;

export class CrmError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;
  constructor(message: string, opts: { code?: string; hint?: string; exitCode?: number } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = opts.code ?? 'error';
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? EXIT_FAILURE;
  }
}

/** Invalid input the user can fix: a malformed email, an unknown stage, a bad date. */
export class UserError extends CrmError {
  constructor(message: string, hint?: string, code = 'invalid') {
    super(message, { code, hint, exitCode: EXIT_FAILURE });
  }
}

/** The command line itself is wrong: unknown flag, missing argument, bad filter syntax. */
export class UsageError extends CrmError {
  constructor(message: string, hint?: string, code = 'usage') {
    super(message, { code, hint, exitCode: EXIT_USAGE });
  }
}

export class NotFoundError extends CrmError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'not_found', hint, exitCode: EXIT_FAILURE });
  }
}

/** The change would clash with existing data (duplicate email, edited by someone else). */
export class ConflictError extends CrmError {
  constructor(message: string, hint?: string, code = 'conflict') {
    super(message, { code, hint, exitCode: EXIT_FAILURE });
  }
}

/** A refusal because the record changed since it was read (expected version mismatch). */
export function isStaleConflict(err: unknown): boolean {
  return err instanceof CrmError && err.code === 'stale';
}

/**
 * `--if-version` (or a screen's expected version): the record is at another version than the
 * one the caller read. `what` names it ("Deal #4"), `show` is the command to look again.
 */
export function versionConflict(what: string, show: string, current: number, expected: number): ConflictError {
  return new ConflictError(
    `${what} was changed by someone else: it is at version ${current}, not ${expected}.`,
    `Look again: ${show} — then repeat with --if-version ${current} if the change still applies.`,
    'stale',
  );
}

/** A check the user asked for found problems (`--fail-on-breach`, `db check`): exit 3. */
export class CheckFailedError extends CrmError {
  constructor(message: string, hint?: string, code = 'check_failed') {
    super(message, { code, hint, exitCode: EXIT_CHECK_FAILED });
  }
}
