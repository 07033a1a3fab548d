import { describe, expect, it } from 'vitest';
import { dateRange, parseFilter } from '../../src/db/filter.js';

const env = { now: new Date('2026-11-20T17:55:00Z'), timeZone: 'Europe/Berlin', actorUserId: 1, actorHandle: 'sara' };

describe('parseFilter', () => {
  it('parses fields, comparisons, ranges, lists, tags, negation and free text into a tree', () => {
    expect(parseFilter(['stage:quote,negotiation', 'amount:>5000', 'close:2026-01-01..2026-12-31', '+vip', '-lost', 'not:city:berlin', 'acme']).terms).toEqual([
      { kind: 'field', field: 'stage', op: '=', values: ['quote', 'negotiation'], negated: false, token: 'stage:quote,negotiation' },
      { kind: 'field', field: 'amount', op: '>', values: ['5000'], negated: false, token: 'amount:>5000' },
      { kind: 'field', field: 'close', op: 'range', values: ['2026-01-01', '2026-12-31'], negated: false, token: 'close:2026-01-01..2026-12-31' },
      { kind: 'tag', tag: 'vip', negated: false, token: '+vip' },
      { kind: 'tag', tag: 'lost', negated: true, token: '-lost' },
      { kind: 'field', field: 'city', op: '=', values: ['berlin'], negated: true, token: 'not:city:berlin' },
      { kind: 'text', text: 'acme', negated: false, token: 'acme' },
    ]);
  });

  it('treats negative numbers as text, not as a tag exclusion', () => {
    expect(parseFilter(['-5']).terms[0]).toMatchObject({ kind: 'text', text: '-5' });
  });

  it('points at the bad token', () => {
    expect(() => parseFilter(['owner:'])).toThrow('Bad filter term "owner:".');
    expect(() => parseFilter(['amount:>'])).toThrow('Bad filter term "amount:>".');
    expect(() => parseFilter(['not:'])).toThrow('Bad filter term "not:".');
  });
});

describe('dateRange', () => {
  it('cuts days in the user zone', () => {
    expect(dateRange('2026-11-20', env)).toEqual({ start: '2026-11-19T23:00:00.000Z', end: '2026-11-20T23:00:00.000Z' });
    expect(dateRange('today', env)).toEqual({ start: '2026-11-19T23:00:00.000Z', end: '2026-11-20T23:00:00.000Z' });
  });

  it('handles months across a DST change and named periods', () => {
    expect(dateRange('2026-10', env)).toEqual({ start: '2026-09-30T22:00:00.000Z', end: '2026-10-31T23:00:00.000Z' });
    expect(dateRange('this-month', env).start).toBe('2026-10-31T23:00:00.000Z');
    expect(dateRange('this-week', env).start).toBe('2026-11-15T23:00:00.000Z'); // Monday 16 Nov
    expect(dateRange('30d', env).start).toBe('2026-10-20T22:00:00.000Z');
  });

  it('rejects impossible dates', () => {
    expect(() => dateRange('2026-02-30', env)).toThrow('Bad filter term');
  });
});

describe('UTC without Intl', () => {
  it('gives the dates and midnights Intl gives for a zone that is always UTC+0', async () => {
    const { zonedDate, zonedMidnightUtc } = await import('../../src/db/filter.js');
    for (const iso of ['2026-01-01T00:00:00Z', '2026-03-29T01:30:00Z', '2026-12-31T23:59:59.999Z', '2024-02-29T12:00:00Z']) {
      const at = new Date(iso);
      expect(zonedDate(at, 'UTC')).toEqual(zonedDate(at, 'Africa/Abidjan'));
      expect(zonedDate(at, 'Etc/UTC')).toEqual(zonedDate(at, 'Africa/Abidjan'));
    }
    expect(zonedMidnightUtc(2026, 3, 29, 'UTC')).toBe(zonedMidnightUtc(2026, 3, 29, 'Africa/Abidjan'));
    expect(zonedMidnightUtc(2026, 3, 29, 'UTC')).toBe('2026-03-29T00:00:00.000Z');
  });
});
