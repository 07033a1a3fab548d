/** Agenda keys → reducer events, or "mark this task done". */
import type { MutableRefObject } from 'react';
import { actionFor, AGENDA_KEYS, type KeyInfo } from '../../keymap.js';
import { useKeyHandler } from '../../key-router.js';
import { isListAction } from '../../list.js';
import { promptKey } from '../../prompt.js';
import { selectedItem, type AgendaEvent, type AgendaState, type TaskTarget } from './state.js';

export type AgendaCommand = { type: 'done'; taskId: number } | { type: 'snooze'; task: TaskTarget; when: string };
export type AgendaKeyResult = AgendaEvent | AgendaCommand | 'consume' | undefined;

export function agendaKeyToEvent(state: AgendaState, input: string, key: KeyInfo, listHeight: number): AgendaKeyResult {
  if (state.prompt) {
    const out = promptKey(state.prompt, input, key);
    if (!out) return undefined;
    if (out.type === 'cancel') return { type: 'prompt-close' };
    // The task the form was opened for, whatever a reload has put under the cursor since.
    if (out.type === 'done') return state.promptFor ? { type: 'snooze', task: state.promptFor, when: out.values.when! } : { type: 'prompt-close' };
    return { type: 'prompt-update', prompt: out.prompt };
  }
  const action = actionFor(AGENDA_KEYS, input, key);
  if (isListAction(action)) return { type: 'move', action, height: listHeight };
  if (action === 'everyone') return { type: 'toggle-everyone' };
  if (action === 'done') {
    const item = selectedItem(state);
    return item?.type === 'task' ? { type: 'done', taskId: item.id } : 'consume';
  }
  if (action === 'snooze') {
    const item = selectedItem(state);
    return item?.type === 'task' ? { type: 'snooze-start', task: { id: item.id, title: item.title } } : 'consume';
  }
  return undefined;
}

export function useAgendaInput(deps: { state: MutableRefObject<AgendaState>; dispatch: (ev: AgendaEvent) => void; listHeight: number; markDone: (taskId: number) => void; snooze: (task: TaskTarget, when: string) => void }, opts: { isActive: boolean }): void {
  useKeyHandler((input, key) => {
    const ev = agendaKeyToEvent(deps.state.current, input, key, deps.listHeight);
    if (ev === undefined) return false;
    if (ev === 'consume') return true;
    if (ev.type === 'done') deps.markDone(ev.taskId);
    else if (ev.type === 'snooze') {
      deps.dispatch({ type: 'prompt-close' });
      deps.snooze(ev.task, ev.when);
    } else deps.dispatch(ev);
    return true;
  }, opts);
}
