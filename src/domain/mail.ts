/**
 * Mail in (crm mail import): what each email becomes.
 *
 * - An answer to a ticket's thread (In-Reply-To / References naming an imported message of the
 *   ticket, or "[#123]" in the subject) from a contact: a customer message on that ticket at the
 *   message's Date (messageOnTicket's rule: a pending or solved ticket goes back to open), so the
 *   SLA clock sees it when it happened. An answer to a closed ticket opens a follow-up ticket.
 * - A new message from a contact to the support address: a new ticket (channel email) created at
 *   the message's Date, the body as its description.
 * - Any other message from or to a contact: an email activity (From/To lines above the body).
 * - The sender is nobody crm knows: a new contact (unknown: create) or a rejected message
 *   (unknown: reject — the command writes them to a rejects file).
 *
 * Every message is recorded in mail_messages in the same transaction as what it became, keyed by
 * Message-ID, so the same mailbox imported again changes nothing. Times: the Date header; a
 * missing one, or one in the future, is the import time (counted in `undated`).
 */
import { contactsByEmail, importedMessageIds, insertMailMessage, messagesWithoutAttachmentFiles, readSetting, setAttachmentDirs, ticketExists, ticketOfThread, userEmails } from '../db/mail.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { CrmError, UserError } from '../errors.js';
import type { StagedAttachments } from '../mail/attachments.js';
import { plural } from '../output/plural.js';
import type { ParsedMessage } from '../mail/parse.js';
import { logActivity } from './activities.js';
import { addContact } from './contacts.js';
import { authorize } from './permissions.js';
import type { LinkTarget } from './refs.js';
import { joinTransaction, nowIso, type Session } from './session.js';
import { writeDefaultsKey } from './settings.js';
import { messageOnTicketId, openTicketId } from './tickets.js';
import { isValidEmail } from './validate.js';

export const SUPPORT_ADDRESS_KEY = 'support_address';

export type MailOutcome = 'ticket' | 'reply' | 'activity' | 'unchanged' | 'rejected';
export const MAIL_OUTCOMES: MailOutcome[] = ['ticket', 'reply', 'activity', 'unchanged', 'rejected'];

export interface MailResult {
  source: string;
  messageId: string;
  outcome: MailOutcome;
  direction: 'in' | 'out' | null;
  from: string | null;
  to: string[];
  subject: string;
  date: string;
  ticketId: number | null;
  activityId: number | null;
  contactId: number | null;
  contactCreated: boolean;
  /** Why a message was rejected, or a note (a follow-up to a closed ticket). */
  reason: string | null;
  attachments: { name: string; size: number; path: string | null }[];
}

export interface MailPlanContext {
  supportAddress: string;
  unknown: 'create' | 'reject';
  dryRun: boolean;
  /** Where attachments are stored (outside the database); absent = not stored (only listed). */
  attachments?: AttachmentSink;
  /** Filled while importing: Message-IDs seen in this run (a mailbox may hold a message twice) → ticket id (0: none; -1: a ticket a dry run would open). */
  seen: Map<string, number>;
  users?: Set<string>;
}

/** Stores attachments in step with the message's write (src/mail/attachments.ts AttachmentStore). */
export interface AttachmentSink {
  /** Before the transaction: the files written under temporary names, their final paths planned. */
  stage(m: ParsedMessage): StagedAttachments;
  /** After the commit: the files under their names; returns the paths. All or nothing: on failure nothing of the message stays. */
  commit(staged: StagedAttachments): string[];
  /** Named files whose message could not point to them: removed. */
  withdraw(staged: StagedAttachments, paths: string[]): void;
  /** The message was not written: remove what was staged. */
  discard(staged: StagedAttachments): void;
}

/** What the user said about attachments: store them in a folder, skip them (listed only), or nothing yet. */
export interface AttachmentChoice {
  dir?: string;
  skip?: boolean;
  dryRun?: boolean;
}

