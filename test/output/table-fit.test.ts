/** fitTable (src/output/table.ts): how a table gives way to a narrow terminal; plural(). */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { plural } from '../../src/output/plural.js';
import { relativeTime } from '../../src/output/format.js';
import { fitTable } from '../../src/output/table.js';

const headers = ['ID', 'Title', 'Amount', 'Owner', 'Tags'];
const rows = [
  ['1', 'A rather long deal title that goes on', '1,234,567.89 EUR', 'sara.rahimi', 'renewal, vip'],
  ['22', 'Short', '5.00 USD', 'li.wei', ''],
];
const base = { headers, rows, whole: [true, false, true, false, false], priorities: [0, 0, 0, 3, 4] };

describe('fitTable', () => {
  it('with room, every column whole', () => {
    const t = fitTable({ ...base, width: 200 });
    expect(t.hidden).toEqual([]);
    expect(t.text).toContain('A rather long deal title that goes on');
  });

  it('narrower: text is cut before columns go; amounts and ids never', () => {
    const t = fitTable({ ...base, width: 80 });
    for (const line of t.text.trimEnd().split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    expect(t.text).toContain('1,234,567.89 EUR');
    expect(t.text).toMatch(/│ 22 │/);
  });

  it('narrower still: the highest priority number goes first, and priority 0 never', () => {
    const t = fitTable({ ...base, width: 40 });
    expect(t.hidden).toEqual(['Owner', 'Tags']);
    expect(t.text).toContain('1,234,567.89 EUR');
    for (const line of t.text.trimEnd().split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(40);
    const tiny = fitTable({ ...base, width: 10 });
    expect(tiny.hidden).toEqual(['Owner', 'Tags']);
    expect(tiny.text).toContain('1,234,567.89 EUR');
  });

  it('a header wider than its numbers wraps onto a second line before anything is cut', () => {
    const t = fitTable({ headers: ['Rep', 'New contacts', 'Next steps'], rows: [['sara', '1', '2']], whole: [false, true, true], width: 30 });
    expect(t.hidden).toEqual([]);
    expect(t.text.split('\n')[1]).toContain('New');
    expect(t.text.split('\n')[2]).toContain('contacts');
    for (const line of t.text.trimEnd().split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(30);
  });
});

describe('plural', () => {
  it('counts with their noun', () => {
    expect(plural(1, 'deal')).toBe('1 deal');
    expect(plural(2, 'deal')).toBe('2 deals');
    expect(plural(0, 'deal')).toBe('0 deals');
    expect(plural(1n, 'company', 'companies')).toBe('1 company');
    expect(plural(3, 'company', 'companies')).toBe('3 companies');
    const now = new Date('2026-11-20T12:00:00Z');
    expect(relativeTime('2026-11-19T11:00:00Z', now)).toBe('1 day ago');
    expect(relativeTime('2026-11-22T13:00:00Z', now)).toBe('in 2 days');
  });
});
