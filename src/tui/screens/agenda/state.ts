/** Agenda screen state: overdue, today's and the coming week's tasks and meetings, one list. */
import type { Agenda, AgendaItem } from '../../../domain/activities.js';
import type { ListAction } from '../../keymap.js';
import { clampPosition, moveInList } from '../../list.js';
import { openPrompt, type PromptState } from '../../prompt.js';

/** The task a snooze form was opened for (whatever the cursor is on when it is sent). */
export interface TaskTarget {
  id: number;
  title: string;
}

export type AgendaSection = 'overdue' | 'today' | 'upcoming';

export interface AgendaRow {
  section: AgendaSection;
  item: AgendaItem;
}

export interface AgendaState {
  rows: AgendaRow[];
  owner: string | null;
  everyone: boolean;
  loaded: boolean;
  cursor: number;
  scroll: number;
  prompt: PromptState<'snooze'> | null;
  promptFor: TaskTarget | null;
}

export const initialAgendaState: AgendaState = { rows: [], owner: null, everyone: false, loaded: false, cursor: 0, scroll: 0, prompt: null, promptFor: null };

export type AgendaEvent =
  | { type: 'loaded'; agenda: Agenda }
  | { type: 'move'; action: ListAction; height: number }
  | { type: 'toggle-everyone' }
  | { type: 'snooze-start'; task: TaskTarget }
  | { type: 'prompt-update'; prompt: PromptState<'snooze'> }
  | { type: 'prompt-close' };

export function snoozePrompt(task: TaskTarget): PromptState<'snooze'> {
  return openPrompt('snooze', `Snooze task #${task.id} ${task.title}`, [{ name: 'when', label: 'Until (tomorrow, next monday 9am, 2026-12-01…)', initial: 'tomorrow' }]);
}

export function agendaRows(a: Agenda): AgendaRow[] {
  return [...a.overdue.map((item) => ({ section: 'overdue' as const, item })), ...a.today.map((item) => ({ section: 'today' as const, item })), ...a.upcoming.map((item) => ({ section: 'upcoming' as const, item }))];
}

export function agendaReducer(state: AgendaState, ev: AgendaEvent): AgendaState {
  switch (ev.type) {
    case 'loaded': {
      const rows = agendaRows(ev.agenda);
      // Stay on the same item when it is still there; else on the same position (the next one
      // moves up after marking a task done).
      const keep = state.rows[state.cursor]?.item;
      const idx = keep ? rows.findIndex((r) => r.item.id === keep.id && r.item.type === keep.type) : -1;
      return { ...state, rows, owner: ev.agenda.owner, loaded: true, ...clampPosition({ cursor: idx >= 0 ? idx : state.cursor, scroll: state.scroll }, rows.length, Number.MAX_SAFE_INTEGER) };
    }
    case 'move':
      return { ...state, ...moveInList(state, ev.action, state.rows.length, ev.height) };
    case 'toggle-everyone':
      return { ...state, everyone: !state.everyone, cursor: 0, scroll: 0 };
    case 'snooze-start':
      return { ...state, prompt: snoozePrompt(ev.task), promptFor: ev.task };
    case 'prompt-update':
      return state.prompt ? { ...state, prompt: ev.prompt } : state;
    case 'prompt-close':
      return { ...state, prompt: null, promptFor: null };
  }
}

export function selectedItem(state: AgendaState): AgendaItem | undefined {
  return state.rows[state.cursor]?.item;
}
