import { describe, expect, it } from 'vitest';
import { computeSla, type ClockEvent } from '../../../src/domain/sla/clock.js';
import { parseHours } from '../../../src/domain/sla/hours.js';
import { toClockPolicy, type CalendarDef } from '../../../src/domain/sla/policy.js';
import { emptyTargets, type PolicyTargets } from '../../../src/domain/sla/targets.js';

const ms = (iso: string) => Date.parse(iso);

function calendar(hours: string, timezone = 'UTC', holidays: string[] = []): CalendarDef {
  return { id: 1, name: 'office', timezone, week: parseHours(hours), holidays };
}

function policyWith(targets: Partial<PolicyTargets>, cal: CalendarDef | null, id = 1) {
  return toClockPolicy({ id, name: `p${id}`, targets: { ...emptyTargets(), ...targets }, calendarId: cal?.id ?? null }, cal);
}

function ev(kind: string, at: string, to: string | null = null, from: string | null = null): ClockEvent {
  return { kind, at: ms(at), from, to };
}

const WORKDAY = 'mon-fri 09:00-18:00';

describe('business time', () => {
  it('a ticket opened Friday 17:55 with a 1-business-hour first reply is due Monday 09:55', () => {
    const p = policyWith({ firstReply: { normal: '1h' } }, calendar(WORKDAY));
    const r = computeSla({ createdAt: ms('2026-11-20T17:55:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-11-20T17:55:00Z') }, () => p);
    expect(r.firstReply).toMatchObject({ state: 'active', deadline: '2026-11-23T09:55:00.000Z', elapsedSeconds: 0, remainingSeconds: 3600 });
    // Monday 09:56: one minute late, breached at the deadline.
    const late = computeSla({ createdAt: ms('2026-11-20T17:55:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-11-23T09:56:00Z') }, () => p);
    expect(late.firstReply).toMatchObject({ state: 'breached', breachedAt: '2026-11-23T09:55:00.000Z', elapsedSeconds: 3660, remainingSeconds: -60 });
    expect(late.breaching).toBe(true);
  });

  it('policies on the same calendar share one built business calendar (built once per content)', () => {
    const a = policyWith({ firstReply: { normal: '1h' } }, calendar(WORKDAY), 1);
    const b = policyWith({ resolution: { high: '8h' } }, { ...calendar(WORKDAY), id: 7, name: 'copy' }, 2);
    expect(b.business).toBe(a.business);
    expect(policyWith({}, calendar('mon-fri 08:00-17:00'), 3).business).not.toBe(a.business);
  });

  it('skips a lunch break', () => {
    const p = policyWith({ firstReply: { normal: '1h' } }, calendar('mon-fri 09:00-12:30,13:30-18:00'));
    const r = computeSla({ createdAt: ms('2026-11-18T12:00:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-11-18T12:00:00Z') }, () => p);
    expect(r.firstReply?.deadline).toBe('2026-11-18T14:00:00.000Z');
  });

  it('skips a holiday', () => {
    const p = policyWith({ firstReply: { normal: '1h' } }, calendar(WORKDAY, 'UTC', ['2026-12-25']));
    const r = computeSla({ createdAt: ms('2026-12-24T17:30:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-12-24T17:30:00Z') }, () => p);
    expect(r.firstReply?.deadline).toBe('2026-12-28T09:30:00.000Z');
  });

  it('follows a daylight-saving change in the calendar zone (Berlin, spring and autumn)', () => {
    const p = policyWith({ firstReply: { normal: '2h' } }, calendar(WORKDAY, 'Europe/Berlin'));
    // Friday 17:00 CET = 16:00Z; clocks go forward on Sunday 29 March; Monday 10:00 CEST = 08:00Z.
    const spring = computeSla({ createdAt: ms('2026-03-27T16:00:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-03-27T16:00:00Z') }, () => p);
    expect(spring.firstReply?.deadline).toBe('2026-03-30T08:00:00.000Z');
    // Friday 17:00 CEST = 15:00Z; clocks go back on Sunday 25 October; Monday 10:00 CET = 09:00Z.
    const autumn = computeSla({ createdAt: ms('2026-10-23T15:00:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-10-23T15:00:00Z') }, () => p);
    expect(autumn.firstReply?.deadline).toBe('2026-10-26T09:00:00.000Z');
  });

  it('counts a 24-hour business day that loses an hour to daylight saving as 23 hours', () => {
    const p = policyWith({ resolution: { normal: '24h' } }, calendar('24/7', 'Europe/Berlin'));
    const r = computeSla({ createdAt: ms('2026-03-28T23:00:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-03-29T22:00:00Z') }, () => p);
    expect(r.resolution?.elapsedSeconds).toBe(23 * 3600);
  });

  it('"2d" in business time is two business days of the calendar', () => {
    const p = policyWith({ resolution: { normal: '2d' } }, calendar('mon-fri 09:00-12:30,13:30-18:00'));
    const r = computeSla({ createdAt: ms('2026-11-16T10:00:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-11-16T10:00:00Z') }, () => p);
    expect(r.resolution).toMatchObject({ targetSeconds: 16 * 3600, deadline: '2026-11-18T10:00:00.000Z' });
  });
});

