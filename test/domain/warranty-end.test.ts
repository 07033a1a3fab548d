import { describe, expect, it } from 'vitest';
import { warrantyEnd } from '../../src/domain/warranty.js';

describe('warrantyEnd', () => {
  it('is the same day N months later, or the last day of a shorter month', () => {
    expect(warrantyEnd('2026-11-30', 24)).toBe('2028-11-30');
    expect(warrantyEnd('2026-01-31', 1)).toBe('2026-02-28');
    expect(warrantyEnd('2027-01-31', 13)).toBe('2028-02-29');
    expect(warrantyEnd('2026-12-15', 1)).toBe('2027-01-15');
    expect(warrantyEnd('2026-03-01', 0)).toBe('2026-03-01');
  });
});
