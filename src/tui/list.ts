/**
 * Cursor and scroll of a list as pure functions. The scroll offset only moves when the cursor
 * would leave the viewport, so navigating never makes the whole list jump.
 */
import type { ListAction } from './keymap.js';

export interface ListPosition {
  cursor: number;
  scroll: number;
}

export function clampPosition(pos: ListPosition, count: number, height: number): ListPosition {
  const h = Math.max(1, height);
  const cursor = count === 0 ? 0 : Math.min(Math.max(0, pos.cursor), count - 1);
  let scroll = Math.min(Math.max(0, pos.scroll), Math.max(0, count - h));
  if (cursor < scroll) scroll = cursor;
  if (cursor >= scroll + h) scroll = cursor - h + 1;
  return { cursor, scroll };
}

export function moveInList(pos: ListPosition, action: ListAction, count: number, height: number): ListPosition {
  const h = Math.max(1, height);
  let cursor = pos.cursor;
  switch (action) {
    case 'down':
      cursor += 1;
      break;
    case 'up':
      cursor -= 1;
      break;
    case 'page-down':
      cursor += h;
      break;
    case 'page-up':
      cursor -= h;
      break;
    case 'first':
      cursor = 0;
      break;
    case 'last':
      cursor = count - 1;
      break;
  }
  return clampPosition({ cursor, scroll: pos.scroll }, count, h);
}

export const LIST_ACTIONS: readonly ListAction[] = ['down', 'up', 'page-down', 'page-up', 'first', 'last'];

export function isListAction(a: string | undefined): a is ListAction {
  return a !== undefined && (LIST_ACTIONS as readonly string[]).includes(a);
}
