/** instantMs (src/domain/ticket-sla.ts) reads stored instants from their digits: always what Date.parse gives. */
import { describe, expect, it } from 'vitest';
import { instantMs } from '../../src/domain/ticket-sla.js';

describe('instantMs', () => {
  it('equals Date.parse on 100,000 toISOString() instants from 1970 to 2200', () => {
    let x = 12345;
    for (let i = 0; i < 100_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const ms = Math.floor((x / 2 ** 31) * 7.26e12) + (i % 1000);
      const iso = new Date(ms).toISOString();
      expect(instantMs(iso)).toBe(ms);
    }
  });

  it('any other shape goes through Date.parse', () => {
    for (const s of ['2026-11-20', '2026-11-20T17:55:00Z', '2026-11-20T17:55:00.000+01:00', 'nonsense', '+012026-11-20T17:55:00.000Z']) {
      expect(Object.is(instantMs(s), Date.parse(s))).toBe(true);
    }
  });
});
