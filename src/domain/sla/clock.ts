/**
 * The SLA clock: a pure function from a ticket's event log, the policies it was under, their
 * calendars and "now" to the state of each metric. Nothing here reads the clock or the database.
 *
 * Definitions (as the established helpdesks use them):
 *   first reply  creation → the first public agent reply (`reply`); internal notes never count.
 *   next reply   the oldest requester `message` not yet answered (after the first reply) → the
 *                next public agent reply. A ticket has as many next-reply cycles as that happens.
 *   resolution   creation → solved, not counting time spent pending or on hold. Reopening
 *                (solved → open) resumes it with the time already accrued.
 * Solving a ticket also stops any reply clock still waiting (judged against its target then).
 * Reply clocks are not paused by pending / on hold: the requester is still waiting for an answer.
 * A change of priority or policy applies from its moment on; time already accrued is kept, and
 * a breach that already happened stays a breach.
 */
import type { TimeBasis } from './time-basis.js';
import type { Metric, Priority } from './targets.js';

export type SlaState = 'active' | 'paused' | 'achieved' | 'breached';
export type TicketStatusName = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';

/** A policy made ready for the clock: targets in seconds of their basis. */
export interface ClockPolicy {
  id: number;
  name: string;
  /** Target seconds per metric and priority; missing = that metric is not measured. */
  targets: Record<Metric, Partial<Record<Priority, number>>>;
  /** Per metric: the basis the target is measured in (business calendar or wall clock). */
  basis: Record<Metric, TimeBasis>;
  /** The calendar's business time (wall clock when the policy has no calendar). */
  business: TimeBasis;
  /** Per metric: measured in calendar (wall-clock) time. */
  calendarTime: Record<Metric, boolean>;
}

export interface ClockEvent {
  kind: string;
  /** Epoch milliseconds. */
  at: number;
  from: string | null;
  to: string | null;
}

export interface ClockInput {
  createdAt: number;
  /** Priority, status and policy at creation (before any event changed them). */
  priority: Priority;
  policyId: number;
  status?: TicketStatusName;
  /** Events in order (at, then id). Events after `now` are ignored. */
  events: ClockEvent[];
  now: number;
}

/** One metric's clock. Instants are ISO strings (T = string) or epoch ms for reports (T = number). */
export interface MetricClock<T = string> {
  state: SlaState;
  /** Target in seconds of its basis, and that basis. */
  targetSeconds: number;
  basis: 'business' | 'calendar';
  startedAt: T;
  stoppedAt: T | null;
  /** When the target is due (for a stopped metric: was due); null while paused. */
  deadline: T | null;
  breachedAt: T | null;
  /** Seconds of the target's basis counted so far (pauses excluded). */
  elapsedSeconds: number;
  /** targetSeconds − elapsedSeconds: negative when overdue. */
  remainingSeconds: number;
  /** Business seconds (the policy calendar's hours, pauses excluded) and wall seconds start → stop. */
  businessSeconds: number;
  calendarSeconds: number;
  /** Next reply only: cycles measured and how many breached. */
  cycles?: number;
  breaches?: number;
}

export interface SlaResult<T = string> {
  priority: Priority;
  status: TicketStatusName;
  policyId: number;
  firstReply: MetricClock<T> | null;
  nextReply: MetricClock<T> | null;
  resolution: MetricClock<T> | null;
  /** Earliest deadline still ahead of a running (not paused) metric, or the earliest breach of one. */
  nextDeadline: T | null;
  /** A running metric is past its target. */
  breaching: boolean;
  /** Timings independent of targets (for reports): null until reached. */
  firstReplyAt: T | null;
  solvedAt: T | null;
  /** Number of solved → open reopenings. */
  reopens: number;
  /** Times whatever the targets (for reports): business (pauses excluded) and wall-clock seconds. */
  firstReplyTime: { businessSeconds: number; calendarSeconds: number } | null;
  resolutionTime: { businessSeconds: number; calendarSeconds: number } | null;
}

interface Acc {
  running: boolean;
  startedAt: number;
  stoppedAt: number | null;
  elapsed: number;
  business: number;
  breachedAt: number | null;
}

/** Seconds are sums of fractional intervals: compare with a little slack. */
const EPSILON = 1e-6;

