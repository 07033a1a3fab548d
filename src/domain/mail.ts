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
import { contactsByEmail, importedMessageIds, insertMailMessage, readSetting, ticketExists, ticketOfThread, userEmails } from '../db/mail.js';
import type { Trx } from '../db/transaction.js';
import { UserError } from '../errors.js';
import type { ParsedMessage } from '../mail/parse.js';
import { logActivity } from './activities.js';
import { addContact } from './contacts.js';
import { authorize } from './permissions.js';
import type { LinkTarget } from './refs.js';
import { nowIso, type Session } from './session.js';
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
  /** Writes a message's attachments somewhere (outside the database); absent = skip them. Returns the paths. */
  storeAttachments?: (m: ParsedMessage) => { name: string; path: string }[];
  /** Filled while importing: Message-IDs seen in this run (a mailbox may hold a message twice) → ticket id (0: none; -1: a ticket a dry run would open). */
  seen: Map<string, number>;
  users?: Set<string>;
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

/** Import one parsed message (already known not to be imported before). */
export async function importMessage(s: Session, m: ParsedMessage, ctx: MailPlanContext): Promise<MailResult> {
  const now = nowIso(s);
  const undated = m.date === null || m.date > now;
  const at = undated ? now : m.date!;
  const result: MailResult = {
    source: m.source,
    messageId: m.messageId,
    outcome: 'rejected',
    direction: null,
    from: m.from?.address ?? null,
    to: m.to,
    subject: m.subject,
    date: at,
    ticketId: null,
    activityId: null,
    contactId: null,
    contactCreated: false,
    reason: null,
    attachments: m.attachments.map((a, i) => ({ name: a.filename ?? `attachment-${i + 1}`, size: a.size, path: null })),
  };
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
  const stored = !ctx.dryRun && ctx.storeAttachments && m.attachments.length ? ctx.storeAttachments(m) : [];
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
      attachment_dir: stored.length ? stored[0]!.path.replace(/[\\/][^\\/]*$/, '') : null,
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
