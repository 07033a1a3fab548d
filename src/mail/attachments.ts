/**
 * Attachments stored outside the database (crm mail import --attachments DIR): one folder per
 * message (named from its Message-ID's hash), files created 0600 and never overwritten — a
 * name taken gets " (2)", " (3)" … Names are sanitised: no path parts, no control or
 * reserved characters, no leading dots, at most 120 characters. Files are written under a
 * temporary name before the message's transaction and named after its commit (AttachmentStore),
 * so a failed or rejected message leaves no file behind; the message's row points to its folder
 * only once the files are there (src/domain/mail.ts placeAttachments).
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { ParsedMessage } from './parse.js';

export function sanitizeFilename(name: string | null, index: number): string {
  let n = (name ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  n = n.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, '_').replace(/^[.\s]+/, '').trim();
  if (n.length > 120) {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(n)?.[0] ?? '';
    n = n.slice(0, 120 - ext.length) + ext;
  }
  return n || `attachment-${index + 1}`;
}

/** Where one message's attachments go: written under temporary names, given their own on commit. */
export interface StagedAttachments {
  folder: string;
  files: { name: string; temp: string; path: string }[];
}

/** The system's reason without the paths Node appends ("EACCES: permission denied, link 'a' -> 'b'"). */
const reason = (err: unknown) => (err as Error).message.replace(/, \w+ '.*$/, '');

const ioError = (what: string, err: unknown) =>
  new UserError(`Cannot write ${what}: ${reason(err)}.`, 'Choose another folder with --attachments DIR, or --skip-attachments.', 'io');

/** A name not taken in the folder nor planned by this run: "log.txt", then "log (2).txt" … */
function freeName(folder: string, name: string, planned: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const file = join(folder, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!planned.has(file) && !existsSync(file)) {
      planned.add(file);
      return file;
    }
  }
}

function writeNew(file: string, content: Buffer): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    throw ioError(file, err);
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

/**
 * Temporary files an import killed mid-way left in a message's folder (".crm-partial-PID-…" of a
 * process that no longer runs): removed when the message's attachments are staged again. Files
 * of a running import (another crm on the same folder) are left alone.
 */
function sweepStalePartials(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^\.crm-partial-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || running(pid)) continue;
    try {
      rmSync(join(folder, name), { force: true });
    } catch {
      // not ours to remove after all
    }
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Attachments stored outside the database, in step with the message's write: `stage` writes
 * each file under a hidden temporary name before the transaction (no file I/O inside it) and
 * plans its final name; after the commit `commit` gives each file its name (a hard link that
 * never replaces a file, then the temporary name removed); when the message's write fails or it
 * is rejected, `discard` removes what was staged. Nothing is left behind for a message that is
 * not in the database.
 */
export class AttachmentStore {
  private readonly planned = new Set<string>();

  constructor(readonly root: string) {}

  stage(m: ParsedMessage): StagedAttachments {
    const folder = join(this.root, createHash('sha256').update(m.messageId).digest('hex').slice(0, 16));
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new UserError(`Cannot create ${folder}: ${(err as Error).message}.`, 'Choose another folder with --attachments DIR, or --skip-attachments.', 'io');
    }
    sweepStalePartials(folder);
    const staged: StagedAttachments = { folder, files: [] };
    try {
      m.attachments.forEach((a, i) => {
        const name = sanitizeFilename(a.filename, i);
        const temp = join(folder, `.crm-partial-${process.pid}-${randomBytes(6).toString('hex')}`);
        writeNew(temp, a.content);
        staged.files.push({ name, temp, path: freeName(folder, name, this.planned) });
      });
    } catch (err) {
      this.discard(staged);
      throw err;
    }
    return staged;
  }

  /**
   * After the commit: every file under its name (a name taken since staging gets the next free
   * one). Returns the paths. All or nothing per message: when one file cannot be named (the
   * folder became read-only, the disk is full), the files already named are removed with the
   * temporary ones and the error is thrown — no temporary file stays, no half-stored message.
   */
  commit(staged: StagedAttachments): string[] {
    const placed: string[] = [];
    try {
      for (const f of staged.files) {
        let path = f.path;
        for (;;) {
          try {
            linkSync(f.temp, path);
            break;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(path, err);
            path = freeName(staged.folder, f.name, this.planned);
          }
        }
        placed.push(path);
        rmSync(f.temp, { force: true });
      }
    } catch (err) {
      this.withdraw(staged, placed);
      throw err;
    }
    for (const f of staged.files) this.planned.delete(f.path);
    return placed;
  }

  /** Files named by `commit` whose message could not point to them after all: removed, with what is left of the staging. */
  withdraw(staged: StagedAttachments, paths: string[]): void {
    for (const p of paths) {
      try {
        rmSync(p, { force: true });
      } catch {
        // best effort: the message does not point to it
      }
    }
    this.discard(staged);
  }

  /** The message was not written: its staged files go, and its folder too when nothing else is in it. */
  discard(staged: StagedAttachments): void {
    for (const f of staged.files) {
      try {
        rmSync(f.temp, { force: true });
      } catch {
        // already gone with its folder
      }
      this.planned.delete(f.path);
    }
    try {
      rmdirSync(staged.folder);
    } catch {
      // not empty (files of an earlier import) or already gone
    }
  }
}