describe('pauses', () => {
  it('pending over a weekend adds nothing to resolution (calendar time)', () => {
    const p = policyWith({ resolution: { normal: '3d' } }, null);
    const events = [ev('reply', '2026-11-20T16:00:00Z'), ev('status', '2026-11-20T18:00:00Z', 'pending', 'open'), ev('message', '2026-11-23T09:00:00Z'), ev('status', '2026-11-23T09:00:00Z', 'open', 'pending')];
    const r = computeSla({ createdAt: ms('2026-11-20T15:00:00Z'), priority: 'normal', policyId: 1, events, now: ms('2026-11-23T10:00:00Z') }, () => p);
    expect(r.resolution).toMatchObject({ state: 'active', elapsedSeconds: 4 * 3600, calendarSeconds: (2 * 86400 + 19 * 3600) });
  });

  it('pending during business hours pauses resolution, and shows as paused with no deadline', () => {
    const p = policyWith({ resolution: { normal: '8h' } }, calendar(WORKDAY));
    const events = [ev('status', '2026-11-20T12:00:00Z', 'pending', 'new')];
    const paused = computeSla({ createdAt: ms('2026-11-20T10:00:00Z'), priority: 'normal', policyId: 1, events, now: ms('2026-11-23T12:00:00Z') }, () => p);
    expect(paused.resolution).toMatchObject({ state: 'paused', elapsedSeconds: 7200, deadline: null });
    expect(paused.nextDeadline).toBeNull();
    const resumed = computeSla({ createdAt: ms('2026-11-20T10:00:00Z'), priority: 'normal', policyId: 1, events: [...events, ev('status', '2026-11-23T10:00:00Z', 'open', 'pending')], now: ms('2026-11-23T11:00:00Z') }, () => p);
    expect(resumed.resolution).toMatchObject({ state: 'active', elapsedSeconds: 3 * 3600, deadline: '2026-11-23T16:00:00.000Z' });
  });
});

describe('replies', () => {
  it('an internal note does not satisfy first reply; a public reply does', () => {
    const p = policyWith({ firstReply: { normal: '1h' } }, calendar(WORKDAY));
    const noted = computeSla({ createdAt: ms('2026-11-18T10:00:00Z'), priority: 'normal', policyId: 1, events: [ev('note', '2026-11-18T10:10:00Z')], now: ms('2026-11-18T11:30:00Z') }, () => p);
    expect(noted.firstReply).toMatchObject({ state: 'breached', breachedAt: '2026-11-18T11:00:00.000Z', stoppedAt: null });
    const replied = computeSla({ createdAt: ms('2026-11-18T10:00:00Z'), priority: 'normal', policyId: 1, events: [ev('note', '2026-11-18T10:10:00Z'), ev('reply', '2026-11-18T10:20:00Z')], now: ms('2026-11-18T11:30:00Z') }, () => p);
    expect(replied.firstReply).toMatchObject({ state: 'achieved', stoppedAt: '2026-11-18T10:20:00.000Z', elapsedSeconds: 1200 });
    expect(replied.firstReplyAt).toBe('2026-11-18T10:20:00.000Z');
  });

  it('next reply runs from the oldest unanswered requester message to the next public reply', () => {
    const p = policyWith({ firstReply: { normal: '1h' }, nextReply: { normal: '2h' } }, calendar(WORKDAY));
    const events = [
      ev('message', '2026-11-18T09:30:00Z'), // before the first reply: covered by first reply
      ev('reply', '2026-11-18T09:45:00Z'),
      ev('message', '2026-11-18T10:00:00Z'),
      ev('message', '2026-11-18T11:00:00Z'), // still the 10:00 one that counts
      ev('note', '2026-11-18T11:30:00Z'),
    ];
    const r = computeSla({ createdAt: ms('2026-11-18T09:00:00Z'), priority: 'normal', policyId: 1, events, now: ms('2026-11-18T11:45:00Z') }, () => p);
    expect(r.nextReply).toMatchObject({ state: 'active', startedAt: '2026-11-18T10:00:00.000Z', deadline: '2026-11-18T12:00:00.000Z', cycles: 1 });
    const answered = computeSla({ createdAt: ms('2026-11-18T09:00:00Z'), priority: 'normal', policyId: 1, events: [...events, ev('reply', '2026-11-18T12:30:00Z')], now: ms('2026-11-18T13:00:00Z') }, () => p);
    expect(answered.nextReply).toMatchObject({ state: 'breached', breachedAt: '2026-11-18T12:00:00.000Z', stoppedAt: '2026-11-18T12:30:00.000Z', breaches: 1 });
  });
});

