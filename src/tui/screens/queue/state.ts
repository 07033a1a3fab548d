/** Support queue state: a pure reducer, testable as a plain function. */
import type { TicketRecord } from '../../../domain/tickets.js';
import type { ListAction } from '../../keymap.js';
import { clampPosition, moveInList } from '../../list.js';
import type { PromptState } from '../../prompt.js';

export type QueuePromptKind = 'assign' | 'reply' | 'note';

export interface QueueState {
  rows: TicketRecord[];
  loaded: boolean;
  cursor: number;
  scroll: number;
  filter: string;
  editing: string | null;
  mine: boolean;
  openId: number | null;
  prompt: PromptState<QueuePromptKind> | null;
}

export const initialQueueState: QueueState = { rows: [], loaded: false, cursor: 0, scroll: 0, filter: '', editing: null, mine: false, openId: null, prompt: null };

export type QueueEvent =
  | { type: 'loaded'; rows: TicketRecord[] }
  | { type: 'move'; action: ListAction; height: number }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'filter-start' }
  | { type: 'filter-edit'; text: string }
  | { type: 'filter-apply' }
  | { type: 'filter-cancel' }
  | { type: 'filter-clear' }
  | { type: 'toggle-mine' }
  | { type: 'prompt-open'; prompt: PromptState<QueuePromptKind> }
  | { type: 'prompt-update'; prompt: PromptState<QueuePromptKind> }
  | { type: 'prompt-close' };

export function queueReducer(s: QueueState, ev: QueueEvent): QueueState {
  switch (ev.type) {
    case 'loaded': {
      const keep = s.rows[s.cursor]?.id;
      const idx = keep === undefined ? -1 : ev.rows.findIndex((r) => r.id === keep);
      return { ...s, rows: ev.rows, loaded: true, ...clampPosition({ cursor: idx >= 0 ? idx : s.cursor, scroll: s.scroll }, ev.rows.length, Number.MAX_SAFE_INTEGER) };
    }
    case 'move':
      return { ...s, ...moveInList(s, ev.action, s.rows.length, ev.height) };
    case 'open': {
      const t = s.rows[s.cursor];
      return t ? { ...s, openId: t.id } : s;
    }
    case 'close':
      return { ...s, openId: null };
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
    case 'prompt-update':
      return { ...s, prompt: ev.prompt };
    case 'prompt-close':
      return { ...s, prompt: null };
  }
}

export function selectedTicket(s: QueueState): TicketRecord | undefined {
  if (s.openId !== null) return s.rows.find((r) => r.id === s.openId);
  return s.rows[s.cursor];
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
