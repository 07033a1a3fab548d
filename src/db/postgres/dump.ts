/**
 * `crm db backup` / `crm db restore` on PostgreSQL: the server's own tools, pg_dump (custom
 * format) and pg_restore, run from PATH. The password never goes on their command line (it
 * would show in `ps`): the URL is passed without it and the password through PGPASSWORD.
 * Without the tools, or when they refuse (e.g. pg_dump older than the server), one line says
 * so — the server's own backup (pg_dump, pg_basebackup, a provider's snapshots) applies.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { ConflictError, NotFoundError, UserError } from '../../errors.js';
import { redactUrl } from './url.js';

function withoutPassword(url: string): { url: string; password?: string } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : (u.searchParams.get('password') ?? undefined);
  u.password = '';
  u.searchParams.delete('password');
  return { url: u.toString(), password };
}

function runTool(tool: 'pg_dump' | 'pg_restore', args: string[], url: string, what: string): void {
  const { url: bare, password } = withoutPassword(url);
  const env = { ...process.env, ...(password !== undefined ? { PGPASSWORD: password } : {}) };
  const r = spawnSync(tool, [...args, `--dbname=${bare}`], { env, encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new UserError(`${what} on PostgreSQL needs ${tool}, which is not installed here.`, `Install the PostgreSQL client tools (${tool} of the server's major version or newer), or use the server's own backups (pg_basebackup, your provider's snapshots).`, 'pg_tool_missing');
  }
  if (r.error || r.status !== 0) {
    const reason = (r.stderr || String(r.error ?? ''))
      .split('\n')
      .map((l) => l.replace(/^(pg_dump|pg_restore): (error: )?/, '').trim())
      .find((l) => l && !/^detail:|^hint:/i.test(l)) ?? `exit code ${r.status}`;
    throw new UserError(`${tool} failed for ${redactUrl(url)}: ${reason.split(url).join(redactUrl(url))}`, `Nothing was changed. ${tool} must be of the server's major version or newer; the server's own backups apply as well.`, 'pg_tool_failed');
  }
}

/** pg_dump -Fc into a temporary file next to FILE, renamed into place only when it finished. */
export function pgBackup(url: string, file: string, opts: { force?: boolean }): { path: string; sizeBytes: number } {
  if (existsSync(file) && !opts.force) throw new ConflictError(`${file} already exists.`, `Choose a new name, or replace it with: crm db backup ${file} --force`, 'exists');
  const tmp = `${file}.partial-${process.pid}`;
  try {
    runTool('pg_dump', ['--format=custom', '--no-owner', `--file=${tmp}`], url, '`crm db backup`');
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { path: file, sizeBytes: statSync(file).size };
}

/** pg_restore --clean in one transaction: the content is replaced whole, or not at all. */
export function pgRestore(url: string, file: string): void {
  if (!existsSync(file)) throw new NotFoundError(`No file ${file}.`, 'Give the path of a backup written by crm db backup.');
  runTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', file], url, '`crm db restore`');
}
