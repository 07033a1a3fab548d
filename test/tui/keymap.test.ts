import { describe, expect, it } from 'vitest';
import { actionFor, AGENDA_KEYS, BOARD_KEYS, CONTACTS_KEYS, GLOBAL_KEYS, keyName, QUEUE_KEYS, splitChunk, type Keymap } from '../../src/tui/keymap.js';
import { editLine, dropLastGrapheme } from '../../src/tui/line-edit.js';
import { moveInList } from '../../src/tui/list.js';

describe('keymaps', () => {
  it('name keys the way the tables spell them', () => {
    expect(keyName('j', {})).toBe('j');
    expect(keyName('', { downArrow: true })).toBe('down');
    expect(keyName('', { return: true })).toBe('enter');
    expect(keyName('c', { ctrl: true })).toBe('ctrl+c');
    expect(keyName('', { tab: true, shift: true })).toBe('shift+tab');
  });

  it('vim keys and arrows do the same thing', () => {
    expect(actionFor(CONTACTS_KEYS, 'j', {})).toBe('down');
    expect(actionFor(CONTACTS_KEYS, '', { downArrow: true })).toBe('down');
    expect(actionFor(BOARD_KEYS, 'l', {})).toBe('col-right');
    expect(actionFor(BOARD_KEYS, '', { rightArrow: true })).toBe('col-right');
    expect(actionFor(GLOBAL_KEYS, 'q', {})).toBe('quit');
    expect(actionFor(GLOBAL_KEYS, 'c', { ctrl: true })).toBe('quit');
  });

  it.each([
    ['contacts', CONTACTS_KEYS],
    ['board', BOARD_KEYS],
    ['queue', QUEUE_KEYS],
    ['agenda', AGENDA_KEYS],
  ] as [string, Keymap][])('%s: no key means two things, and none shadows a global key', (_name, km) => {
    const seen = new Map<string, string>();
    for (const b of km) {
      expect(b.description.length).toBeGreaterThan(3);
      for (const k of b.keys) {
        expect(seen.get(k), `key ${k}`).toBeUndefined();
        seen.set(k, b.action);
      }
    }
    for (const g of GLOBAL_KEYS) for (const k of g.keys) expect(seen.has(k), `screen key ${k} shadows ${g.action}`).toBe(false);
  });

  it('splits a burst of keys into single presses', () => {
    expect(splitChunk('/rah\rjj')).toEqual([
      { input: '/', key: {} },
      { input: 'r', key: {} },
      { input: 'a', key: {} },
      { input: 'h', key: {} },
      { input: '', key: { return: true } },
      { input: 'j', key: {} },
      { input: 'j', key: {} },
    ]);
    expect(splitChunk('\x03')).toEqual([{ input: 'c', key: { ctrl: true } }]);
    expect(splitChunk('رحیمی').map((k) => k.input)).toEqual(['ر', 'ح', 'ی', 'م', 'ی']);
  });
});

describe('text field', () => {
  it('takes text in any script and deletes whole graphemes', () => {
    expect(editLine('', 'ПЕТ', {})).toBe('ПЕТ');
    expect(editLine('رحیمی', '', { backspace: true })).toBe('رحیم');
    expect(dropLastGrapheme('ok 🇮🇷')).toBe('ok ');
    expect(editLine('abc', '', { return: true })).toBeUndefined();
    expect(editLine('abc', '\x1b[2J', {})).toBe('abc[2J');
    expect(editLine('two words', 'w', { ctrl: true })).toBe('two ');
  });
});

describe('list cursor', () => {
  it('scrolls only when the cursor leaves the viewport', () => {
    let pos = { cursor: 0, scroll: 0 };
    for (let i = 0; i < 4; i++) pos = moveInList(pos, 'down', 100, 5);
    expect(pos).toEqual({ cursor: 4, scroll: 0 });
    pos = moveInList(pos, 'down', 100, 5);
    expect(pos).toEqual({ cursor: 5, scroll: 1 });
    pos = moveInList(pos, 'up', 100, 5);
    expect(pos).toEqual({ cursor: 4, scroll: 1 });
    expect(moveInList(pos, 'last', 100, 5)).toEqual({ cursor: 99, scroll: 95 });
    expect(moveInList({ cursor: 99, scroll: 95 }, 'page-down', 100, 5)).toEqual({ cursor: 99, scroll: 95 });
    expect(moveInList({ cursor: 3, scroll: 0 }, 'first', 0, 5)).toEqual({ cursor: 0, scroll: 0 });
  });
});
