/**
 * The one way crm creates a file that holds customer data: exports and `-o FILE` (.ics too),
 * the import's rejects file, backups and their temp files, the database itself. A new file is
 * private from its first byte (mode 0600, like the database, or the mode given — a team
 * database's 0660), whatever the umask allows beyond that.
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConflictError, type CrmError, UserError } from '../errors.js';

export interface PrivateFileOptions {
  /** Mode of a new file (default 0o600). An existing file keeps its own. */
  mode?: number;
  /** Replace an existing file. Without it an existing file (or a link) is refused: O_EXCL. */
  overwrite?: boolean;
  /** Refuse a symbolic link at the path even with overwrite (O_NOFOLLOW). */
  noFollow?: boolean;
  /** How the user says "replace it" (e.g. "--force"), for the hint when the file exists. */
  forceFlag?: string;
  /** What the file is, for messages ("the rejects file"); default "file". */
  what?: string;
}

/** Open `path` for writing under the rules above; returns the fd. Errors are one-line UserErrors. */
export function openPrivateFile(path: string, opts: PrivateFileOptions = {}): number {
  const flags = constants.O_WRONLY | constants.O_CREAT | (opts.overwrite ? constants.O_TRUNC : constants.O_EXCL) | (opts.noFollow ? constants.O_NOFOLLOW : 0);
  try {
    return openSync(path, flags, opts.mode ?? 0o600);
  } catch (err) {
    throw fileError(path, err, opts);
  }
}

/** Write `text` to a private file (see openPrivateFile). */
export function writePrivateFile(path: string, text: string | Uint8Array, opts: PrivateFileOptions = {}): void {
  const fd = openPrivateFile(path, opts);
  try {
    writeFileSync(fd, text);
  } catch (err) {
    throw fileError(path, err, opts);
  } finally {
    closeSync(fd);
  }
}

/**
 * Create an empty private file if nothing is at `path`; true when this call created it. A
 * dangling symbolic link (a database path linked to a file yet to be made) is followed, so the
 * file it points at is created with the mode too, not left for SQLite to create world-readable.
 * Errors other than "exists" are thrown as they are (the caller names what it was creating).
 */
export function createPrivateFile(path: string, mode = 0o600): boolean {
  let target = path;
  for (let hops = 0; hops < 16; hops++) {
    try {
      closeSync(openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!lstatSync(target).isSymbolicLink()) return false;
      target = resolve(dirname(target), readlinkSync(target));
    }
  }
  return false;
}

function fileError(path: string, err: unknown, opts: PrivateFileOptions): CrmError {
  const code = (err as NodeJS.ErrnoException).code;
  const what = opts.what ?? 'file';
  if (code === 'EEXIST') {
    return new ConflictError(`${what === 'file' ? path : `${what} ${path}`} already exists; crm does not replace it without being asked.`, `Choose another name${opts.forceFlag ? `, or replace it with ${opts.forceFlag}` : ''}.`, 'exists');
  }
  if (code === 'ELOOP') return new UserError(`${path} is a symbolic link; crm does not write through it.`, 'Remove the link or choose another name.', 'symlink');
  return new UserError(`Cannot write ${what === 'file' ? path : `${what} ${path}`}: ${code ?? (err as Error).message}`, 'Choose a writable path.', 'write_failed');
}

/** `<target>.crm-tmp-<pid>-<time>`: a file being written, renamed to target when whole (and SQLite's journal of it). */
const TEMP_NAME = /\.crm-tmp-(\d+)-[0-9a-z]+(-journal|-wal|-shm)?$/;

/** A visible, recognisable temp name next to `target` (same folder, so the rename is atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `${basename(target)}.crm-tmp-${process.pid}-${Date.now().toString(36)}`);
}

/** A temp file whose writer cannot still be at work: no such process, or untouched for this long. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Remove temp files left in `dir` by writers that died (a killed `crm db backup` leaves a
 * copy as large as the database): their process is gone, or they have not been written for an
 * hour (the pid was reused). A backup running meanwhile in another process is left alone.
 * Returns the names removed.
 */
export function removeStaleTempFiles(dir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    const file = join(dir, name);
    try {
      if (pid === process.pid) continue;
      if (processAlive(pid) && now - statSync(file).mtimeMs < STALE_AFTER_MS) continue;
      rmSync(file, { force: true });
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove: leave it
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