/**
 * Attachments go nowhere silently: a message with attachments, to be imported, needs a folder
 * (--attachments DIR) or an explicit --skip-attachments; a dry run writes nothing and needs neither.
 * `count` null: attachments seen in the raw mail, not yet counted.
 */
export function requireAttachmentPlace(source: string, count: number | null, choice: AttachmentChoice): void {
  if (count === 0 || choice.dir !== undefined || choice.skip || choice.dryRun) return;
  throw new UserError(`${source} has ${count === null ? 'attachments' : plural(count, 'attachment')}; say where they go.`, 'Store them with --attachments DIR, or leave them out with --skip-attachments (they are then only listed).', 'attachments');
}

export function parseSupportAddress(text: string): string {
  const a = text.trim().replace(/^.*<([^>]+)>.*$/, '$1').toLowerCase();
  if (!isValidEmail(a)) throw new UserError(`"${text}" is not an email address.`, 'e.g. crm mail support-address support@example.com', 'invalid_email');
  return a;
}

/** The stored support address (crm mail support-address), or null. */
export async function readSupportAddress(s: Session): Promise<string | null> {
  return readSetting(s.db.kysely, SUPPORT_ADDRESS_KEY);
}

export async function writeSupportAddress(s: Session, text: string): Promise<string> {
  await authorize(s, 'mail.import');
  const address = parseSupportAddress(text);
  await writeDefaultsKey(s, SUPPORT_ADDRESS_KEY, address);
  return address;
}

/** Message-IDs among these that an earlier import recorded. */
export async function alreadyImported(s: Session, ids: string[]): Promise<Set<string>> {
  return importedMessageIds(s.db.kysely, ids);
}

const TICKET_TAG = /\[#(\d+)\]/;

/**
 * Import a batch of parsed messages (none imported before) in one write transaction: a reply to
 * a message earlier in the batch finds its ticket (the transaction sees its own writes), and the
 * cost of a commit is paid once per batch, not per message. Nothing is lost on a bad message:
 * when the batch's transaction fails, it is rolled back and the messages are imported again one
 * per transaction, so only the message that fails is rejected (with the database's reason) and
 * the good ones around it are kept. A locked database stops the import (what was committed
 * stays; importing again continues where it stopped). Attachments are written before the
 * transaction under temporary names and named after the commit (placeAttachments); a message
 * not written leaves no file.
 */
export async function importBatch(s: Session, messages: ParsedMessage[], ctx: MailPlanContext): Promise<MailResult[]> {
  if (ctx.dryRun) {
    const out: MailResult[] = [];
    for (const m of messages) out.push(await importMessage(s, m, ctx));
    return out;
  }
  const sink = ctx.attachments;
  const staged: (StagedAttachments | undefined)[] = [];
  try {
    for (const m of messages) staged.push(sink && m.attachments.length && !ctx.seen.has(m.messageId) ? sink.stage(m) : undefined);
  } catch (err) {
    for (const st of staged) if (st) sink!.discard(st);
    throw err;
  }
  const seenBefore = new Map(ctx.seen);
  let results: MailResult[];
  try {
    results = await writeTransaction(s.db, async (trx) => {
      // PostgreSQL may run this again after a serialization failure: start from the same state.
      ctx.seen = new Map(seenBefore);
      const joined = joinTransaction(s, trx);
      const out: MailResult[] = [];
      for (let i = 0; i < messages.length; i++) out.push(await importMessage(joined, messages[i]!, ctx, staged[i]));
      return out;
    });
  } catch (err) {
    ctx.seen = new Map(seenBefore);
    if (isLockError(err)) {
      for (const st of staged) if (st) sink!.discard(st);
      throw err;
    }
    results = [];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      try {
        results.push(await writeTransaction(s.db, (trx) => importMessage(joinTransaction(s, trx), m, ctx, staged[i])));
      } catch (one) {
        if (isLockError(one)) {
          for (const st of staged.slice(i)) if (st) sink!.discard(st);
          throw one;
        }
        ctx.seen.set(m.messageId, 0);
        results.push({ ...baseResult(s, m), outcome: 'rejected', reason: `not imported: ${oneLineReason(one)}` });
      }
    }
  }
  const toPlace: PlacedMessage[] = [];
  results.forEach((r, i) => {
    const st = staged[i];
    if (!st) return;
    if (r.outcome === 'rejected' || r.outcome === 'unchanged') return sink!.discard(st);
    toPlace.push({ messageId: messages[i]!.messageId, staged: st, result: r });
  });
  if (toPlace.length) await placeAttachments(s, sink!, toPlace);
  return results;
}