const newAcc = (at: number): Acc => ({ running: true, startedAt: at, stoppedAt: null, elapsed: 0, business: 0, breachedAt: null });

const isoStamp = (ms: number): string => new Date(ms).toISOString();
const msStamp = (ms: number): number => ms;

/** The SLA state with ISO-8601 instants: what ticket views and --json show. */
export function computeSla(input: ClockInput, policies: (id: number) => ClockPolicy): SlaResult {
  return computeSlaWith(input, policies, isoStamp);
}

/**
 * The same with epoch-millisecond instants: reports over millions of tickets skip formatting.
 * opts.deadlines false: a metric's deadline is left null unless it was breached (the report
 * reads states and times only; finding a deadline is a search in the calendar per metric).
 */
export function computeSlaRaw(input: ClockInput, policies: (id: number) => ClockPolicy, opts: { deadlines: boolean } = { deadlines: true }): SlaResult<number> {
  return computeSlaWith(input, policies, msStamp, opts.deadlines);
}

function computeSlaWith<T extends string | number>(input: ClockInput, policies: (id: number) => ClockPolicy, stamp: (ms: number) => T, withDeadlines = true): SlaResult<T> {
  const iso = (ms: number | null): T | null => (ms === null ? null : stamp(ms));
  let priority = input.priority;
  let status: TicketStatusName = input.status ?? 'new';
  let policy = policies(input.policyId);
  const now = input.now;

  const first = newAcc(input.createdAt);
  const resolution = newAcc(input.createdAt);
  let next: Acc | null = null;
  let nextCycles = 0;
  let nextBreaches = 0;
  let firstNextBreach: number | null = null;
  let lastNext: Acc | null = null;
  let firstReplyAt: number | null = null;
  let solvedAt: number | null = null;
  let reopens = 0;

  const paused = () => status === 'pending' || status === 'on_hold';
  const target = (m: Metric) => policy.targets[m][priority];

  /** Count [a, b) on a running metric and notice the moment it passes its target. */
  const accrue = (acc: Acc, m: Metric, a: number, b: number) => {
    const basis = policy.basis[m];
    const seconds = basis.secondsBetween(a, b);
    const t = target(m);
    // Breached once the clock runs past the instant the target was reached — also when that
    // instant is the end of a business day and the wall clock has moved on since.
    if (t !== undefined && acc.breachedAt === null && acc.elapsed + seconds >= t - EPSILON) {
      const due = acc.elapsed >= t - EPSILON ? a : (basis.advance(a, t - acc.elapsed) ?? b);
      if (due < b) acc.breachedAt = due;
    }
    acc.elapsed += seconds;
    acc.business += basis === policy.business ? seconds : policy.business.secondsBetween(a, b);
  };

  const advanceTo = (a: number, b: number) => {
    if (b <= a) return;
    if (first.running) accrue(first, 'firstReply', a, b);
    if (next?.running) accrue(next, 'nextReply', a, b);
    if (resolution.running && !paused()) accrue(resolution, 'resolution', a, b);
  };

  /** A target that shrank (priority raised) may already be exceeded: that is a breach now. */
  const recheck = (acc: Acc, m: Metric, at: number) => {
    const t = target(m);
    if (acc.running && t !== undefined && acc.breachedAt === null && acc.elapsed > t) acc.breachedAt = at;
  };

  const stopNext = (at: number) => {
    if (!next?.running) return;
    next.running = false;
    next.stoppedAt = at;
    if (next.breachedAt !== null) {
      nextBreaches++;
      firstNextBreach ??= next.breachedAt;
    }
    lastNext = next;
  };

  let prev = input.createdAt;
  for (const e of input.events) {
    if (e.at > now) break;
    const at = Math.max(e.at, prev);
    advanceTo(prev, at);
    prev = at;
    switch (e.kind) {
      case 'reply':
        if (first.running) {
          first.running = false;
          first.stoppedAt = at;
          firstReplyAt = at;
        } else if (firstReplyAt === null) firstReplyAt = at;
        stopNext(at);
        break;
      case 'message':
        if (!first.running && !next?.running) {
          next = newAcc(at);
          nextCycles++;
        }
        break;
      case 'status': {
        const to = (e.to ?? status) as TicketStatusName;
        const from = status;
        status = to;
        if (to === 'solved') {
          solvedAt = at;
          if (first.running) {
            first.running = false;
            first.stoppedAt = at;
          }
          stopNext(at);
          if (resolution.running) {
            resolution.running = false;
            resolution.stoppedAt = at;
          }
        } else if (from === 'solved' && to !== 'closed') {
          reopens++;
          resolution.running = true;
          resolution.stoppedAt = null;
          solvedAt = null;
        }
        break;
      }
      case 'priority':
        if (e.to) priority = e.to as Priority;
        break;
      case 'policy':
        if (e.to && Number.isFinite(Number(e.to))) policy = policies(Number(e.to));
        break;
      default:
        break; // note, assign, csat, created, edit: no effect on the clocks
    }
    if (e.kind === 'priority' || e.kind === 'policy') {
      recheck(first, 'firstReply', at);
      if (next) recheck(next, 'nextReply', at);
      recheck(resolution, 'resolution', at);
    }
  }
  advanceTo(prev, now);

  const result = (acc: Acc | null, m: Metric, isPaused: boolean, extra?: { cycles: number; breaches: number; firstBreach: number | null }): MetricClock<T> | null => {
    if (!acc) return null;
    const t = target(m);
    if (t === undefined) return null;
    const breachedAt = acc.breachedAt ?? extra?.firstBreach ?? null;
    const stopped = !acc.running;
    let state: SlaState;
    if (breachedAt !== null || acc.elapsed > t) state = 'breached';
    else if (stopped) state = 'achieved';
    else state = isPaused ? 'paused' : 'active';
    let deadline: number | null = null;
    if (acc.breachedAt !== null) deadline = acc.breachedAt;
    else if (!withDeadlines) deadline = null;
    else if (!stopped && !isPaused) deadline = policy.basis[m].advance(now, t - acc.elapsed);
    else if (stopped) deadline = policy.basis[m].advance(acc.stoppedAt!, t - acc.elapsed); // the deadline it was met against
    const end = acc.stoppedAt ?? now;
    return {
      state,
      targetSeconds: t,
      basis: policy.calendarTime[m] ? 'calendar' : 'business',
      startedAt: iso(acc.startedAt)!,
      stoppedAt: iso(acc.stoppedAt),
      deadline: iso(deadline),
      breachedAt: iso(breachedAt),
      elapsedSeconds: Math.round(acc.elapsed),
      remainingSeconds: Math.round(t - acc.elapsed),
      businessSeconds: Math.round(acc.business),
      calendarSeconds: Math.round((end - acc.startedAt) / 1000),
      ...(extra ? { cycles: extra.cycles, breaches: extra.breaches + (acc.running && acc.breachedAt !== null ? 1 : 0) } : {}),
    };
  };

  const firstClock = result(first, 'firstReply', false);
  const nextAcc: Acc | null = next ?? lastNext;
  const nextClock = result(nextAcc, 'nextReply', false, { cycles: nextCycles, breaches: nextBreaches, firstBreach: firstNextBreach });
  const resolutionClock = result(resolution, 'resolution', resolution.running && paused());

  let nextDeadline: T | null = null;
  let breaching = false;
  for (const [clock, acc] of [
    [firstClock, first],
    [nextClock, next],
    [resolutionClock, resolution],
  ] as const) {
    if (!clock || !acc?.running || clock.state === 'paused') continue;
    if (clock.state === 'breached') breaching = true;
    const d = clock.deadline;
    if (d && (nextDeadline === null || d < nextDeadline)) nextDeadline = d;
  }

  return {
    priority,
    status,
    policyId: policy.id,
    firstReply: firstClock,
    nextReply: nextClock,
    resolution: resolutionClock,
    nextDeadline,
    breaching,
    firstReplyAt: iso(firstReplyAt),
    solvedAt: iso(solvedAt),
    reopens,
    firstReplyTime: firstReplyAt !== null && first.stoppedAt === firstReplyAt ? { businessSeconds: Math.round(first.business), calendarSeconds: Math.round((firstReplyAt - input.createdAt) / 1000) } : null,
    resolutionTime: solvedAt !== null ? { businessSeconds: Math.round(resolution.business), calendarSeconds: Math.round((solvedAt - input.createdAt) / 1000) } : null,
  };
}
