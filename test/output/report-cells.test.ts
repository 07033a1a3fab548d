/**
 * A report cell as text: one decimal for a person, the value itself (to the thousandth) in CSV,
 * TSV and the other machine formats — an average CSAT of 4.25 summed in a spreadsheet must not
 * arrive as 4.3.
 */
import { describe, expect, it } from 'vitest';
import { formatCell } from '../../src/output/report.js';

describe('report cells', () => {
  it('a number: one decimal on screen, to the thousandth for machines', () => {
    expect(formatCell(4.25, 'number', true)).toBe('4.3');
    expect(formatCell(4.25, 'number', false)).toBe('4.25');
    expect(formatCell(1 / 3, 'number', false)).toBe('0.333');
    expect(formatCell(5, 'number', false)).toBe('5');
  });

  it('days keep one decimal everywhere (the reports round them so)', () => {
    expect(formatCell(2.5, 'days', false)).toBe('2.5');
    expect(formatCell(2.5, 'days', true)).toBe('2.5');
  });
});
