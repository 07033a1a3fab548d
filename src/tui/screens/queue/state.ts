/** Support queue state: a pure reducer, testable as a plain function. */
import type { TicketRecord } from '../../../domain/tickets.js';
import type { ListAction } from '../../keymap.js';
import { clampPosition, moveInList } from '../../list.js';
import type { PromptState } from '../../prompt.js';

export type QueuePromptKind = 'assign' | 'reply' | 'note';

/**
 * A ticket as the queue (or its detail) showed it. Actions carry it: they go to this ticket,
 * whatever the cursor is on by the time they are sent, and pass its version, so the domain
 * refuses them (a `stale` conflict, nothing written) when someone changed the ticket since.
 */
export interface TicketTarget {
  id: number;
  subject: string;
  version: number;
  status: TicketRecord['status'];
  assignee: string | null;
  priority: string;
}

export function ticketTarget(t: Pick<TicketRecord, 'id' | 'subject' | 'version' | 'status' | 'assignee' | 'priority'>): TicketTarget {
  return { id: t.id, subject: t.subject, version: t.version, status: t.status, assignee: t.assignee, priority: t.priority };
}

export interface QueueState {
  rows: TicketRecord[];
  loaded: boolean;
  cursor: number;
  scroll: number;
  filter: string;
  editing: string | null;
  mine: boolean;
  /** The ticket whose detail is open (as last shown: the row, then the loaded detail). */
  open: TicketTarget | null;
  prompt: PromptState<QueuePromptKind> | null;
  /** The ticket the open prompt is for, as it was when the prompt opened. */
  promptFor: TicketTarget | null;
  /** After a refused action: put the cursor on this ticket when the next load lists it. */
  focusId: number | null;
}

export const initialQueueState: QueueState = { rows: [], loaded: false, cursor: 0, scroll: 0, filter: '', editing: null, mine: false, open: null, prompt: null, promptFor: null, focusId: null };

export type QueueEvent =
  | { type: 'loaded'; rows: TicketRecord[] }
  /** This screen's own action went through: the ticket as it left the write (its new version). */
  | { type: 'acted'; ticket: Pick<TicketRecord, 'id' | 'subject' | 'version' | 'status' | 'assignee' | 'priority'> }
  | { type: 'move'; action: ListAction; height: number }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'filter-start' }
  | { type: 'filter-edit'; text: string }
  | { type: 'filter-apply' }
  | { type: 'filter-cancel' }
  | { type: 'filter-clear' }
  | { type: 'toggle-mine' }
  | { type: 'detail'; ticket: TicketTarget }
  | { type: 'prompt-open'; prompt: PromptState<QueuePromptKind>; ticket: TicketTarget }
  | { type: 'prompt-update'; prompt: PromptState<QueuePromptKind> }
  | { type: 'prompt-close' }
  | { type: 'focus'; ticketId: number };

export function queueReducer(s: QueueState, ev: QueueEvent): QueueState {
  switch (ev.type) {
    case 'loaded': {
      // Stay on the same ticket when it is still listed (after a refusal: on the refused one).
      const focused = s.focusId === null ? -1 : ev.rows.findIndex((r) => r.id === s.focusId);
      const keep = s.rows[s.cursor]?.id;
      const idx = focused >= 0 ? focused : keep === undefined ? -1 : ev.rows.findIndex((r) => r.id === keep);
      return { ...s, rows: ev.rows, loaded: true, focusId: null, ...clampPosition({ cursor: idx >= 0 ? idx : s.cursor, scroll: s.scroll }, ev.rows.length, Number.MAX_SAFE_INTEGER) };
    }
    case 'move':
      return { ...s, ...moveInList(s, ev.action, s.rows.length, ev.height) };
    case 'open': {
      const t = s.rows[s.cursor];
      return t ? { ...s, open: ticketTarget(t) } : s;
    }
    case 'close':
      return { ...s, open: null };
    case 'acted': {
      // Our own change is not "someone else's": the next key acts on the version just written,
      // without waiting for the reload (a quick `r` then `p` was refused as a conflict).
      const t = ev.ticket;
      const patch = { version: t.version, status: t.status, assignee: t.assignee, priority: t.priority };
      const rows = s.rows.map((r) => (r.id === t.id ? { ...r, ...patch } : r));
      return { ...s, rows, open: s.open?.id === t.id ? ticketTarget(t) : s.open };
    }
    case 'detail':
      // The detail (re)loaded: what the user sees now is this version.
      return s.open?.id === ev.ticket.id ? { ...s, open: ev.ticket } : s;
    case 'filter-start':
      return { ...s, editing: s.filter };
    case 'filter-edit':
      return s.editing === null ? s : { ...s, editing: ev.text };
    case 'filter-apply':
      return s.editing === null ? s : { ...s, filter: s.editing.trim(), editing: null, cursor: 0, scroll: 0 };
    case 'filter-cancel':
      return { ...s, editing: null };
    case 'filter-clear':
      return { ...s, filter: '', mine: false, editing: null, cursor: 0, scroll: 0 };
    case 'toggle-mine':
      return { ...s, mine: !s.mine, cursor: 0, scroll: 0 };
    case 'prompt-open':
      return { ...s, prompt: ev.prompt, promptFor: ev.ticket };
    case 'prompt-update':
      return { ...s, prompt: ev.prompt };
    case 'prompt-close':
      return { ...s, prompt: null, promptFor: null };
    case 'focus':
      return { ...s, focusId: ev.ticketId };
  }
}

/** The ticket under the cursor in the list. */
export function selectedTicket(s: QueueState): TicketRecord | undefined {
  return s.rows[s.cursor];
}

/** What the queue's actions apply to: the open ticket in its detail (as shown there), else the selected row. */
export function actionTarget(s: QueueState): TicketTarget | undefined {
  if (s.open) return s.open;
  const t = selectedTicket(s);
  return t ? ticketTarget(t) : undefined;
}

export function queueFilterTokens(s: Pick<QueueState, 'filter' | 'mine'>): string[] {
  const typed = (s.filter.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((t) => t.replace(/"/g, ''));
  return s.mine ? [...typed, 'assignee:me'] : typed;
}

export type SlaMood = 'breached' | 'soon' | 'paused' | 'ok' | 'none';

/** How urgent a ticket looks: breached, due within the hour, paused (pending / on hold), fine. */
export function slaMood(t: TicketRecord, now: Date): SlaMood {
  if (t.breaching) return 'breached';
  if (t.status === 'pending' || t.status === 'on_hold') return 'paused';
  if (!t.nextDeadline) return 'none';
  return Date.parse(t.nextDeadline) - now.getTime() <= 3600_000 ? 'soon' : 'ok';
}

/** "42m 07s", "3h 05m", "2d 4h"; negative when overdue ("-12m 30s"). Ticks every second. */
export function countdown(deadline: string, now: Date): string {
  const ms = Date.parse(deadline) - now.getTime();
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d) return `${sign}${d}d ${h}h`;
  if (h) return `${sign}${h}h ${pad(m)}m`;
  return `${sign}${m}m ${pad(s)}s`;
}