describe('reopen and policy changes', () => {
  it('reopening resumes the resolution clock with the time already accrued', () => {
    const p = policyWith({ resolution: { normal: '8h' } }, calendar(WORKDAY));
    const events = [ev('status', '2026-11-16T12:00:00Z', 'solved', 'open'), ev('status', '2026-11-17T09:00:00Z', 'open', 'solved')];
    const solved = computeSla({ createdAt: ms('2026-11-16T09:00:00Z'), priority: 'normal', policyId: 1, events: events.slice(0, 1), now: ms('2026-11-17T10:00:00Z') }, () => p);
    expect(solved.resolution).toMatchObject({ state: 'achieved', elapsedSeconds: 3 * 3600 });
    const r = computeSla({ createdAt: ms('2026-11-16T09:00:00Z'), priority: 'normal', policyId: 1, events, now: ms('2026-11-17T10:00:00Z') }, () => p);
    expect(r.resolution).toMatchObject({ state: 'active', elapsedSeconds: 4 * 3600, deadline: '2026-11-17T14:00:00.000Z', stoppedAt: null });
    expect(r.reopens).toBe(1);
  });

  it('a priority change applies from its moment without losing accrued time', () => {
    const p = policyWith({ firstReply: { normal: '4h', high: '2h' } }, calendar(WORKDAY));
    const r = computeSla({ createdAt: ms('2026-11-18T09:00:00Z'), priority: 'normal', policyId: 1, events: [ev('priority', '2026-11-18T10:30:00Z', 'high', 'normal')], now: ms('2026-11-18T10:30:00Z') }, () => p);
    expect(r.firstReply).toMatchObject({ state: 'active', targetSeconds: 7200, elapsedSeconds: 5400, deadline: '2026-11-18T11:00:00.000Z' });
    // Raised after 3h: already past the new 2h target — breached at the moment of the change.
    const late = computeSla({ createdAt: ms('2026-11-18T09:00:00Z'), priority: 'normal', policyId: 1, events: [ev('priority', '2026-11-18T12:00:00Z', 'high', 'normal')], now: ms('2026-11-18T12:05:00Z') }, () => p);
    expect(late.firstReply).toMatchObject({ state: 'breached', breachedAt: '2026-11-18T12:00:00.000Z' });
  });

  it('a policy change switches targets and calendar but keeps the time accrued', () => {
    const office = calendar(WORKDAY);
    const p1 = policyWith({ resolution: { normal: '8h' } }, office, 1);
    const p2 = policyWith({ resolution: { normal: '24h' } }, null, 2);
    const r = computeSla(
      { createdAt: ms('2026-11-20T16:00:00Z'), priority: 'normal', policyId: 1, events: [ev('policy', '2026-11-20T17:00:00Z', '2', '1')], now: ms('2026-11-20T20:00:00Z') },
      (id) => (id === 1 ? p1 : p2),
    );
    // 1h under the office calendar, then 3 wall-clock hours: 4h of 24h; due 20h later.
    expect(r.resolution).toMatchObject({ elapsedSeconds: 4 * 3600, deadline: '2026-11-21T16:00:00.000Z', basis: 'calendar' });
    expect(r.policyId).toBe(2);
  });

  it('ignores events after now (as-of)', () => {
    const p = policyWith({ firstReply: { normal: '1h' } }, calendar(WORKDAY));
    const r = computeSla({ createdAt: ms('2026-11-18T09:00:00Z'), priority: 'normal', policyId: 1, events: [ev('reply', '2026-11-18T09:30:00Z')], now: ms('2026-11-18T09:20:00Z') }, () => p);
    expect(r.firstReply).toMatchObject({ state: 'active', elapsedSeconds: 1200 });
  });
});

describe('deadlines at the end of a business day', () => {
  it('a target reached exactly at Friday 18:00 is breached over the weekend, at Friday 18:00', () => {
    const p = policyWith({ firstReply: { normal: '9h' } }, calendar(WORKDAY));
    const r = computeSla({ createdAt: ms('2026-11-20T09:00:00Z'), priority: 'normal', policyId: 1, events: [], now: ms('2026-11-22T12:00:00Z') }, () => p);
    expect(r.firstReply).toMatchObject({ state: 'breached', breachedAt: '2026-11-20T18:00:00.000Z', deadline: '2026-11-20T18:00:00.000Z', remainingSeconds: 0 });
    const onTime = computeSla({ createdAt: ms('2026-11-20T09:00:00Z'), priority: 'normal', policyId: 1, events: [ev('reply', '2026-11-20T18:00:00Z')], now: ms('2026-11-22T12:00:00Z') }, () => p);
    expect(onTime.firstReply).toMatchObject({ state: 'achieved', breachedAt: null });
  });
});