interface PlacedMessage {
  messageId: string;
  staged: StagedAttachments;
  result: MailResult;
}

/**
 * After the messages' commit: their staged files get their names, then — in one short write —
 * each message's row gets the folder (mail_messages.attachment_dir). The row points to the files
 * only once they are there, so no row ever points to a missing file: a message whose files cannot
 * be named (the folder became read-only, the disk is full) keeps no file at all, not even a
 * temporary one, and stays imported with attachment_dir empty; importing the same mailbox again
 * stores them (storeMissingAttachments). Throws a one-line UserError when a message's files
 * could not be stored, after the others are in place.
 */
async function placeAttachments(s: Session, sink: AttachmentSink, items: PlacedMessage[]): Promise<void> {
  const placed: { item: PlacedMessage; paths: string[] }[] = [];
  const failed: unknown[] = [];
  for (const item of items) {
    try {
      placed.push({ item, paths: sink.commit(item.staged) });
    } catch (err) {
      failed.push(err);
      item.result.attachments = item.result.attachments.map((a) => ({ ...a, path: null }));
    }
  }
  if (placed.length) {
    try {
      await writeTransaction(s.db, (trx) => setAttachmentDirs(trx, placed.map((p) => ({ messageId: p.item.messageId, dir: p.item.staged.folder }))));
    } catch (err) {
      // The rows could not be pointed at the files: the files go (importing again stores them).
      for (const p of placed) sink.withdraw(p.item.staged, p.paths);
      const n = placed.length;
      throw new UserError(
        `Cannot record where the attachments are stored: ${oneLineReason(err).replace(/\.$/, '')}; ${plural(n, 'message')} imported without ${n === 1 ? 'its' : 'their'} attachments (no file left behind).`,
        'Once the database takes writes again, run the same import again: the messages stay as they are and their attachments are stored.',
        'attachments_not_stored',
      );
    }
    for (const p of placed) p.paths.forEach((path, k) => (p.item.result.attachments[k] = { ...p.item.result.attachments[k]!, path }));
  }
  if (failed.length) {
    const n = failed.length;
    throw new UserError(
      `${oneLineReason(failed[0]).replace(/\.$/, '')}; ${plural(n, 'message')} imported without ${n === 1 ? 'its' : 'their'} attachments (no file left behind).`,
      'Make the folder writable (or free space), then run the same import again: the messages stay as they are and their attachments are stored.',
      'attachments_not_stored',
    );
  }
}

/**
 * Messages imported before (their Message-ID is in mail_messages) with attachments but no folder
 * holding them — an import that could not write them, or one run with --skip-attachments — get
 * their attachments stored now, when the import has a folder. Returns their results (outcome
 * unchanged, with the paths), by Message-ID.
 */
export async function storeMissingAttachments(s: Session, messages: ParsedMessage[], ctx: MailPlanContext): Promise<Map<string, MailResult>> {
  const out = new Map<string, MailResult>();
  const sink = ctx.attachments;
  const candidates = messages.filter((m) => m.attachments.length);
  if (!sink || ctx.dryRun || !candidates.length) return out;
  const missing = await messagesWithoutAttachmentFiles(s.db.kysely, candidates.map((m) => m.messageId));
  const items: PlacedMessage[] = [];
  try {
    for (const m of candidates) {
      if (!missing.has(m.messageId) || out.has(m.messageId)) continue;
      const staged = sink.stage(m);
      const result: MailResult = { ...importedBefore(m), reason: 'imported before; its attachments stored now', attachments: staged.files.map((f, i) => ({ name: f.name, size: m.attachments[i]!.size, path: null })) };
      items.push({ messageId: m.messageId, staged, result });
      out.set(m.messageId, result);
    }
  } catch (err) {
    for (const it of items) sink.discard(it.staged);
    throw err;
  }
  if (items.length) await placeAttachments(s, sink, items);
  return out;
}

