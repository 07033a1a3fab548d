import { describe, expect, it } from 'vitest';
import { Money, decimalToMinor } from '../../src/domain/money.js';
import { colorEnabled } from '../../src/io.js';
import { formatDuration, relativeTime } from '../../src/output/format.js';
import { safeCell, stripUnsafe } from '../../src/output/safe.js';
import { displayWidth, renderTable, truncate } from '../../src/output/table.js';

describe('terminal-safe text', () => {
  it('removes CSI, OSC, C1 controls and bidi overrides but keeps text and ZWNJ', () => {
    expect(stripUnsafe('a\u001b[31mred\u001b[0m b')).toBe('ared b');
    expect(stripUnsafe('x\u001b]0;title\u0007y')).toBe('xy');
    expect(stripUnsafe('x\u009b2Jy\u0085z')).toBe('xyz');
    expect(stripUnsafe('abc\u202edef')).toBe('abcdef');
    expect(stripUnsafe('می\u200cخواهم')).toBe('می\u200cخواهم');
    expect(safeCell('line1\nline2\tx')).toBe('line1 line2 x');
  });
});

describe('tables', () => {
  it('align CJK, Persian with diacritics, and emoji sequences', () => {
    const out = renderTable({ headers: ['Name', 'N'], rows: [['李伟', '1'], ['مُحَمَّد', '2'], ['👩‍👩‍👧 fam', '3'], ['Ivan', '4']] });
    const widths = out.trimEnd().split('\n').map(displayWidth);
    expect(new Set(widths).size).toBe(1);
  });

  it('truncate cuts by display width with an ellipsis', () => {
    expect(truncate('李伟李伟李伟', 5)).toBe('李伟…');
    expect(displayWidth(truncate('abcdefgh', 5))).toBe(5);
  });

  it('shrinks the widest column to fit the terminal width', () => {
    const out = renderTable({ headers: ['A', 'B'], rows: [['x'.repeat(100), 'y']], width: 40 });
    for (const line of out.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });
});

describe('colour', () => {
  it('follows NO_COLOR, FORCE_COLOR, --no-color and the TTY', () => {
    expect(colorEnabled(true, {})).toBe(true);
    expect(colorEnabled(false, {})).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(true, { FORCE_COLOR: '0' })).toBe(true);
    expect(colorEnabled(true, {}, true)).toBe(false);
  });
});

describe('money', () => {
  it('renders minor units exactly, with the currency exponent', () => {
    expect(JSON.stringify(new Money(125000, 'eur'))).toBe('{"amount":"1250.00","currency":"EUR"}');
    expect(new Money(1200, 'JPY').amount).toBe('1200');
    expect(new Money(-5, 'USD').amount).toBe('-0.05');
    expect(new Money(1234567, 'USD').format()).toBe('12,345.67 USD');
    expect(decimalToMinor('0.1', 'USD') + decimalToMinor('0.2', 'USD')).toBe(30n);
    expect(() => decimalToMinor('1.234', 'EUR')).toThrow('Too many decimals');
  });
});

describe('human formats', () => {
  it('relative times and durations', () => {
    const now = new Date('2026-11-20T17:55:00Z');
    expect(relativeTime('2026-11-17T17:55:00Z', now)).toBe('3 days ago');
    expect(relativeTime('2026-11-20T19:55:00Z', now)).toBe('in 2 h');
    expect(formatDuration(93784)).toBe('1d 2h 3m');
  });
});

describe('display width fast path', () => {
  it('counts printable ASCII one column a character, as string-width does, and still segments the rest', async () => {
    const { default: stringWidth } = await import('string-width');
    let ascii = '';
    for (let c = 0x20; c <= 0x7e; c++) ascii += String.fromCharCode(c);
    expect(displayWidth(ascii)).toBe(stringWidth(ascii));
    for (const s of ['#', '*1', 'café', '李伟', 'سارا', '👩‍💻', 'a\tb', '\u001b[31mred\u001b[0m']) expect(displayWidth(s)).toBe(stringWidth(s));
  });
});
