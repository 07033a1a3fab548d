import { describe, expect, it } from 'vitest';
import { formatWhen, parseDuration, parseWhen } from '../../src/domain/dates.js';

const now = new Date('2026-11-20T17:55:00Z'); // a Friday
const berlin = { now, timeZone: 'Europe/Berlin' };

describe('parseWhen', () => {
  it('reads wall-clock time in the user zone, with that date’s own offset (DST)', async () => {
    // Winter: UTC+1.
    expect((await parseWhen('tomorrow 9am', { ...berlin, forward: true })).iso).toBe('2026-11-21T08:00:00.000Z');
    // After the spring change: UTC+2, though "now" is in winter.
    expect((await parseWhen('2027-03-29 09:00', berlin)).iso).toBe('2027-03-29T07:00:00.000Z');
    // The same words in New York.
    expect((await parseWhen('tomorrow 9am', { now, timeZone: 'America/New_York', forward: true })).iso).toBe('2026-11-21T14:00:00.000Z');
  });

  it('uses the default time for a bare date and says whether a time was given', async () => {
    const d = await parseWhen('next friday', { ...berlin, forward: true });
    expect(d).toEqual({ iso: '2026-11-27T08:00:00.000Z', hasTime: false, display: 'Fri 2026-11-27 09:00 (Europe/Berlin)' });
    expect((await parseWhen('2026-12-01', { ...berlin, defaultTime: { hour: 12, minute: 0 } })).iso).toBe('2026-12-01T11:00:00.000Z');
    expect((await parseWhen('in 3 days', { ...berlin, forward: true })).iso).toBe('2026-11-23T08:00:00.000Z');
  });

  it('takes an explicit instant or zone as given', async () => {
    expect((await parseWhen('2026-12-01T13:30:00Z', berlin)).iso).toBe('2026-12-01T13:30:00.000Z');
    expect((await parseWhen('2026-12-01 15:00 UTC', berlin)).iso).toBe('2026-12-01T15:00:00.000Z');
  });

  it('refuses text it cannot read entirely, naming what it was for', async () => {
    for (const text of ['', 'soonish', 'next friday or so', 'blah tomorrow']) {
      await expect(parseWhen(text, { ...berlin, what: '--due' })).rejects.toThrow(`Cannot read "${text}" as a date for --due.`);
    }
  });

  it('formats an instant in a zone', () => {
    expect(formatWhen('2026-11-20T23:30:00Z', 'Asia/Tokyo')).toBe('Sat 2026-11-21 08:30 (Asia/Tokyo)');
  });
});

describe('parseDuration', () => {
  it('reads minutes and hours', () => {
    expect(['20m', '20', '1h', '1.5h', '1h30m', '1h 30m', '45 min'].map(parseDuration)).toEqual([20, 20, 60, 90, 90, 90, 45]);
  });
  it('refuses nonsense and zero', () => {
    for (const t of ['0', 'forever', '-5m', '1d']) expect(() => parseDuration(t)).toThrow('as a duration');
  });
});
