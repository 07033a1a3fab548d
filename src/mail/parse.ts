/**
 * One raw message → the plain facts crm needs, through mailparser (a well-kept parser: MIME,
 * encoded words, charsets through iconv-lite, HTML → text). Bodies are kept as text only: an
 * HTML-only message becomes its text rendering. Control characters other than tab and newline
 * are removed from every header value and body here, so a hostile subject cannot carry escape
 * sequences into the database (the output boundary strips them too, for older rows). Bodies
 * longer than MAX_BODY_CHARS are cut, and the cut is reported.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { RawMessage } from './read.js';

export const MAX_BODY_CHARS = 200_000;

export interface MailAttachment {
  /** As the message names it (sanitised later, when stored). */
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
}

export interface ParsedMessage {
  source: string;
  /** The Message-ID without angle brackets; for a message without one, "sha256:…" of its bytes. */
  messageId: string;
  /** In-Reply-To and References ids, nearest first. */
  threadIds: string[];
  from: { address: string; name: string | null } | null;
  /** To and Cc addresses, lower-cased. */
  to: string[];
  subject: string;
  /** The Date header as ISO; null when missing or unreadable. */
  date: string | null;
  text: string;
  truncated: boolean;
  attachments: MailAttachment[];
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Without control and bidirectional-override characters; CRLF as LF. */
export function clean(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

function oneLine(text: string): string {
  return clean(text).replace(/\s+/g, ' ').trim();
}

function stripId(id: string): string {
  return oneLine(id).replace(/^<|>$/g, '').trim();
}

function addresses(v: AddressObject | AddressObject[] | undefined): { address: string; name: string | null }[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  const out: { address: string; name: string | null }[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push({ address: oneLine(e.address).toLowerCase(), name: e.name ? oneLine(e.name) || null : null });
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

export async function parseMessage(raw: RawMessage): Promise<ParsedMessage> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw.bytes, { skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  } catch {
    // Unparseable MIME: keep what a reader can see, as text, rather than failing the import.
    mail = { attachments: [], headers: new Map(), headerLines: [], html: false, text: raw.bytes.toString('utf8') } as ParsedMail;
  }
  const headerId = mail.messageId ? stripId(mail.messageId) : '';
  const messageId = headerId || `sha256:${createHash('sha256').update(raw.bytes).digest('hex')}`;
  const refs = mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
  const inReplyTo = typeof mail.inReplyTo === 'string' ? mail.inReplyTo.split(/\s+/) : [];
  const threadIds = [...new Set([...inReplyTo, ...[...refs].reverse()].map(stripId).filter(Boolean))];
  const from = addresses(mail.from)[0] ?? null;
  const to = [...new Set([...addresses(mail.to), ...addresses(mail.cc)].map((a) => a.address))];
  const date = mail.date instanceof Date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null;
  let text = clean(mail.text ?? '').trim();
  let truncated = false;
  if (text.length > MAX_BODY_CHARS) {
    text = `${text.slice(0, MAX_BODY_CHARS)}\n[… ${text.length - MAX_BODY_CHARS} more characters not imported]`;
    truncated = true;
  }
  return {
    source: raw.source,
    messageId,
    threadIds,
    from,
    to,
    subject: oneLine(mail.subject ?? ''),
    date,
    text,
    truncated,
    attachments: mail.attachments.map((a) => ({ filename: a.filename ? oneLine(a.filename) : null, contentType: a.contentType, size: a.size ?? a.content.length, content: a.content })),
  };
}
