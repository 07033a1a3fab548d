/** Agenda keys → reducer events, or "mark this task done". */
import type { MutableRefObject } from 'react';
import { actionFor, AGENDA_KEYS, type KeyInfo } from '../../keymap.js';
import { useKeyHandler } from '../../key-router.js';
import { isListAction } from '../../list.js';
import { selectedItem, type AgendaEvent, type AgendaState } from './state.js';

export type AgendaKeyResult = AgendaEvent | { type: 'done'; taskId: number } | 'consume' | undefined;

export function agendaKeyToEvent(state: AgendaState, input: string, key: KeyInfo, listHeight: number): AgendaKeyResult {
  const action = actionFor(AGENDA_KEYS, input, key);
  if (isListAction(action)) return { type: 'move', action, height: listHeight };
  if (action === 'everyone') return { type: 'toggle-everyone' };
  if (action === 'done') {
    const item = selectedItem(state);
    return item?.type === 'task' ? { type: 'done', taskId: item.id } : 'consume';
  }
  return undefined;
}

export function useAgendaInput(deps: { state: MutableRefObject<AgendaState>; dispatch: (ev: AgendaEvent) => void; listHeight: number; markDone: (taskId: number) => void }, opts: { isActive: boolean }): void {
  useKeyHandler((input, key) => {
    const ev = agendaKeyToEvent(deps.state.current, input, key, deps.listHeight);
    if (ev === undefined) return false;
    if (ev === 'consume') return true;
    if (ev.type === 'done') deps.markDone(ev.taskId);
    else deps.dispatch(ev);
    return true;
  }, opts);
}
