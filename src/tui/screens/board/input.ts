/** Board keys → reducer events, or commands the screen performs (move, win, lose…). */
import type { MutableRefObject } from 'react';
import { actionFor, BOARD_KEYS, type BoardAction, type KeyInfo } from '../../keymap.js';
import { useOrderedKeyHandler } from '../../key-router.js';
import { filterLineKey } from '../../line-edit.js';
import { isListAction } from '../../list.js';
import { promptKey } from '../../prompt.js';
import { actionTarget, neighbourStage, type BoardEvent, type BoardState, type DealTarget } from './state.js';

/** Actions carry the deal as the board showed it (its version): see DealTarget. */
export type BoardCommand =
  | { type: 'move-deal'; deal: DealTarget; toStage: string; direction: 'move-left' | 'move-right' }
  | { type: 'win'; deal: DealTarget }
  | { type: 'ask-lose'; deal: DealTarget }
  | { type: 'lose'; deal: DealTarget; reason: string; note: string }
  | { type: 'say'; text: string }
  | { type: 'new-deal'; stage: string | undefined }
  | { type: 'edit-deal'; deal: DealTarget }
  | { type: 'open-contact'; deal: DealTarget }
  | { type: 'open-company'; deal: DealTarget };

/** What can be done from a deal's detail (besides closing it). */
const DETAIL_ACTIONS: readonly BoardAction[] = ['win', 'lose', 'edit', 'open-contact', 'open-company'];

export type BoardKeyResult = BoardEvent | BoardCommand | 'consume' | undefined;

export function boardKeyToEvent(s: BoardState, input: string, key: KeyInfo, cardsHeight: number): BoardKeyResult {
  if (s.prompt) {
    const out = promptKey(s.prompt, input, key);
    if (!out) return undefined;
    if (out.type === 'cancel') return { type: 'prompt-close' };
    // The deal the prompt was opened for, not whatever the cursor is on after a reload meanwhile.
    if (out.type === 'done') return s.losing ? { type: 'lose', deal: s.losing, reason: out.values.reason!, note: out.values.note ?? '' } : { type: 'prompt-close' };
    return { type: 'prompt-update', prompt: out.prompt };
  }
  if (s.editing !== null) return filterLineKey(s.editing, input, key);
  const action = actionFor(BOARD_KEYS, input, key);
  if (s.company !== null) {
    // The deal's company: back to the deal.
    if (action === 'back' || action === 'open' || action === 'col-left') return { type: 'company', id: null };
    return action ? 'consume' : undefined;
  }
  if (s.open !== null) {
    // In the detail: back, and the actions on this deal.
    if (action === 'back' || action === 'open' || action === 'col-left') return { type: 'close' };
    if (!action || !DETAIL_ACTIONS.includes(action)) return action ? 'consume' : undefined;
  }
  if (isListAction(action)) return { type: 'move', action, height: cardsHeight };
  const target = actionTarget(s);
  switch (action) {
    case 'col-left':
      return { type: 'column', by: -1 };
    case 'col-right':
      return { type: 'column', by: 1 };
    case 'filter':
      return { type: 'filter-start' };
    case 'mine':
      return { type: 'toggle-mine' };
    case 'back':
      return s.filter || s.mine ? { type: 'filter-clear' } : 'consume';
    case 'open':
      return target ? { type: 'open' } : 'consume';
    case 'move-left':
    case 'move-right': {
      if (!target) return 'consume';
      const to = neighbourStage(s, action === 'move-right' ? 1 : -1);
      if (!to) return { type: 'say', text: action === 'move-right' ? `${s.board!.columns[s.col]!.stage.name} is the last open stage: w marks the deal won.` : `${s.board!.columns[s.col]!.stage.name} is the first stage.` };
      return { type: 'move-deal', deal: target, toStage: to.stage.name, direction: action };
    }
    case 'win':
      return target ? { type: 'win', deal: target } : 'consume';
    case 'lose':
      return target ? { type: 'ask-lose', deal: target } : 'consume';
    case 'new':
      return { type: 'new-deal', stage: s.board?.columns[s.col]?.stage.name };
    case 'edit':
      return target ? { type: 'edit-deal', deal: target } : 'consume';
    case 'open-contact':
      return target ? { type: 'open-contact', deal: target } : 'consume';
    case 'open-company':
      return target ? { type: 'open-company', deal: target } : 'consume';
  }
  return undefined;
}

export function useBoardInput(
  deps: { state: MutableRefObject<BoardState>; dispatch: (ev: BoardEvent) => void; cardsHeight: number; run: (cmd: BoardCommand) => Promise<void> | undefined },
  opts: { isActive: boolean },
): void {
  const read = (input: string, key: KeyInfo) => boardKeyToEvent(deps.state.current, input, key, deps.cardsHeight);
  useOrderedKeyHandler(
    (input, key) => {
      const out = read(input, key);
      if (out === undefined) return false;
      if (out === 'consume') return true;
      switch (out.type) {
        case 'move-deal':
        case 'win':
        case 'ask-lose':
        case 'lose':
        case 'say':
        case 'new-deal':
        case 'edit-deal':
        case 'open-contact':
        case 'open-company':
          if (out.type === 'lose') deps.dispatch({ type: 'prompt-close' });
          return deps.run(out) ?? true;
        default:
          deps.dispatch(out);
          return true;
      }
    },
    (input, key) => read(input, key) !== undefined,
    opts,
  );
}
