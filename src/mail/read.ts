/**
 * Reading mailboxes: one .eml file, an mbox file, or a Maildir folder, as raw messages (bytes).
 * Nothing here parses a message; parse.ts does, one at a time, so a huge or broken message
 * fails alone. Mailboxes are streamed: an mbox of any size is read a chunk at a time.
 *
 * mbox splitting: a message starts at a "From " line at the start of the file or after an
 * empty line, and only when that line looks like an mbox separator — "From <sender> <date>",
 * with a time (hh:mm) and a four-digit year — so a body paragraph that happens to begin with
 * "From " is not cut off. Lines escaped by the writer (">From ", ">>From " in mboxrd) lose one
 * ">" again. Files are scanned as bytes (latin1 maps each byte to one character), so a message
 * in any charset is split without being decoded.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
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

/**
 * The mbox splitter, fed chunk by chunk: it keeps only the message being read (and a partial
 * line), so a mailbox of any size is read in bounded memory. Lines are kept as latin1 text, one
 * character per byte, so no charset is decoded here.
 */
export class MboxSplitter {
  private parts: string[] = [];
  private started = false;
  private previousBlank = true;
  private partial = '';
  private count = 0;

  constructor(private readonly name = 'mbox') {}

  /** The messages completed by this chunk. */
  push(chunk: Buffer): RawMessage[] {
    const out: RawMessage[] = [];
    const text = this.partial + chunk.toString('latin1');
    let pos = 0;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      this.line(text.slice(pos, nl + 1), out);
      pos = nl + 1;
    }
    this.partial = text.slice(pos);
    return out;
  }

  /** The last message (and a last line without a newline). */
  end(): RawMessage[] {
    const out: RawMessage[] = [];
    if (this.partial) this.line(this.partial, out);
    this.partial = '';
    this.finish(out);
    return out;
  }

  private line(raw: string, out: RawMessage[]): void {
    const line = (raw.endsWith('\n') ? raw.slice(0, -1) : raw).replace(/\r$/, '');
    if (this.previousBlank && line.startsWith('From ') && isFromLine(line)) {
      this.finish(out);
      this.started = true;
    } else if (this.started) this.parts.push(raw);
    this.previousBlank = line === '';
  }

  private finish(out: RawMessage[]): void {
    if (!this.started) return;
    // The blank line before the next separator belongs to the mbox format, not to the message.
    let body = this.parts.join('').replace(/\r?\n$/, '');
    body = body.replace(/^>(>*From )/gm, '$1');
    this.parts = [];
    out.push({ source: `${this.name}#${++this.count}`, bytes: Buffer.from(body, 'latin1') });
  }
}

/** Split an mbox (bytes) into messages, separators removed and ">From " unescaped. */
export function splitMbox(data: Buffer, name = 'mbox'): RawMessage[] {
  const splitter = new MboxSplitter(name);
  return [...splitter.push(data), ...splitter.end()];
}

const CHUNK = 1 << 20;

/** The messages of an mbox file, read CHUNK bytes at a time. */
export function* mboxFileMessages(path: string, name: string, chunkSize = CHUNK): Generator<RawMessage> {
  const fd = openFile(path);
  try {
    const splitter = new MboxSplitter(name);
    const buf = Buffer.allocUnsafe(chunkSize);
    for (;;) {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) break;
      yield* splitter.push(buf.subarray(0, n));
    }
    yield* splitter.end();
  } finally {
    closeSync(fd);
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new UserError(`Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`, 'Check the mailbox path and its permissions.', 'io');
  }
}

function looksLikeMbox(path: string): boolean {
  const fd = openFile(path);
  try {
    const head = Buffer.alloc(1000);
    const n = readSync(fd, head, 0, head.length, 0);
    return isFromLine(head.subarray(0, n).toString('latin1').split('\n', 1)[0]!.replace(/\r$/, ''));
  } finally {
    closeSync(fd);
  }
}

/**
 * Every message at `path`, one at a time: a Maildir (cur/ and new/, or a folder of files), an
 * mbox, or one message. Nothing is read before it is asked for, so a caller holds one message
 * (and the batch it is building) in memory, never the whole mailbox.
 */
export function mailboxMessages(path: string): Iterable<RawMessage> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`No mailbox at ${path}.`, 'Give an .eml file, an mbox file or a Maildir folder: crm mail import inbox.mbox', 'not_found');
  }
  if (st.isDirectory()) return { [Symbol.iterator]: () => maildirMessages(path) };
  const name = path.split(/[\\/]/).pop() ?? path;
  if (looksLikeMbox(path)) return { [Symbol.iterator]: () => mboxFileMessages(path, name) };
  return { [Symbol.iterator]: () => nonEmpty([{ source: name, bytes: readFileSync(path) }])[Symbol.iterator]() };
}

/** An empty (or blank) file holds no message: a week without mail imports nothing, not one sender-less reject. */
function nonEmpty(messages: RawMessage[]): RawMessage[] {
  return messages.filter((m) => /\S/.test(m.bytes.toString('latin1')));
}

function* maildirMessages(path: string): Generator<RawMessage> {
  const sub = ['cur', 'new'].filter((d) => isDir(join(path, d)));
  for (const d of sub.length ? sub : ['.']) {
    for (const f of readdirSync(join(path, d)).sort()) {
      if (f.startsWith('.')) continue;
      const file = join(path, d, f);
      if (!statSync(file).isFile()) continue;
      yield* nonEmpty([{ source: d === '.' ? f : `${d}/${f}`, bytes: readFileSync(file) }]);
    }
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
