/** The SLA report's median (quickselect, no sort) equals the median of the sorted values. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median } from '../../src/reports/sla/build.js';

function sortedMedian(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return Math.round(s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
}

describe('median of durations', () => {
  it('equals the sorted median for any values, duplicates and odd/even counts included (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -1e9, max: 1e9 }), fc.double({ min: 0, max: 1e7, noNaN: true })), { maxLength: 300 }), (xs) => {
        expect(median(xs)).toBe(sortedMedian(xs));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps its input as it was', () => {
    const xs = [5, 1, 4, 2, 3, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 4, 2, 3, 3]);
    expect(median([])).toBeNull();
    expect(median(Array.from({ length: 100_001 }, (_, i) => 100_000 - i))).toBe(50_000);
  });
});
