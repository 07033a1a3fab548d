/**
 * A ticket as it is now and its latest change (what and who, from the audit log): what a screen
 * needs to explain why an action carrying an older version (`expectVersion`) was refused.
 * Kept out of tickets.ts, which it only reads through.
 */
import { lastAuditEntry } from '../db/audit.js';
import { NotFoundError } from '../errors.js';
import type { Session } from './session.js';
import { showTicket, type TicketDetail } from './tickets.js';

export interface LatestTicketState {
  ticket: TicketDetail;
  /** The audit action of the latest change: create, reply, note, message, status, assign, priority, update… */
  change: string | null;
  /** Who made it (the acting user; for a requester's message, whoever recorded it). */
  changedBy: string | null;
}

/** null when the ticket no longer exists. */
export async function latestTicketState(s: Session, id: number): Promise<LatestTicketState | null> {
  let ticket: TicketDetail;
  try {
    ticket = await showTicket(s, id);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  const last = await lastAuditEntry(s.db.kysely, 'ticket', id);
  return { ticket, change: last?.action ?? null, changedBy: last?.actor ?? null };
}
