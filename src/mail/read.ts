/**
 * Reading mailboxes: one .eml file, an mbox file, or a Maildir folder, as raw messages (bytes).
 * Nothing here parses a message; parse.ts does, one at a time, so a huge or broken message
 * fails alone.
 *
 * mbox splitting: a message starts at a "From " line at the start of the file or after an
 * empty line, and only when that line looks like an mbox separator — "From <sender> <date>",
 * with a time (hh:mm) and a four-digit year — so a body paragraph that happens to begin with
 * "From " is not cut off. Lines escaped by the writer (">From ", ">>From " in mboxrd) lose one
 * ">" again. Files are scanned as bytes (latin1 maps each byte to one character), so a message
 * in any charset is split without being decoded.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';

export interface RawMessage {
  /** Where it came from, for messages and the rejects list: "inbox.mbox#12", "cur/1700.eml". */
  source: string;
  bytes: Buffer;
}

// "From " + sender + a date with a time and a year, in any order (asctime, RFC 2822 and others).
const SEPARATOR = /^From \S*[ \t]+(?=.*\b\d{1,2}:\d{2}\b)(?=.*\b(?:19|20|21)\d{2}\b)/;

/** True when a line is an mbox "From_" separator (not just a body line starting with "From "). */
export function isFromLine(line: string): boolean {
  return SEPARATOR.test(line);
}

/** Split an mbox (bytes) into messages, separators removed and ">From " unescaped. */
export function splitMbox(data: Buffer, name = 'mbox'): RawMessage[] {
  const text = data.toString('latin1');
  const out: RawMessage[] = [];
  let start = -1;
  let pos = 0;
  let previousBlank = true;
  const push = (end: number) => {
    if (start < 0) return;
    let body = text.slice(start, end);
    // The blank line before the next separator belongs to the mbox format, not to the message.
    body = body.replace(/\r?\n$/, '');
    body = body.replace(/^>(>*From )/gm, '$1');
    out.push({ source: `${name}#${out.length + 1}`, bytes: Buffer.from(body, 'latin1') });
  };
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, nl).replace(/\r$/, '');
    if (previousBlank && line.startsWith('From ') && isFromLine(line)) {
      push(pos);
      start = nl + 1;
    }
    previousBlank = line === '';
    pos = nl + 1;
  }
  push(text.length);
  return out;
}

function looksLikeMbox(data: Buffer): boolean {
  const first = data.subarray(0, Math.min(data.length, 1000)).toString('latin1').split('\n', 1)[0]!.replace(/\r$/, '');
  return isFromLine(first);
}

/** Every message at `path`: a Maildir (cur/ and new/, or a folder of files), an mbox, or one message. */
export function readMailbox(path: string): RawMessage[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`No mailbox at ${path}.`, 'Give an .eml file, an mbox file or a Maildir folder: crm mail import inbox.mbox', 'not_found');
  }
  if (st.isDirectory()) {
    const sub = ['cur', 'new'].filter((d) => isDir(join(path, d)));
    const dirs = sub.length ? sub : ['.'];
    const out: RawMessage[] = [];
    for (const d of dirs) {
      for (const f of readdirSync(join(path, d)).sort()) {
        if (f.startsWith('.')) continue;
        const file = join(path, d, f);
        if (!statSync(file).isFile()) continue;
        out.push({ source: d === '.' ? f : `${d}/${f}`, bytes: readFileSync(file) });
      }
    }
    return out;
  }
  const data = readFileSync(path);
  const name = path.split(/[\\/]/).pop() ?? path;
  return looksLikeMbox(data) ? splitMbox(data, name) : [{ source: name, bytes: data }];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
