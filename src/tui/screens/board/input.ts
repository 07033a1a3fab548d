/** Board keys → reducer events, or commands the screen performs (move, win, lose…). */
import type { MutableRefObject } from 'react';
import { actionFor, BOARD_KEYS, type KeyInfo } from '../../keymap.js';
import { useKeyHandler } from '../../key-router.js';
import { filterLineKey } from '../../line-edit.js';
import { isListAction } from '../../list.js';
import { promptKey } from '../../prompt.js';
import { neighbourStage, selectedCard, type BoardEvent, type BoardState } from './state.js';

export type BoardCommand =
  | { type: 'move-deal'; dealId: number; title: string; toStage: string }
  | { type: 'win'; dealId: number; title: string }
  | { type: 'ask-lose'; dealId: number; title: string }
  | { type: 'lose'; dealId: number; reason: string; note: string }
  | { type: 'say'; text: string };

export type BoardKeyResult = BoardEvent | BoardCommand | 'consume' | undefined;

export function boardKeyToEvent(s: BoardState, input: string, key: KeyInfo, cardsHeight: number): BoardKeyResult {
  if (s.prompt) {
    const out = promptKey(s.prompt, input, key);
    if (!out) return undefined;
    if (out.type === 'cancel') return { type: 'prompt-close' };
    if (out.type === 'done') return s.openId !== null || selectedCard(s) ? { type: 'lose', dealId: s.openId ?? selectedCard(s)!.id, reason: out.values.reason!, note: out.values.note ?? '' } : { type: 'prompt-close' };
    return { type: 'prompt-update', prompt: out.prompt };
  }
  if (s.editing !== null) return filterLineKey(s.editing, input, key);
  const action = actionFor(BOARD_KEYS, input, key);
  if (s.openId !== null) {
    // In the detail: back, and the actions on this deal.
    if (action === 'back' || action === 'open' || action === 'col-left') return { type: 'close' };
    if (action !== 'win' && action !== 'lose') return action ? 'consume' : undefined;
  }
  if (isListAction(action)) return { type: 'move', action, height: cardsHeight };
  const card = selectedCard(s);
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
      return card ? { type: 'open' } : 'consume';
    case 'move-left':
    case 'move-right': {
      if (!card) return 'consume';
      const to = neighbourStage(s, action === 'move-right' ? 1 : -1);
      if (!to) return { type: 'say', text: action === 'move-right' ? `${s.board!.columns[s.col]!.stage.name} is the last open stage: w marks the deal won.` : `${s.board!.columns[s.col]!.stage.name} is the first stage.` };
      return { type: 'move-deal', dealId: card.id, title: card.title, toStage: to.stage.name };
    }
    case 'win':
      return card || s.openId !== null ? { type: 'win', dealId: s.openId ?? card!.id, title: card?.title ?? '' } : 'consume';
    case 'lose':
      return card || s.openId !== null ? { type: 'ask-lose', dealId: s.openId ?? card!.id, title: card?.title ?? '' } : 'consume';
  }
  return undefined;
}

export function useBoardInput(
  deps: { state: MutableRefObject<BoardState>; dispatch: (ev: BoardEvent) => void; cardsHeight: number; run: (cmd: BoardCommand) => void },
  opts: { isActive: boolean },
): void {
  useKeyHandler((input, key) => {
    const out = boardKeyToEvent(deps.state.current, input, key, deps.cardsHeight);
    if (out === undefined) return false;
    if (out === 'consume') return true;
    switch (out.type) {
      case 'move-deal':
      case 'win':
      case 'ask-lose':
      case 'lose':
      case 'say':
        if (out.type === 'lose') deps.dispatch({ type: 'prompt-close' });
        deps.run(out);
        return true;
      default:
        deps.dispatch(out);
        return true;
    }
  }, opts);
}
