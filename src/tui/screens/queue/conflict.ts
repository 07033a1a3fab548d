/**
 * The status line after a queue action was refused because the ticket changed since the queue
 * (or its detail) showed it — the domain's `stale` conflict, nothing written: what it is now,
 * who changed it, what happened to what the user typed, what to do.
 */
import type { LatestTicketState } from '../../../domain/ticket-latest.js';
import { label, OPEN_TICKET_STATUSES } from '../../../domain/tickets.js';
import { QUEUE_KEYS, type QueueAction } from '../../keymap.js';
import type { TicketTarget } from './state.js';


export type QueueVerb = 'assign' | 'reply' | 'note' | 'pending' | 'solve';

const PHRASE: Record<QueueVerb, string> = { assign: 'assign it', reply: 'reply', note: 'add the note', pending: 'set it pending', solve: 'solve it' };

function keyOf(action: QueueAction): string {
  return QUEUE_KEYS.find((b) => b.action === action)!.keys[0]!;
}

/** Whether the action still makes sense on a ticket in this status. */
export function stillPossible(verb: QueueVerb, status: TicketTarget['status']): boolean {
  switch (verb) {
    case 'assign':
    case 'reply':
    case 'note':
      return status !== 'closed';
    case 'pending':
      return status === 'new' || status === 'open' || status === 'on_hold';
    case 'solve':
      return OPEN_TICKET_STATUSES.includes(status);
  }
}

/** "now solved, by anna", "new message from bob@example.com", "taken by anna", "reply by sara, now open"… */
export function changeText(shown: TicketTarget, now: LatestTicketState): string {
  const t = now.ticket;
  const by = now.changedBy;
  const byText = by ? `, by ${by}` : '';
  const status = t.status !== shown.status ? `, now ${label(t.status)}` : '';
  switch (now.change) {
    case 'message': {
      const from = [...t.events].reverse().find((e) => e.kind === 'message')?.actor ?? 'the requester';
      return `new message from ${from}${status}`;
    }
    case 'reply':
      return `${by ? `reply by ${by}` : 'a new reply'}${status}`;
    case 'note':
      return `${by ? `note by ${by}` : 'a new note'}${status}`;
  }
  if (status) return `now ${label(t.status)}${byText}`;
  if (t.assignee !== shown.assignee) {
    if (!t.assignee) return `now unassigned${byText}`;
    return t.assignee === by ? `taken by ${by}` : `now assigned to ${t.assignee}${byText}`;
  }
  if (t.priority !== shown.priority) return `now ${t.priority} priority${byText}`;
  return by ? `edited by ${by}` : 'edited';
}

export interface RefusalOutcome {
  /** The ticket can be acted on again with the same key: its detail is open, or the list shows it (the cursor is on it). */
  reachable: boolean;
  /** The refused reply or note was given back in its form. */
  kept: boolean;
}

/**
 * "Ticket #12 changed meanwhile (now solved, by anna) — reloaded; press r again to reply." A
 * refused reply or note leads with that ("Your reply was not sent: ticket #12 changed …"), so
 * it survives truncation on a narrow terminal. `now` is the ticket as it is now (null: it no
 * longer exists).
 */
export function ticketStaleMessage(shown: TicketTarget, now: LatestTicketState | null, verb: QueueVerb, outcome: RefusalOutcome): string {
  const typed = verb === 'reply' || verb === 'note';
  const lead = typed ? `Your ${verb} was not sent: ticket #${shown.id}` : `Ticket #${shown.id}`;
  if (!now) return `${lead} no longer exists${typed ? '' : ' — reloaded'}.`;
  const head = `${lead} changed meanwhile (${changeText(shown, now)})`;
  if (typed && outcome.kept) return `${head} — it is back in the form.`;
  // Assign, reply and note are impossible only on a closed ticket; pending and solve say the state.
  if (!stillPossible(verb, now.ticket.status)) return `${head} — reloaded${verb === 'pending' || verb === 'solve' ? '' : '; closed tickets are final'}.`;
  return `${head} — reloaded; ${outcome.reachable ? `press ${keyOf(verb)} again to ${PHRASE[verb]}` : 'it is no longer in the list'}.`;
}

/** The notice inside a reply or note form given back after a refusal (the status line says what changed). */
export const KEPT_NOTICE = 'Not sent: the ticket changed meanwhile. ctrl-s sends it now, esc drops it.';