/** The result for a message an earlier import recorded (its Message-ID is in mail_messages). */
export function importedBefore(m: ParsedMessage): MailResult {
  return { source: m.source, messageId: m.messageId, outcome: 'unchanged', direction: null, from: m.from?.address ?? null, to: m.to, subject: m.subject, date: m.date ?? '', ticketId: null, activityId: null, contactId: null, contactCreated: false, reason: 'imported before', attachments: [] };
}

function isLockError(err: unknown): boolean {
  return err instanceof CrmError && (err.code === 'db_busy' || err.code === 'db_locked');
}

function oneLineReason(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
}

function baseResult(s: Session, m: ParsedMessage): MailResult {
  const now = nowIso(s);
  return {
    source: m.source,
    messageId: m.messageId,
    outcome: 'rejected',
    direction: null,
    from: m.from?.address ?? null,
    to: m.to,
    subject: m.subject,
    date: m.date === null || m.date > now ? now : m.date,
    ticketId: null,
    activityId: null,
    contactId: null,
    contactCreated: false,
    reason: null,
    attachments: m.attachments.map((a, i) => ({ name: a.filename ?? `attachment-${i + 1}`, size: a.size, path: null })),
  };
}

/** Import one parsed message (already known not to be imported before); `staged`: its attachments, written under temporary names. */
export async function importMessage(s: Session, m: ParsedMessage, ctx: MailPlanContext, staged?: StagedAttachments): Promise<MailResult> {
  const now = nowIso(s);
  const at = m.date === null || m.date > now ? now : m.date;
  const result = baseResult(s, m);
  if (ctx.seen.has(m.messageId)) return { ...result, outcome: 'unchanged', reason: 'the same Message-ID appears earlier in this mailbox' };
  const db = s.db.kysely;
  ctx.users ??= await userEmails(db);
  const support = ctx.supportAddress;
  const sender = m.from?.address ?? null;
  const ours = (a: string) => a === support || ctx.users!.has(a);
  const known = await contactsByEmail(db, [...new Set([...(sender ? [sender] : []), ...m.to])]);
  let direction: 'in' | 'out';
  let contactAddress: string | null;
  if (sender && ours(sender)) {
    direction = 'out';
    contactAddress = m.to.find((a) => known.has(a)) ?? m.to.find((a) => !ours(a)) ?? null;
  } else if (sender && known.has(sender)) {
    direction = 'in';
    contactAddress = sender;
  } else if (m.to.some((a) => known.has(a))) {
    direction = 'out';
    contactAddress = m.to.find((a) => known.has(a))!;
  } else {
    direction = 'in';
    contactAddress = sender;
  }
  result.direction = direction;
  const reject = (reason: string): MailResult => {
    ctx.seen.set(m.messageId, 0);
    return { ...result, outcome: 'rejected', reason };
  };
  if (!contactAddress) return reject(sender ? 'no recipient outside the team' : 'no sender address');
  let contact = known.get(contactAddress) ?? null;
  if (!contact) {
    if (ctx.unknown === 'reject') return reject(`unknown ${direction === 'in' ? 'sender' : 'recipient'} ${contactAddress} (import with --unknown create to add them as contacts)`);
    if (!isValidEmail(contactAddress)) return reject(`"${contactAddress}" is not a usable email address`);
    const name = (direction === 'in' ? m.from?.name : null) ?? contactAddress.split('@')[0]!;
    result.contactCreated = true;
    if (!ctx.dryRun) {
      const c = await addContact(s, { name, email: contactAddress, source: 'email' });
      contact = { id: c.id, company_id: c.company?.id ?? null };
    }
  }
  result.contactId = contact?.id ?? null;

  // The thread: a stored message of a ticket, one opened earlier in this run, or [#id] in the subject.
  let ticketId: number | null = await ticketOfThread(db, m.threadIds);
  if (ticketId === null) for (const id of m.threadIds) if ((ctx.seen.get(id) ?? 0) !== 0) ticketId = ctx.seen.get(id)!;
  if (ticketId === null) {
    const tag = TICKET_TAG.exec(m.subject);
    if (tag && (await ticketExists(db, Number(tag[1])))) ticketId = Number(tag[1]);
  }
  const ticket = ticketId !== null && ticketId > 0 ? await ticketExists(db, ticketId) : null;
  const toSupport = m.to.includes(support);
  const stored = !ctx.dryRun && staged ? staged.files : [];
  stored.forEach((f, i) => (result.attachments[i] = { ...result.attachments[i]!, name: f.name, path: f.path }));
  const record = (outcome: MailOutcome, ids: { ticketId?: number | null; activityId?: number | null }) => async (trx: Trx, id: number) => {
    const tId = outcome === 'activity' ? (ids.ticketId ?? null) : id;
    await insertMailMessage(trx, {
      message_id: m.messageId,
      direction,
      from_address: sender,
      to_addresses: m.to.join(', ') || null,
      subject: m.subject || null,
      sent_at: at,
      outcome,
      ticket_id: tId,
      activity_id: outcome === 'activity' ? id : null,
      contact_id: contact?.id ?? null,
      attachment_count: m.attachments.length,
      attachment_names: m.attachments.length ? JSON.stringify(result.attachments.map((a) => a.name)) : null,
      // Set once the files are there (placeAttachments): a row never points to a missing file.
      attachment_dir: null,
      imported_at: now,
      imported_by: s.actor,
    });
  };
  // Written as of the message's time: the events, the ticket's times and the audit say when it happened.
  const then: Session = { ...s, now: () => new Date(at) };
  const body = m.text || '(no text)';
  const subject = m.subject || '(no subject)';

  if (direction === 'in' && (ticket || toSupport || ticketId === -1)) {
    if (ticket && ticket.status !== 'closed') {
      result.outcome = 'reply';
      result.ticketId = ticket.id;
      const when = at < ticket.created_at ? ticket.created_at : at;
      if (!ctx.dryRun) await messageOnTicketId({ ...s, now: () => new Date(when) }, ticket.id, body, record('reply', {}));
      ctx.seen.set(m.messageId, ticket.id);
      return result;
    }
    if (ticket) result.reason = `follow-up to closed ticket #${ticket.id}`;
    else if (ticketId === -1) {
      // A dry run: the answer to a ticket this run would open.
      ctx.seen.set(m.messageId, -1);
      return { ...result, outcome: 'reply' };
    }
    result.outcome = 'ticket';
    const id = ctx.dryRun ? -1 : await openTicketId(then, { subject, description: body, contact: String(contact!.id), channel: 'email' }, record('ticket', {}));
    result.ticketId = id > 0 ? id : null;
    ctx.seen.set(m.messageId, id);
    return result;
  }

  result.outcome = 'activity';
  const lines = [`From: ${sender ?? '(none)'}`, `To: ${m.to.join(', ') || '(none)'}`, '', body];
  if (!ctx.dryRun) {
    const target: LinkTarget = { type: 'contact', id: contact!.id, label: `contact #${contact!.id}`, contactId: contact!.id, companyId: contact!.company_id, dealId: null, ticketId: ticket?.id ?? null };
    const logged = await logActivity(then, { kind: 'email', ref: String(contact!.id), subject, body: lines.join('\n'), target, within: (trx, id) => record('activity', { ticketId: ticket?.id ?? null })(trx, id) });
    result.activityId = logged.activity.id;
  }
  result.ticketId = ticket?.id ?? null;
  ctx.seen.set(m.messageId, ticket?.id ?? 0);
  return result;
}
