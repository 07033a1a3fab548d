/**
 * A one-line text field as a pure function: (text, key press) → text. Input in any script:
 * a pasted or IME-composed string arrives whole; backspace removes one grapheme (a Persian
 * letter with its diacritic, a flag emoji), not one UTF-16 unit.
 */
import { keyName, type KeyInfo } from './keymap.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function dropLastGrapheme(text: string): string {
  let last = 0;
  for (const seg of segmenter.segment(text)) last = seg.index;
  return text.slice(0, last);
}

/** The new text, or undefined when the key is not an edit (enter, escape, arrows…). */
export function editLine(text: string, input: string, key: KeyInfo): string | undefined {
  if (key.backspace || key.delete) return dropLastGrapheme(text);
  if (key.ctrl && input === 'u') return '';
  if (key.ctrl && input === 'w') return text.replace(/\S+\s*$/u, '');
  if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return undefined;
  // Control characters never enter a field (a pasted escape sequence must not reach the db).
  const clean = input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  if (!clean) return undefined;
  return text + clean;
}

export type FilterEditEvent = { type: 'filter-apply' } | { type: 'filter-cancel' } | { type: 'filter-edit'; text: string };

/**
 * Keys while a screen's filter line is open: enter applies, escape cancels, the rest edits.
 * undefined lets Ctrl-C through to the app; 'consume' swallows a key that changed nothing.
 */
export function filterLineKey(editing: string, input: string, key: KeyInfo): FilterEditEvent | 'consume' | undefined {
  const name = keyName(input, key);
  if (name === 'ctrl+c') return undefined;
  if (name === 'enter') return { type: 'filter-apply' };
  if (name === 'escape') return { type: 'filter-cancel' };
  const text = editLine(editing, input, key);
  return text === undefined ? 'consume' : { type: 'filter-edit', text };
}
