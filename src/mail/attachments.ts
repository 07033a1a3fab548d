/**
 * Attachments stored outside the database (crm mail import --attachments DIR): one folder per
 * message (named from its Message-ID's hash), files created 0600 and never overwritten — a
 * name taken gets " (2)", " (3)" … Names are sanitised: no path parts, no control or
 * reserved characters, no leading dots, at most 120 characters.
 */
import { createHash } from 'node:crypto';
import { constants, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
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

function createExclusive(dir: string, name: string, content: Buffer): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const file = join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
    let fd: number;
    try {
      fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new UserError(`Cannot write attachment ${file}: ${(err as Error).message}.`, 'Choose another folder with --attachments DIR, or --skip-attachments.', 'io');
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return file;
  }
}

/** A writer for importMessage: stores the message's attachments under `root`; returns names and paths. */
export function attachmentWriter(root: string): (m: ParsedMessage) => { name: string; path: string }[] {
  return (m) => {
    const folder = join(root, createHash('sha256').update(m.messageId).digest('hex').slice(0, 16));
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new UserError(`Cannot create ${folder}: ${(err as Error).message}.`, 'Choose another folder with --attachments DIR, or --skip-attachments.', 'io');
    }
    return m.attachments.map((a, i) => {
      const name = sanitizeFilename(a.filename, i);
      return { name, path: createExclusive(folder, name, a.content) };
    });
  };
}
